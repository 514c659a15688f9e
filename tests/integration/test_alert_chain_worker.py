"""The alert chain end to end with real parts: alerts posted over HTTP to a live server on
PostgreSQL, routed by a Celery worker in another process through Redis.

No alert is lost and none is routed twice: not when the broker is down, not when a worker is
killed in the middle of routing, not when the same form is sent five times at once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from alerts.models import Alert, AlertDispatch, AlertEvent, AlertLink, ThreatCategory
from alerts.services import AlertInput, alert_create
from alerts.tasks import sweep_pending_alerts
from tests.conftest import Mission
from tests.integration.support import (
    RedisServer,
    StartWorker,
    Worker,
    post_json,
    publishing_to,
    skip_reason,
    wait_for,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
    # serialized_rollback: the rows of the data migrations are back for the tests after these.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALERTS_API = "/api/v1/alerts/"
ROUTE_DELAY = "1.5"  # seconds the kill tests' routing holds its transaction open


def alert_payload(mission: Mission, category: ThreatCategory, **fields: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "client_key": uuid.uuid4().hex,
        "location": mission.base_a.pk,
        "category": category.pk,
        "source_type": Alert.SourceType.LOCAL_AUTHORITY,
        "description": "Armed men seen near the river crossing at dawn.",
        "occurred_at": (now - dt.timedelta(hours=2)).isoformat(),
        "reported_at": (now - dt.timedelta(hours=1)).isoformat(),
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        **fields,
    }


def log_alert(mission: Mission, category: ThreatCategory) -> int:
    """An alert saved by the service in this process: committed, then sent to the broker."""
    now = timezone.now()
    alert, _created = alert_create(
        user=mission.cla,
        data=AlertInput(
            location_id=mission.base_a.pk,
            category_id=category.pk,
            source_type=Alert.SourceType.LOCAL_AUTHORITY,
            description="Shots heard north of the market.",
            occurred_at=now - dt.timedelta(hours=1),
            reported_at=now,
        ),
    )
    return alert.pk


def all_routed(alert_ids: list[int]) -> bool:
    done = AlertDispatch.objects.filter(alert_id__in=alert_ids, state=AlertDispatch.State.DONE)
    return done.count() == len(alert_ids)


def assert_routed_exactly_once(alert_ids: list[int], mission: Mission) -> None:
    alerts = Alert.objects.filter(pk__in=alert_ids).annotate(
        routed_events=Count("events", filter=Q(events__kind=AlertEvent.Kind.ROUTED))
    )
    assert len(alerts) == len(alert_ids)
    for alert in alerts:
        assert alert.routed_events == 1, f"{alert.reference} routed {alert.routed_events} times"
        assert alert.status == Alert.Status.QUEUED
        assert alert.queue_id == mission.queue_a.pk
        assert alert.dispatch.state == AlertDispatch.State.DONE
        # Attempts that died before their commit left no trace.
        assert alert.dispatch.attempts == 1


def test_alert_posted_over_http_is_on_its_sector_queue_within_5_seconds(
    live_server: LiveServer,
    broker: str,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    cla_token: str,
) -> None:
    start_worker(broker_url=broker)

    status, body = post_json(
        live_server.url + ALERTS_API, alert_payload(mission, category), token=cla_token
    )
    posted = time.monotonic()

    assert status == 201, body
    alert = wait_for(
        lambda: Alert.objects.filter(pk=body["id"], status=Alert.Status.QUEUED).first(),
        timeout=5,
        what="the alert on its queue",
    )
    print(f"\nposted to queued: {time.monotonic() - posted:.3f} s")
    assert alert.queue == mission.queue_a
    assert_routed_exactly_once([alert.pk], mission)


def test_alerts_posted_while_the_broker_is_down_are_saved_and_all_routed_once_it_is_back(
    own_redis: RedisServer,
    live_server: LiveServer,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    cla_token: str,
) -> None:
    url = live_server.url + ALERTS_API

    def post_timed(count: int) -> tuple[list[int], list[float]]:
        ids, durations = [], []
        for _ in range(count):
            started = time.perf_counter()
            status, body = post_json(url, alert_payload(mission, category), token=cla_token)
            durations.append(time.perf_counter() - started)
            assert status == 201, body
            ids.append(body["id"])
        return ids, durations

    with publishing_to(own_redis.url):
        # Sent to the broker, then lost with it: this broker keeps nothing on disk.
        sent_ids, broker_up = post_timed(5)
        own_redis.kill()

        ids, broker_down = post_timed(50)
        print(
            f"\nPOST /api/v1/alerts/ median: {statistics.median(broker_up):.3f} s with the "
            f"broker up, {statistics.median(broker_down):.3f} s with it down "
            f"(max {max(broker_down):.3f} s)"
        )
        # Nobody waits on a dead broker: publishing gives up at once and the sweep takes over.
        assert max(broker_down) < 5
        assert AlertDispatch.objects.filter(alert_id__in=ids).exclude(last_error="").count() == 50
        ids += sent_ids

        pending = AlertDispatch.objects.filter(alert_id__in=ids, state=AlertDispatch.State.PENDING)
        assert pending.count() == 55
        assert not AlertEvent.objects.filter(alert_id__in=ids, kind=AlertEvent.Kind.ROUTED)

        own_redis.start()
        start_worker(broker_url=own_redis.url)
        # The sweep leaves alone what was saved less than 30 s ago (a worker may be on it):
        # these have waited that long, as far as it can tell.
        AlertDispatch.objects.filter(alert_id__in=ids).update(
            created_at=F("created_at") - dt.timedelta(minutes=1)
        )
        sweep_pending_alerts.delay()

        wait_for(lambda: all_routed(ids), timeout=30, what="the sweep to route every alert")
    assert_routed_exactly_once(ids, mission)


def test_pool_process_killed_while_routing_is_delivered_again_and_routed_once(
    broker: str,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    tmp_path: Path,
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    # Queued before the worker starts: the first routing to begin is the one in flight.
    ids = [log_alert(mission, category) for _ in range(3)]
    worker: Worker = start_worker(
        broker_url=broker,
        include=("tests.integration.slow_routing",),
        env={
            "INTEGRATION_ROUTE_DELAY": ROUTE_DELAY,
            "INTEGRATION_MARKER_DIR": str(markers),
            # Far beyond this test: only the pool's report of the lost process requeues.
            "INTEGRATION_VISIBILITY_TIMEOUT": "300",
        },
    )

    first = wait_for(lambda: sorted(markers.iterdir()), timeout=10, what="routing to start")[0]
    alert_id, pid = (int(part) for part in first.name.split("-"))
    assert pid in worker.pool_pids()
    os.kill(pid, signal.SIGKILL)

    wait_for(lambda: all_routed(ids), timeout=30, what="every alert routed")
    assert_routed_exactly_once(ids, mission)
    # The killed routing ran again in a new pool process: acks_late + reject_on_worker_lost.
    runs = [m for m in markers.iterdir() if m.name.startswith(f"{alert_id}-")]
    assert len(runs) == 2
    assert "WorkerLostError" in worker.output()


def test_worker_killed_while_routing_loses_and_doubles_nothing_after_restart(
    broker: str,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    tmp_path: Path,
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    slow = {
        "include": ("tests.integration.slow_routing",),
        "env": {"INTEGRATION_ROUTE_DELAY": ROUTE_DELAY, "INTEGRATION_MARKER_DIR": str(markers)},
    }
    ids = [log_alert(mission, category) for _ in range(3)]
    worker: Worker = start_worker(broker_url=broker, **slow)
    first = wait_for(lambda: sorted(markers.iterdir()), timeout=10, what="routing to start")[0]
    alert_id = int(first.name.split("-")[0])

    worker.kill()

    # Its writes died with it: nothing is routed, nothing half-routed.
    assert not AlertEvent.objects.filter(alert_id__in=ids, kind=AlertEvent.Kind.ROUTED).exists()
    assert AlertDispatch.objects.get(alert_id=alert_id).state == AlertDispatch.State.PENDING
    start_worker(broker_url=broker, **slow)
    # The task the dead worker held is delivered again once its visibility timeout is over.
    wait_for(lambda: all_routed(ids), timeout=40, what="every alert routed after the restart")
    assert_routed_exactly_once(ids, mission)
    assert len([m for m in markers.iterdir() if m.name.startswith(f"{alert_id}-")]) == 2


def test_same_client_key_posted_five_times_at_once_gives_one_alert(
    live_server: LiveServer,
    broker: str,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    cla_token: str,
) -> None:
    start_worker(broker_url=broker)
    payload = alert_payload(mission, category)
    together = threading.Barrier(5)

    def post(_: int) -> tuple[int, dict[str, Any]]:
        together.wait(timeout=10)
        return post_json(live_server.url + ALERTS_API, payload, token=cla_token)

    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(post, range(5)))

    # One request saved it (201); the others got the alert already saved (200).
    assert sorted(status for status, _ in responses) == [200, 200, 200, 200, 201], responses
    assert len({body["id"] for _, body in responses}) == 1, responses
    alert = Alert.objects.get(client_key=payload["client_key"])
    assert alert.events.filter(kind=AlertEvent.Kind.CREATED).count() == 1
    wait_for(lambda: all_routed([alert.pk]), timeout=10, what="the alert routed")
    assert_routed_exactly_once([alert.pk], mission)


def test_two_workers_routing_alerts_of_the_same_place_at_once_never_deadlock(
    broker: str,
    start_worker: StartWorker,
    mission: Mission,
    category: ThreatCategory,
    tmp_path: Path,
) -> None:
    markers = tmp_path / "lockstep"
    markers.mkdir()
    # Saved before any routing: routed, each is linked to the other as a likely duplicate.
    ids = [log_alert(mission, category) for _ in range(2)]
    # Each worker takes one (one task at a time, acks_late), locks its alert, puts it on the
    # queue and waits for the other to be there too before linking.
    workers = [
        start_worker(
            broker_url=broker,
            include=("tests.integration.lockstep_routing",),
            env={"INTEGRATION_MARKER_DIR": str(markers)},
        )
        for _ in range(2)
    ]

    wait_for(lambda: all_routed(ids), timeout=60, what="both alerts routed")
    assert len(list(markers.glob("met-*"))) == 2, "the two routings did not run together"
    output = "\n".join(worker.output() for worker in workers)
    assert "deadlock" not in output.lower()
    assert_routed_exactly_once(ids, mission)
    first, second = ids
    assert AlertLink.objects.filter(from_alert_id=first, to_alert_id=second).exists()
    assert AlertLink.objects.filter(from_alert_id=second, to_alert_id=first).exists()

    # Then a burst of the same place, routed by both workers as fast as they can.
    burst = [log_alert(mission, category) for _ in range(40)]
    wait_for(lambda: all_routed(burst), timeout=120, what="the burst routed")
    output = "\n".join(worker.output() for worker in workers)
    assert "deadlock" not in output.lower()
    assert_routed_exactly_once(burst, mission)
