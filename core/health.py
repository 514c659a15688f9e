"""What operators watch: /healthz for load balancers and container healthchecks, /metrics for
Prometheus.

Neither touches the session or the user (so no query from the middleware), neither needs a
login or a CSRF token, and /healthz answers 503 rather than 500 whatever fails: each check
catches its own errors, because a health endpoint that crashes says nothing useful.
The JSON keys and status words are read by machines, so they are not translated.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from core import encryption
from core import metrics as pipeline_metrics

logger = logging.getLogger(__name__)

OK, FAIL = "ok", "fail"
BROKER_TIMEOUT_SECONDS = 2  # a healthcheck that hangs is worse than one that fails

Check = dict[str, Any]


# Read-only and anonymous: a write is a plain 405, without a CSRF cookie to ask for first.
@csrf_exempt
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database(),
        "broker": _check_broker(),
        "dispatch": _check_dispatch(),
        "field_keys": _check_field_keys(),
    }
    healthy = all(check["status"] == OK for check in checks.values())
    response = JsonResponse(
        {"status": OK if healthy else FAIL, "checks": checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def _failed(name: str, exc: Exception) -> Check:
    # No traceback: a check that fails keeps failing every few seconds while the outage lasts.
    logger.warning("Health check %s failed: %r", name, exc)
    # The class name only: the endpoint is public, and a message may name hosts or users.
    return {"status": FAIL, "error": type(exc).__name__}


def _check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failed("database", exc)
    return {"status": OK}


def _check_broker() -> Check:
    if not settings.REDIS_URL:
        # The embedded default: tasks run in the web process, there is no broker to lose.
        return {"status": OK, "mode": "in-process"}
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return {**_failed("broker", exc), "mode": "redis"}
    return {"status": OK, "mode": "redis"}


def _check_dispatch() -> Check:
    """Alerts not routed for too long: the broker or the workers are not doing their job."""
    limit = settings.HEALTH_MAX_PENDING_SECONDS
    try:
        backlog = pipeline_metrics.dispatch_backlog()
    except Exception as exc:
        return _failed("dispatch", exc)
    return {
        "status": OK if backlog.oldest_seconds <= limit else FAIL,
        "pending": backlog.pending,
        "oldest_seconds": backlog.oldest_seconds,
        "limit_seconds": limit,
    }


def _check_field_keys() -> Check:
    """FIELD_ENCRYPTION_KEYS open what is stored: a wrong key shows here at deployment rather
    than when someone needs an informant's contact."""
    try:
        opened = encryption.keys_open_stored_values()
    except Exception as exc:
        return _failed("field_keys", exc)
    return {"status": OK, "opened": opened}


# For a load balancer: can this process serve pages and save alerts? The full check above
# would take every web process out of rotation while routing lags, and with them the only way
# in for alerts; it belongs to monitoring and the containers' healthchecks.
@csrf_exempt
@require_safe
def healthz_live(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    healthy = database["status"] == OK
    response = JsonResponse(
        {"status": OK if healthy else FAIL, "checks": {"database": database}},
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not _may_read_metrics(request):
        return HttpResponseForbidden(
            _("Metrics are served to the monitoring system only."), content_type="text/plain"
        )
    body, content_type = pipeline_metrics.render_latest()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def _may_read_metrics(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    # Through a reverse proxy on the same host every visitor's address is the proxy's, often
    # 127.0.0.1: a forwarded request is never trusted for its address, only for the token.
    if "X-Forwarded-For" in request.headers:
        return False
    return _address_allowed(request.META.get("REMOTE_ADDR", ""))


def _address_allowed(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            logger.error("METRICS_ALLOWED_IPS has an entry that is not an address: %r", entry)
            continue
        if address.version == network.version and address in network:
            return True
    return False
