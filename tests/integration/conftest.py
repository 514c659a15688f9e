"""Fixtures of the integration tests: a real broker for the test process and its live server,
Celery workers in their own processes on the test database, and Redis servers to kill.

Everything a test starts is stopped in the fixture's teardown, before the test database is
flushed, whatever the test did.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from knox.models import AuthToken
from pytest_django import Settings

from alerts.models import ThreatCategory
from tests import factories as f
from tests.conftest import Mission
from tests.integration.support import (
    RedisServer,
    StartWorker,
    Worker,
    free_port,
    publishing_to,
    with_path,
)

# The Redis database of these tests, flushed before each: nothing else should use it.
REDIS_DB = 13


@pytest.fixture(scope="session")
def integration_redis_url() -> str:
    return with_path(os.environ["REDIS_URL"], str(REDIS_DB))


@pytest.fixture
def broker(integration_redis_url: str, settings: Settings) -> Iterator[str]:
    """Tasks sent by the test process and its live server go through Redis."""
    client = redis.Redis.from_url(integration_redis_url)
    client.flushdb()
    client.close()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with publishing_to(integration_redis_url):
        yield integration_redis_url


@pytest.fixture
def worker_database_url(django_db_setup: None) -> str:
    """The test database (test_<name>), for processes other than this one."""
    return with_path(os.environ["DATABASE_URL"], connection.settings_dict["NAME"])


@pytest.fixture
def start_worker(
    transactional_db: None, worker_database_url: str, tmp_path: Path
) -> Iterator[StartWorker]:
    """Start a Celery worker on the test database; every one is stopped at teardown."""
    started: list[Worker] = []

    def start(
        *, broker_url: str, include: tuple[str, ...] = (), env: dict[str, str] | None = None
    ) -> Worker:
        worker = Worker(
            database_url=worker_database_url,
            broker_url=broker_url,
            log_dir=tmp_path,
            include=include,
            env=env,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of the test's own, running; killed at teardown."""
    if not RedisServer.available():
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def category(transactional_db: None) -> ThreatCategory:
    return f.CategoryFactory()


@pytest.fixture
def cla_token(mission: Mission) -> str:
    return AuthToken.objects.create(user=mission.cla)[1]
