"""A strict Content Security Policy: no inline scripts or styles anywhere; a database that
does not answer is a 503 to try again, not a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
