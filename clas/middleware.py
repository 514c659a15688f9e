"""A signed-in session ends after its role's idle time; every request pushes the end back. A
session that owes the second step of its sign-in reaches nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from clas.models import User
from clas.two_factor import session_has_device, two_factor_required
from core.lockout import API_PREFIX
from core.views import DATABASE_OUTAGES

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


class TwoFactorRequiredMiddleware:
    """After django-otp's OTPMiddleware. A signed-in session that owes its second step
    (clas.two_factor) reaches only the pages that ask for it, logging out and the language
    switch: any other page sends it there, the API answers 403.

    A request without a session cookie is let through untouched (health checks, metrics,
    anyone not signed in), and so is an API request with a token, which was only issued
    against a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refusal = self._refusal(request)
        except DATABASE_OUTAGES as exc:
            # The session or the user could not be read. The view meets the same outage when it
            # asks for the user, and answers it as every view does (core.middleware: a 503 that
            # keeps what was posted); a view that never asks serves nobody's data.
            request.user = SimpleLazyObject(partial(_raise, exc))
            refusal = None
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if request.path.startswith(API_PREFIX) and request.META.get("HTTP_AUTHORIZATION"):
            return None
        user = request.user
        if not user.is_authenticated or not _owes_second_step(request, user):
            return None
        if user.is_verified():  # type: ignore[attr-defined]
            return None
        if request.path in _open_paths():
            return None
        if request.path.startswith(API_PREFIX):
            message = gettext(
                "Enter the code of your two-step sign-in in the browser first, or use a token."
            )
            return JsonResponse({"detail": message}, status=403)
        verify = reverse("clas:two_step_verify")
        if request.method == "GET":
            verify = f"{verify}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(verify)


def _raise(exc: BaseException) -> User:
    raise exc


def _owes_second_step(request: HttpRequest, user: User) -> bool:
    return two_factor_required(user) or session_has_device(request, user)


def _open_paths() -> frozenset[str]:
    return frozenset(
        reverse(name)
        for name in (
            "clas:two_step_verify",
            "clas:two_step_setup",
            "logout",
            "set_language",
            # Checks the password and the code itself, and starts no session.
            "auth-token",
        )
    )
