"""Who made a change and by which way in, attached to the history rows PostgreSQL writes
(audit.models): the signed-in user and the page, API or admin address of a request, or the
name of a Celery task.

pghistory passes the context to the triggers by prefixing each write with a PostgreSQL
`set_config` call, which SQLite does not have: on any other database nothing is attached (and
nothing is tracked either).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pghistory
from celery.signals import task_postrun, task_prerun
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from pghistory import runtime

# Requests that read change nothing: no context for them.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
VIA_ADMIN = "admin"
VIA_API = "api"
VIA_PAGE = "page"
VIA_TASK = "task"


def is_tracked() -> bool:
    """True where the history is kept: on PostgreSQL."""
    return connection.vendor == "postgresql"


def _is_active() -> bool:
    return hasattr(runtime._tracker, "value")


def who(user: Any) -> dict[str, Any]:
    """The user of a context: id and username, None for nobody signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "username": None}
    return {"user": user.pk, "username": user.get_username()}


def via_of(path: str) -> str:
    if path.startswith("/admin/"):
        return VIA_ADMIN
    if path.startswith("/api/"):
        return VIA_API
    return VIA_PAGE


class _TrackedRequest:
    """A request whose user, once known, goes into the context.

    The API signs in a token's user in the view, after the middleware has run: setting
    `request.user` then must still name them in the history.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "user":
            # The database is down: nothing can be written to attach the user to.
            with suppress(DatabaseError):
                pghistory.context(**who(value))
        super().__setattr__(name, value)


class _TrackedWSGIRequest(_TrackedRequest, WSGIRequest):
    pass


class HistoryMiddleware:
    """The context of a request that may write. After AuthenticationMiddleware: it names the
    user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITE_METHODS or not is_tracked():
            return self.get_response(request)
        try:
            user = who(getattr(request, "user", None))
        except DatabaseError:
            # The session or the user cannot be read: the database is down. The view meets
            # the outage too and answers it (core.middleware), keeping what was posted.
            user = who(None)
        metadata = {**user, "url": request.path, "via": via_of(request.path)}
        with pghistory.context(**metadata):
            if type(request) is WSGIRequest:
                request.__class__ = _TrackedWSGIRequest
            return self.get_response(request)


# A Celery task's context, entered before it runs and left after, by task id.
_task_contexts = threading.local()


@task_prerun.connect
def _enter_task_context(task_id: str, task: Any, **kwargs: Any) -> None:
    # A task run in-process by a request (eager) keeps the request's context.
    if not is_tracked() or _is_active():
        return
    context = pghistory.context(via=VIA_TASK, task=task.name, user=None, username=None)
    context.__enter__()
    if not hasattr(_task_contexts, "by_id"):
        _task_contexts.by_id = {}
    _task_contexts.by_id[task_id] = context


@task_postrun.connect
def _leave_task_context(task_id: str, **kwargs: Any) -> None:
    context = getattr(_task_contexts, "by_id", {}).pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
