"""A signed-in session ends after its role's idle time; every request pushes the end back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from clas.models import User

# The new end is written at most once a minute per session, not on every request (the queue
# page polls every few seconds): idle time is kept to within a minute.
REFRESH_AFTER_SECONDS = 60


def idle_seconds(user: User) -> int:
    """HQ and admins see the whole mission: their sessions end sooner."""
    if user.is_mission_wide or user.is_staff:
        return settings.SESSION_IDLE_SECONDS_MISSION_WIDE
    return settings.SESSION_IDLE_SECONDS


def session_expiry_set(request: HttpRequest, user: User) -> None:
    """Give the session its role's idle time, unless it has about that left already."""
    timeout = idle_seconds(user)
    session = request.session
    # Set as a time (a string), not an age: an age would be counted from the last write,
    # which only happens when something else changes the session.
    dated = isinstance(session.get("_session_expiry"), str)
    left = session.get_expiry_age()
    if not dated or not timeout - REFRESH_AFTER_SECONDS <= left <= timeout:
        session.set_expiry(dt.timedelta(seconds=timeout))


def session_expiry_on_login(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """user_logged_in: a session starts with its role's idle time (a token sign-in has none)."""
    if request is not None and getattr(request, "session", None) is not None:
        session_expiry_set(request, user)


class IdleTimeoutMiddleware:
    """After AuthenticationMiddleware. A session whose time is up is already gone when the
    request comes (the session store refuses it), so the person signs in again; an alert
    posted then is held and saved after sign-in (core.views, alerts.views)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view, so a login or logout in it is seen. Only a session the request has
        # read already: health checks and metrics never touch one, and must not start to.
        session = getattr(request, "session", None)
        if session is None or not session.accessed or response.status_code >= 500:
            # A 503 for a database that does not answer: the session cannot be read either.
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session_expiry_set(request, user)
        return response
