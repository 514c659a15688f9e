"""/healthz: what a load balancer and a container healthcheck ask. 200 when the database, the
broker and the routing backlog are fine, 503 otherwise, and never a 500."""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.utils import timezone

from alerts.models import AlertDispatch
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

URL = "/healthz"


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pending_alert(mission: Mission, *, age_seconds: float) -> None:
    alert = log(mission, route=False)
    AlertDispatch.objects.filter(alert=alert).update(
        created_at=timezone.now() - dt.timedelta(seconds=age_seconds)
    )


def health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get(URL)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def test_it_answers_200_when_everything_is_fine(client: Client) -> None:
    status, body = health(client)

    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    expected_mode = "redis" if settings.REDIS_URL else "in-process"
    assert body["checks"]["broker"] == {"status": "ok", "mode": expected_mode}
    assert body["checks"]["dispatch"]["pending"] == 0
    assert body["checks"]["dispatch"]["oldest_seconds"] == 0


def test_it_needs_no_login_and_leaves_session_and_user_alone(
    client: Client, django_assert_num_queries: Any
) -> None:
    # Three queries: the database check, the backlog and the field keys' check. None for a
    # session or a user.
    with django_assert_num_queries(3):
        response = client.get(URL)

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_it_needs_no_csrf_token_and_refuses_writes_without_a_500() -> None:
    client = Client(enforce_csrf_checks=True)

    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_a_recent_pending_alert_is_reported_but_healthy(mission: Mission, client: Client) -> None:
    pending_alert(mission, age_seconds=10)

    status, body = health(client)

    assert status == 200
    assert body["checks"]["dispatch"]["pending"] == 1
    assert 10 <= body["checks"]["dispatch"]["oldest_seconds"] < settings.HEALTH_MAX_PENDING_SECONDS


def test_an_alert_pending_past_the_limit_fails_with_503(mission: Mission, client: Client) -> None:
    limit = settings.HEALTH_MAX_PENDING_SECONDS
    pending_alert(mission, age_seconds=10)
    pending_alert(mission, age_seconds=limit + 60)

    status, body = health(client)

    assert status == 503
    assert body["status"] == "fail"
    dispatch = body["checks"]["dispatch"]
    assert dispatch["status"] == "fail"
    assert dispatch["pending"] == 2
    assert dispatch["oldest_seconds"] >= limit + 60
    # The others still pass: the answer says which part is wrong.
    assert body["checks"]["database"]["status"] == "ok"


@override_settings(HEALTH_MAX_PENDING_SECONDS=5)
def test_the_limit_comes_from_the_setting(mission: Mission, client: Client) -> None:
    pending_alert(mission, age_seconds=30)

    status, body = health(client)

    assert status == 503
    assert body["checks"]["dispatch"]["limit_seconds"] == 5


@pytest.mark.skipif("HEALTH_MAX_PENDING_SECONDS" in os.environ, reason="the variable is set")
def test_the_default_limit_is_five_minutes() -> None:
    assert settings.HEALTH_MAX_PENDING_SECONDS == 300


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), RuntimeError])
def test_a_database_that_fails_is_a_503_never_a_500(client: Client, error: Exception) -> None:
    with mock.patch.object(connections["default"], "cursor", side_effect=error):
        status, body = health(client)

    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["error"] in ("OperationalError", "RuntimeError")
    # The backlog is read from the same database: it fails too, without taking the answer down.
    assert body["checks"]["dispatch"]["status"] == "fail"


def test_a_broker_that_does_not_answer_is_a_503(client: Client) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"

    with override_settings(REDIS_URL=url, CELERY_BROKER_URL=url):
        status, body = health(client)

    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["broker"]["mode"] == "redis"
    assert body["checks"]["broker"]["error"] == "ConnectionError"
    # The address is not echoed to whoever asks.
    assert url not in str(body)
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (the PostgreSQL+Redis run)")
def test_a_broker_that_answers_passes(client: Client) -> None:
    status, body = health(client)

    assert status == 200
    assert body["checks"]["broker"] == {"status": "ok", "mode": "redis"}


def test_without_redis_the_broker_check_says_tasks_run_in_process(client: Client) -> None:
    with override_settings(REDIS_URL="", CELERY_BROKER_URL="memory://"):
        status, body = health(client)

    assert status == 200
    assert body["checks"]["broker"] == {"status": "ok", "mode": "in-process"}


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_from_a_container_healthcheck_is_not_redirected(client: Client) -> None:
    # Production redirects http to https; the healthcheck calls the web directly over http.
    assert client.get(URL).status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_the_live_check_for_load_balancers_ignores_a_routing_backlog(
    mission: Mission, client: Client
) -> None:
    pending_alert(mission, age_seconds=settings.HEALTH_MAX_PENDING_SECONDS + 60)

    full = client.get(URL)
    live = client.get("/healthz/live")

    assert full.status_code == 503
    assert live.status_code == 200
    assert live.json() == {"status": "ok", "checks": {"database": {"status": "ok"}}}
    assert live["Cache-Control"] == "no-store"


def test_the_live_check_fails_with_the_database(client: Client) -> None:
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz/live")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "fail", "error": "OperationalError"}


def test_the_field_keys_check_opens_the_newest_informant_value(
    mission: Mission, client: Client
) -> None:
    log(mission, source_name="Marie K.", source_contact="+236 75 12 34 56")

    status, body = health(client)

    assert status == 200
    assert body["checks"]["field_keys"] == {"status": "ok", "opened": 2}


def test_a_well_formed_but_wrong_key_fails_the_check_with_503(
    mission: Mission, client: Client
) -> None:
    log(mission, source_name="Marie K.")
    other_installation = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[other_installation]):
        status, body = health(client)

    assert status == 503
    assert body["checks"]["field_keys"] == {"status": "fail", "error": "DecryptionFailed"}
