"""Log lines that name the alert they are about, as plain text or one JSON object per line.

A service opens a `log_context` (as a `with` block, or as a decorator when the reference is
only known part-way through, then `log_bind`), and every line logged inside it, by any module,
carries the alert's reference: an operator greps one reference and sees the alert's whole path
through intake, routing, notification and escalation, across web and worker processes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

# Context variables, not thread-locals: each thread and each asyncio task has its own value,
# so a reference never leaks into the lines of a request served next on the same thread.
_alert: ContextVar[str] = ContextVar("log_alert", default="")
_scoped: ContextVar[bool] = ContextVar("log_scoped", default=False)

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(alert_tag)s%(message)s"


@contextmanager
def log_context(*, alert: str | None = None) -> Iterator[None]:
    """Lines logged inside carry `alert`; without it, the outer value until `log_bind` names one.

    Also a decorator (`@log_context()`), which gives each call a scope of its own.
    """
    alert_token = _alert.set(_alert.get() if alert is None else alert)
    scoped_token = _scoped.set(True)
    try:
        yield
    finally:
        _scoped.reset(scoped_token)
        _alert.reset(alert_token)


def log_bind(*, alert: str) -> None:
    """Name the alert for the rest of the enclosing `log_context`.

    Outside any log_context it does nothing: nothing would reset the value, and it would tag
    the lines of whatever this thread does next.
    """
    if _scoped.get():
        _alert.set(alert)


def current_alert() -> str:
    return _alert.get()


class AlertContextFilter(logging.Filter):
    """Adds `alert` (the reference, or "") to every record, for any formatter to use."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A value passed explicitly (extra={"alert": ...}) wins over the context.
        if not getattr(record, "alert", ""):
            record.alert = _alert.get()
        return True


def _alert_of(record: logging.LogRecord) -> str:
    # Handlers configured without the filter (a test's, a library's) still get the reference.
    return getattr(record, "alert", "") or _alert.get()


class PlainFormatter(logging.Formatter):
    """`2026-05-04 10:00:00,000 INFO alerts.services [ALT-2026-000123] message`."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or PLAIN_FORMAT, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        alert = _alert_of(record)
        record.alert_tag = f"[{alert}] " if alert else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, alert, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "alert": _alert_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Non-ASCII stays readable (French place names); newlines are escaped, so one line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configured_formatter() -> logging.Formatter:
    """The formatter named by settings.LOG_FORMAT, for LOGGING's "()" factory.

    Read when logging is configured (django.setup), after every settings module has run:
    production.py changes the default after base.py has built LOGGING.
    """
    if getattr(settings, "LOG_FORMAT", "plain") == "json":
        return JsonFormatter()
    return PlainFormatter()
