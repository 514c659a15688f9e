"""The dashboard with a real Redis cache that stops: it keeps answering from PostgreSQL.

The Redis server is the test's own (on a free port, no persistence), never the shared one
on 6379: it is stopped for real with SIGTERM, as `systemctl stop` or `docker stop` would.
"""

from __future__ import annotations

import logging
import signal

import pytest
import redis
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from tests.conftest import Mission
from tests.integration.support import RedisServer, skip_reason
from tests.reporting.dashboard.support import build_data

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
    pytest.mark.django_db,
]

DASHBOARD = "/dashboard/"
FIGURES_API = "/api/v1/dashboard/"
MAP_API = "/api/v1/dashboard/map/"


def _stop(server: RedisServer) -> None:
    """SIGTERM, and wait until the server has exited."""
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=10)
    # Already gone and reaped: the fixture's teardown has nothing left to kill.
    server.process = None


def test_the_dashboard_answers_from_the_database_when_its_redis_stops(
    client: Client,
    mission: Mission,
    own_redis: RedisServer,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = build_data(mission)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "ew",
        }
    }
    client.force_login(mission.hq)
    assert client.get(DASHBOARD).status_code == 200
    direct = redis.Redis.from_url(own_redis.url)
    try:
        assert direct.keys("ew:*reporting:dashboard:*"), "the figures were not cached in Redis"
    finally:
        direct.close()

    _stop(own_redis)
    page = client.get(DASHBOARD)
    csv = client.get(reverse("reporting:dashboard_csv", args=["alerts_by_category"]))
    figures = client.get(FIGURES_API)
    points = client.get(MAP_API)

    assert page.status_code == 200
    assert page.context["fig"]["alerts"]["total"] == 7
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[1:] == [
        f"{data.attack.name_en},4,57.1",
        f"{data.looting.name_en},3,42.9",
    ]
    assert figures.status_code == 200
    assert figures.json()["alerts"]["total"] == 7
    assert points.status_code == 200
    assert {
        f["properties"]["name"]: f["properties"]["alerts"] for f in points.json()["features"]
    } == {
        "Bambari": 1,
        "Ippy": 3,
        "Bouar": 1,
        "Baboua": 1,
        "Kaga": 1,
    }
    warnings = [
        r for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING
    ]
    assert len(warnings) >= 4  # one failed read per request at least
