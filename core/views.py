"""Sign in and out, the home page that sends each role to its work, and error pages."""

from __future__ import annotations

import datetime as dt
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import NotFound

from core.navigation import nav_links, role_home_url

# A database that does not answer (down, restarting, failing over): worth trying again soon.
# Other database errors (integrity, syntax) are bugs and stay 500s.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
# Posted fields never written back into a page.
SECRET_FIELD_MARKERS = ("password",)
# Hidden fields of our forms: sent again, but nothing the person typed.
NOT_TYPED_FIELDS = frozenset({"csrfmiddlewaretoken", "client_key", "owner"})


class LoginView(auth_views.LoginView):
    """Django's login view that also switches to the language the user prefers."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if translation.check_for_language(language):
            translation.activate(language)
            _set_language_cookie(response, language)
        return response


def _set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the work page of their role, or list their pages."""
    target = role_home_url(request.user)
    if target is not None:
        return redirect(target)
    return render(request, "core/home.html", {"links": nav_links(request.user)})


# --- the database does not answer ---------------------------------------------------------


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_OUTAGES)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a "try again" page for people.

    Built without touching the database, which is down: no context processors (no user, no
    messages, no session), just the template. A form that was posted is written back into
    the page so it can be sent again as it was.
    """
    if request.path.startswith(API_PREFIX):
        message = _("The service is briefly unavailable. Please try again in a minute.")
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        content = loader.render_to_string("503.html", _unavailable_context(request))
        response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # The page may hold what was typed (names of sources): no copy kept by a browser or proxy.
    add_never_cache_headers(response)
    return response


def _unavailable_context(request: HttpRequest) -> dict[str, object]:
    fields = _posted_fields(request) if request.method == "POST" else []
    return {
        "path": request.get_full_path(),
        "posted": request.method == "POST",
        "hidden": fields,
        "typed": [
            (name.replace("_", " ").capitalize(), value)
            for name, value in fields
            if name not in NOT_TYPED_FIELDS and value.strip()
        ],
        "files_lost": request.method == "POST" and bool(request.FILES),
    }


def _posted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """(name, value) of every posted field but passwords, in the order they were sent."""
    try:
        data = request.POST
    except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        # A body that cannot be read (too big, cut off) must not turn this page into a 500.
        return []
    return [
        (name, value)
        for name, values in data.lists()
        if not any(marker in name.lower() for marker in SECRET_FIELD_MARKERS)
        for value in values
    ]


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. An outage met outside a view (saving the session, a middleware) is a 503
    too; DatabaseUnavailableMiddleware answers for the ones met in a view."""
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404. Under /api/ a JSON body, as the API's own 404s (a URL no route matches, an
    id that is not a number), so that a client never has to read a page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def wants_json(request: HttpRequest) -> bool:
    """A script asked for JSON (the alert form's outbox): it gets JSON, never a page."""
    return "application/json" in request.headers.get("Accept", "")


# --- forms refused for an expired session or CSRF token -----------------------------------
# A page marked with keeps_refused_posts gets back what was posted to it when the post is
# refused because the session or the CSRF token expired: the post is held in the session
# (which survives signing in again) under a random token, and the page takes it back.

HELD_POSTS_KEY = "held_posts"
HELD_POSTS_MAX = 10  # per session; a person re-sends one or two, never dozens
HELD_POST_MAX_CHARS = 64_000
HELD_POST_MAX_AGE = dt.timedelta(days=14)
NOT_HELD = frozenset({"csrfmiddlewaretoken"})  # passwords never either (_posted_fields)


@dataclass(frozen=True)
class HeldPost:
    data: QueryDict
    # True when the post passed the CSRF check (only the session had expired): it is the
    # user's own post and may be completed at once; False when it did not, so it may only
    # be shown back to be sent again.
    verified: bool


def keeps_refused_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    view.keeps_refused_posts = True  # type: ignore[attr-defined]
    return view


def hold_post(request: HttpRequest, *, verified: bool) -> str | None:
    """Keep what was posted (never passwords or the CSRF token) and return its token, or None
    when it cannot be kept (too big, too many held already)."""
    fields = [(name, value) for name, value in _posted_fields(request) if name not in NOT_HELD]
    if not fields or sum(len(name) + len(value) for name, value in fields) > HELD_POST_MAX_CHARS:
        return None
    held = _held_posts(request)
    if len(held) >= HELD_POSTS_MAX:
        return None
    token = secrets.token_urlsafe(16)
    held[token] = {
        "path": request.path,
        "fields": fields,
        "verified": verified,
        "at": timezone.now().isoformat(),
    }
    request.session[HELD_POSTS_KEY] = held
    return token


def take_held_post(
    request: HttpRequest, token: str, *, accept: Callable[[QueryDict], bool]
) -> HeldPost | None:
    """The post held under `token` for this page, removed from the session if `accept` (the
    page's check that it belongs to the signed-in user) takes it; None otherwise."""
    held = _held_posts(request)
    entry = held.get(token)
    if entry is None or entry.get("path") != request.path:
        return None
    data = QueryDict(mutable=True)
    for name, value in entry.get("fields", []):
        data.appendlist(str(name), str(value))
    if not accept(data):
        return None
    del held[token]
    request.session[HELD_POSTS_KEY] = held
    data._mutable = False
    return HeldPost(data=data, verified=bool(entry.get("verified")))


def _held_posts(request: HttpRequest) -> dict[str, Any]:
    held = request.session.get(HELD_POSTS_KEY)
    if not isinstance(held, dict):
        return {}
    oldest = (timezone.now() - HELD_POST_MAX_AGE).isoformat()
    return {
        token: entry
        for token, entry in held.items()
        if isinstance(entry, dict) and str(entry.get("at", "")) >= oldest
    }


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. A form of a page that keeps refused posts (the alert form) comes
    back filled in, to be sent again; the script of such a page gets JSON; every other form
    gets the "form has expired" page, which says nothing was saved."""
    if wants_json(request):
        message = _("The page had expired: what you sent is kept on this device and sent again.")
        return JsonResponse({"status": "csrf", "message": message}, status=403)
    keeps = request.method == "POST" and _keeps_refused_posts(request)
    if keeps:
        token = hold_post(request, verified=False)
        if token is not None:
            return redirect(f"{request.path}?{urlencode({'held': token})}")
    return refused_post_page(request, typed=keeps, no_cookie=reason == REASON_NO_CSRF_COOKIE)


def refused_post_page(
    request: HttpRequest, *, typed: bool = True, no_cookie: bool = False
) -> HttpResponse:
    """The "form has expired" page (403), with what was typed to be copied when `typed`."""
    context = {
        "no_cookie": no_cookie,
        "typed": _unavailable_context(request)["typed"] if typed else [],
    }
    return HttpResponse(loader.render_to_string("403_csrf.html", context), status=403)


def _keeps_refused_posts(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return bool(getattr(match.func, "keeps_refused_posts", False))
