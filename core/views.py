"""Sign in and out, the home page that sends each role to its work, and error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

from core.navigation import nav_links, role_home_url

# A database that does not answer (down, restarting, failing over): worth trying again soon.
# Other database errors (integrity, syntax) are bugs and stay 500s.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
# Posted fields never written back into a page.
SECRET_FIELD_MARKERS = ("password",)
# Hidden fields of our forms: sent again, but nothing the person typed.
NOT_TYPED_FIELDS = frozenset({"csrfmiddlewaretoken", "client_key"})


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
