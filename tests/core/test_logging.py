"""Log lines about an alert carry its reference, in plain text and in JSON (one object a line),
whichever module writes them while a service works on the alert."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import override_settings

from alerts import services
from clas.models import Sector
from core.logging import (
    AlertContextFilter,
    JsonFormatter,
    PlainFormatter,
    configured_formatter,
    current_alert,
    log_bind,
    log_context,
)
from tests import factories as f
from tests.alerts.support import log, make_input
from tests.config.test_settings import production_environment
from tests.conftest import Mission

REFERENCE = "ALT-2026-000123"
Lines = Callable[[], list[dict[str, Any]]]


def record(message: str = "Routed", **kwargs: Any) -> logging.LogRecord:
    return logging.getLogger("alerts.services").makeRecord(
        "alerts.services", logging.WARNING, __file__, 1, message, (), None, **kwargs
    )


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    """What the production console handler writes: the filter and the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(AlertContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


# --- the formats --------------------------------------------------------------------------


def test_a_json_line_carries_time_level_logger_message_and_alert(json_lines: Lines) -> None:
    with log_context(alert=REFERENCE):
        logging.getLogger("alerts.services").warning("Left pending for %s", "the sweep")

    [line] = json_lines()
    assert line["alert"] == REFERENCE
    assert line["level"] == "WARNING"
    assert line["logger"] == "alerts.services"
    assert line["message"] == "Left pending for the sweep"
    assert line["time"].endswith("+00:00")
    assert "exception" not in line


def test_a_json_line_outside_any_alert_has_an_empty_alert(json_lines: Lines) -> None:
    logging.getLogger("core").warning("Nothing about an alert")

    assert json_lines()[0]["alert"] == ""


def test_a_json_line_carries_the_exception_and_stays_one_line(json_lines: Lines) -> None:
    with log_context(alert=REFERENCE):
        try:
            raise ValueError("Bangassou\nsecond line")
        except ValueError:
            logging.getLogger("alerts.services").exception("Routing failed à Bangassou")

    [line] = json_lines()
    assert line["alert"] == REFERENCE
    assert line["message"] == "Routing failed à Bangassou"
    assert "Traceback" in line["exception"]
    assert "ValueError: Bangassou" in line["exception"]


def test_the_plain_format_shows_the_reference_in_brackets() -> None:
    formatter = PlainFormatter()

    with log_context(alert=REFERENCE):
        inside = formatter.format(record())
    outside = formatter.format(record())

    assert inside.endswith(f" WARNING alerts.services [{REFERENCE}] Routed")
    assert outside.endswith(" WARNING alerts.services Routed")


def test_the_filter_adds_the_alert_to_every_record_and_keeps_an_explicit_one() -> None:
    context_filter = AlertContextFilter()
    plain, explicit = record(), record(extra={"alert": "ALT-2026-000001"})

    with log_context(alert=REFERENCE):
        context_filter.filter(plain)
        context_filter.filter(explicit)
    unset = record()
    context_filter.filter(unset)

    assert (plain.alert, explicit.alert, unset.alert) == (REFERENCE, "ALT-2026-000001", "")


# --- the context --------------------------------------------------------------------------


def test_contexts_nest_and_restore_the_outer_alert() -> None:
    with log_context(alert="ALT-2026-000001"):
        with log_context(alert="ALT-2026-000002"):
            inner = current_alert()
        outer = current_alert()

    assert (inner, outer, current_alert()) == ("ALT-2026-000002", "ALT-2026-000001", "")


def test_a_decorated_service_names_its_alert_for_the_call_only() -> None:
    @log_context()
    def work() -> str:
        log_bind(alert=REFERENCE)
        return current_alert()

    assert work() == REFERENCE
    assert current_alert() == ""


def test_binding_outside_any_context_does_nothing() -> None:
    # Nothing would reset it: the next request on this thread would carry the reference.
    log_bind(alert=REFERENCE)

    assert current_alert() == ""


# --- the services -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_routing_line_carries_the_reference(mission: Mission, json_lines: Lines) -> None:
    orphan_sector = Sector.objects.create(code="SX", name="No queue")
    place = f.LocationFactory(name="Obo", sector=orphan_sector)
    alert = log(mission, user=mission.admin, route=False, location_id=place.pk)

    assert not services.alert_route(alert_id=alert.pk)

    [line] = [line for line in json_lines() if line["logger"] == "alerts.services"]
    assert line["level"] == "ERROR"
    assert line["alert"] == alert.reference
    assert current_alert() == ""


@pytest.mark.django_db
def test_the_intake_line_of_a_broker_outage_carries_the_reference(
    mission: Mission, json_lines: Lines, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        mock.patch("alerts.tasks.route_alert.delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert, _created = services.alert_create(user=mission.cla, data=make_input(mission))

    [line] = [line for line in json_lines() if "left pending" in line["message"]]
    # The message names the id only; the reference comes from the context.
    assert alert.reference not in line["message"]
    assert line["alert"] == alert.reference


@pytest.mark.django_db
def test_lines_of_other_modules_during_notification_and_escalation_carry_the_reference(
    mission: Mission, json_lines: Lines
) -> None:
    def send(**kwargs: Any) -> None:
        logging.getLogger("django.core.mail").warning("Sending")

    with (
        mock.patch("alerts.notifications.send_flash_alert_email", side_effect=send),
        mock.patch("alerts.notifications.send_escalation_email", side_effect=send),
    ):
        alert = log(mission, urgency="Immediate")
        services.alert_notify_flash(alert_id=alert.pk)
        later = alert.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes + 1)
        services.alert_escalate(alert_id=alert.pk, now=later)

    sent = [line for line in json_lines() if line["message"] == "Sending"]
    assert len(sent) == 2
    assert {line["alert"] for line in sent} == {alert.reference}


# --- the settings -------------------------------------------------------------------------


def test_the_console_handler_adds_the_alert_and_uses_the_chosen_format() -> None:
    handler = settings.LOGGING["handlers"]["console"]
    filters = settings.LOGGING["filters"]

    assert [filters[name]["()"] for name in handler["filters"]] == [
        "core.logging.AlertContextFilter"
    ]
    with override_settings(LOG_FORMAT="json"):
        assert isinstance(configured_formatter(), JsonFormatter)
    with override_settings(LOG_FORMAT="plain"):
        assert isinstance(configured_formatter(), PlainFormatter)


@pytest.mark.skipif("LOG_FORMAT" in os.environ, reason="LOG_FORMAT is set in the environment")
def test_plain_is_the_default_outside_production() -> None:
    assert settings.LOG_FORMAT == "plain"


WRITE_A_LINE = """
import django, logging
django.setup()
from django.conf import settings
from core.logging import log_context
with log_context(alert="ALT-2026-000123"):
    logging.getLogger("alerts.services").warning("Routed")
print(settings.LOG_FORMAT)
"""


def run_settings(module: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LOG_FORMAT", "DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(variables, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", WRITE_A_LINE],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_writes_json_lines_by_default() -> None:
    result = run_settings("config.settings.production", production_environment())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "json"
    [line] = [json.loads(text) for text in result.stderr.splitlines() if text.startswith("{")]
    assert (line["alert"], line["message"]) == (REFERENCE, "Routed")


def test_log_format_chooses_plain_lines_in_production_too() -> None:
    result = run_settings("config.settings.production", production_environment(LOG_FORMAT="PLAIN"))

    assert result.returncode == 0, result.stderr
    assert f"WARNING alerts.services [{REFERENCE}] Routed" in result.stderr


def test_an_unknown_log_format_stops_the_start() -> None:
    result = run_settings("config.settings.local", {"LOG_FORMAT": "xml"})

    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr
