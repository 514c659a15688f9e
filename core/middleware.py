"""A strict Content Security Policy: no inline scripts or styles anywhere; a Permissions-Policy
and no caching of what a signed-in user is shown; a database that does not answer is a 503 to
try again, not a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from core.views import database_unavailable, is_database_outage

logger = logging.getLogger(__name__)


def _tile_origin() -> str:
    url = settings.MAP_TILE_URL
    if not url:
        return ""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f" {scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = (
            "default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src 'self' data:{_tile_origin()}; connect-src 'self'; "
            "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'"
        )
        self.static_url = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs (Swagger UI) need their own inline bootstrapping; keep them out of the policy.
        # A policy only applies to documents and workers: static files go without it (8 of them
        # load with the alert form, and every byte counts on a 2G link).
        if not request.path.startswith(("/api/docs", self.static_url)):
            response.setdefault("Content-Security-Policy", self.policy)
        return response


# No page uses the camera, the microphone, the phone's location (coordinates are typed on the
# alert form) or any other device: none is allowed, to this site or any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Answers of their own that every cache may keep or that carry nobody's data.
UNCACHED_EXEMPT = ("/healthz", "/metrics")


def _may_be_signed_in(request: HttpRequest) -> bool:
    """A session cookie or an Authorization header: judged without loading the user, which
    needs the database (down, the answer is a 503 that must not fail here)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


class SecurityHeadersMiddleware:
    """Permissions-Policy on every document, and nothing a signed-in user may be shown kept by
    a browser or proxy cache (Cache-Control: private, no-store): pages and API answers name
    informants, victims and places. Static files go without both, like the Content Security
    Policy; the health and metrics endpoints set their own Cache-Control."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_url = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.static_url):
            return response
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _may_be_signed_in(request) and not request.path.startswith(UNCACHED_EXEMPT):
            # Kept with what a view set (no-cache and the ETag of the queue, which its script
            # sends back itself; the form's X-Kept-Copy lives in the service worker's own
            # cache, which Cache-Control does not govern).
            patch_cache_control(response, private=True, no_store=True)
        return response


class DatabaseUnavailableMiddleware:
    """PostgreSQL down or restarting, met in a view or its template: JSON 503 for the API, a
    "try again" page keeping what was posted for people, both with Retry-After. Works with
    DEBUG on too; core.views.server_error (handler500) does the same for outages met in other
    middleware, such as the session being saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        # Answered here, so Django logs no traceback: say what happened.
        logger.warning(
            "Database unavailable, %s %s answered 503: %r", request.method, request.path, exception
        )
        return database_unavailable(request)
