from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from alerts import tasks
from alerts.models import Alert, AlertDispatch, AlertEvent
from core.periodic import single_run
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def age_dispatch(alert: Alert, seconds: int = 60) -> None:
    AlertDispatch.objects.filter(alert=alert).update(
        created_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_the_routing_task_routes_the_alert_once(mission: Mission) -> None:
    alert = log(mission, route=False)

    first = tasks.route_alert.delay(alert.pk).get()
    second = tasks.route_alert.delay(alert.pk).get()

    assert (first, second) == (True, False)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert alert.events.filter(kind=AlertEvent.Kind.ROUTED).count() == 1


def test_the_notification_task_sends_the_flash_email_once(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")

    tasks.notify_flash_alert.delay(alert.pk)
    tasks.notify_flash_alert.delay(alert.pk)

    assert len([m for m in mail.outbox if "FLASH" in m.subject]) == 1


def test_the_sweep_task_routes_what_is_pending(mission: Mission) -> None:
    alert = log(mission, route=False)
    age_dispatch(alert)

    summary = tasks.sweep_pending_alerts()

    assert summary == {"pending": 1, "routed": 1, "notified": 0}
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.DONE


def test_the_sweep_skips_while_another_run_holds_the_lock(mission: Mission) -> None:
    alert = log(mission, route=False)
    age_dispatch(alert)
    cache.add("lock:alerts.sweep_pending", "another-worker", 300)

    summary = tasks.sweep_pending_alerts()

    assert summary == {"skipped": 1}
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.PENDING
    # The other run's lock is left alone.
    assert cache.get("lock:alerts.sweep_pending") == "another-worker"


def test_the_sweep_releases_its_lock_so_the_next_run_works(mission: Mission) -> None:
    tasks.sweep_pending_alerts()
    alert = log(mission, route=False)
    age_dispatch(alert)

    summary = tasks.sweep_pending_alerts()

    assert summary["routed"] == 1
    assert cache.get("lock:alerts.sweep_pending") is None


def test_the_escalation_task_skips_while_another_run_holds_the_lock(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Alert.objects.filter(pk=alert.pk).update(
        routed_at=an_hour_ago, next_escalation_at=an_hour_ago + dt.timedelta(minutes=10)
    )
    cache.add("lock:alerts.escalate_overdue", "another-worker", 300)

    assert tasks.escalate_overdue_alerts() == {"skipped": 1}
    assert Alert.objects.get(pk=alert.pk).escalated_at is None

    cache.delete("lock:alerts.escalate_overdue")

    assert tasks.escalate_overdue_alerts() == {"escalated": 1}
    assert tasks.escalate_overdue_alerts() == {"escalated": 0}
    assert alert.events.filter(kind=AlertEvent.Kind.ESCALATED).count() == 1


def test_a_run_that_fails_releases_the_lock() -> None:
    @single_run("tests.failing", timeout=60)
    def failing() -> dict[str, int]:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        failing()

    assert cache.get("lock:tests.failing") is None


def test_a_run_inside_a_run_of_the_same_job_is_skipped() -> None:
    inner: list[dict] = []

    @single_run("tests.nested", timeout=60)
    def job() -> dict[str, int]:
        if not inner:
            inner.append(job())
        return {"done": 1}

    assert job() == {"done": 1}
    assert inner == [{"skipped": 1}]


@pytest.mark.parametrize(
    "task",
    [
        tasks.route_alert,
        tasks.notify_flash_alert,
        tasks.sweep_pending_alerts,
        tasks.escalate_overdue_alerts,
    ],
)
def test_tasks_of_the_alert_chain_go_to_the_alerts_queue(task: object) -> None:
    from config.celery import app

    assert app.amqp.router.route({}, task.name)["queue"].name == "alerts"


def test_the_sweep_and_escalation_are_scheduled() -> None:
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks.sweep_pending_alerts.name in scheduled
    assert tasks.escalate_overdue_alerts.name in scheduled
