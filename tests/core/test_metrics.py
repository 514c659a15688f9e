"""/metrics: the alert pipeline as Prometheus sees it, served to the monitoring system only,
added up across processes when PROMETHEUS_MULTIPROC_DIR is set."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from celery import shared_task
from celery.signals import task_failure
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, AlertDispatch
from alerts.tasks import route_alert
from core import metrics
from tests.alerts.support import log, make_input
from tests.alerts.test_api import payload
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

URL = "/metrics"
ELSEWHERE = "203.0.113.9"  # an address outside the default allowed list
TOKEN = "a-long-random-token-for-prometheus"
BASE_DIR = Path(settings.BASE_DIR)

RECEIVED = "earlywarning_alerts_received_total"
LATENCY = "earlywarning_alert_routing_latency_seconds"
ESCALATIONS = "earlywarning_alert_escalations_total"
FAILURES = "earlywarning_celery_task_failures_total"


@shared_task(name="tests.core.always_fails")
def always_fails() -> None:
    raise RuntimeError("this task fails on purpose")


def value(name: str, **labels: str) -> float:
    """The current value in this process's registry (0 when never recorded)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(content: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition text, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(content.decode())
        for sample in family.samples
    }


# --- who may read them --------------------------------------------------------------------


def test_metrics_are_served_to_this_host_by_default(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    assert b"earlywarning_alert_dispatch_pending" in response.content


def test_metrics_are_refused_to_an_address_not_allowed(client: Client) -> None:
    response = client.get(URL, REMOTE_ADDR=ELSEWHERE)

    assert response.status_code == 403
    assert b"earlywarning" not in response.content


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_token_opens_metrics_from_anywhere(client: Client) -> None:
    allowed = client.get(URL, REMOTE_ADDR=ELSEWHERE, headers={"Authorization": f"Bearer {TOKEN}"})
    wrong = client.get(URL, REMOTE_ADDR=ELSEWHERE, headers={"Authorization": "Bearer guess"})

    assert allowed.status_code == 200
    assert b"earlywarning_alerts_received" in allowed.content
    assert wrong.status_code == 403


def test_without_a_token_set_no_bearer_opens_metrics(client: Client) -> None:
    assert settings.METRICS_TOKEN == ""
    response = client.get(URL, REMOTE_ADDR=ELSEWHERE, headers={"Authorization": "Bearer "})

    assert response.status_code == 403


@override_settings(METRICS_ALLOWED_IPS=["10.0.0.0/8", "not-an-address"])
def test_the_allowed_list_takes_networks(client: Client) -> None:
    assert client.get(URL, REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get(URL, REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_request_forwarded_by_a_proxy_needs_the_token(client: Client) -> None:
    # Through a reverse proxy on the same host, every visitor arrives from 127.0.0.1.
    response = client.get(URL, headers={"X-Forwarded-For": ELSEWHERE})

    assert response.status_code == 403


def test_metrics_need_no_login_nor_session(client: Client, django_assert_num_queries) -> None:
    # The two queries of the gauges (backlog, urgent alerts); none for a session or a user.
    with django_assert_num_queries(2):
        response = client.get(URL)

    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")


# --- what they count ----------------------------------------------------------------------


def test_an_alert_created_through_the_api_counts_once_for_channel_api(mission: Mission) -> None:
    client = APIClient()
    client.force_login(mission.cla)
    before_api, before_web = value(RECEIVED, channel="api"), value(RECEIVED, channel="web")
    key = str(uuid.uuid4())

    created = client.post(
        "/api/v1/alerts/", payload(), format="json", headers={"Idempotency-Key": key}
    )
    replayed = client.post(
        "/api/v1/alerts/", payload(), format="json", headers={"Idempotency-Key": key}
    )

    assert (created.status_code, replayed.status_code) == (201, 200)
    # The replay returns the alert already saved: one alert, one count.
    assert value(RECEIVED, channel="api") == before_api + 1
    assert value(RECEIVED, channel="web") == before_web


def test_an_alert_created_without_a_channel_counts_for_the_web_form(mission: Mission) -> None:
    before = value(RECEIVED, channel="web")

    services.alert_create(user=mission.cla, data=make_input(mission))

    assert value(RECEIVED, channel="web") == before + 1


def test_an_unknown_channel_is_counted_as_other(mission: Mission) -> None:
    before = value(RECEIVED, channel="other")

    # Alerts take only the channels they know (alerts.models.Channel): a caller that makes one
    # up is refused, and the metric still never grows a series for it.
    with pytest.raises(ValueError):
        services.alert_create(user=mission.cla, data=make_input(mission), channel="carrier-pigeon")
    metrics.alert_received("carrier-pigeon")

    assert value(RECEIVED, channel="other") == before + 1
    assert value(RECEIVED, channel="carrier-pigeon") == 0


def test_a_metric_that_fails_never_fails_the_alert(mission: Mission) -> None:
    with mock.patch.object(metrics.ALERTS_RECEIVED, "labels", side_effect=RuntimeError):
        alert, created = services.alert_create(user=mission.cla, data=make_input(mission))

    assert created
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_routing_observes_the_time_from_commit_to_queue(mission: Mission) -> None:
    alert = log(mission, route=False)
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - dt.timedelta(seconds=42))
    count, total = value(f"{LATENCY}_count"), value(f"{LATENCY}_sum")
    under_30, under_60 = (
        value(f"{LATENCY}_bucket", le="30.0"),
        value(f"{LATENCY}_bucket", le="60.0"),
    )

    assert services.alert_route(alert_id=alert.pk)
    assert not services.alert_route(alert_id=alert.pk)  # already routed: not observed again

    assert value(f"{LATENCY}_count") == count + 1
    assert 42 <= value(f"{LATENCY}_sum") - total < 60
    assert value(f"{LATENCY}_bucket", le="30.0") == under_30
    assert value(f"{LATENCY}_bucket", le="60.0") == under_60 + 1


def test_an_escalation_counts_once(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    later = alert.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes + 1)
    before = value(ESCALATIONS)

    services.alert_escalate_overdue(now=later)
    services.alert_escalate_overdue(now=later + dt.timedelta(minutes=5))

    assert value(ESCALATIONS) == before + 1


def test_a_task_failure_signal_counts_by_task_name() -> None:
    before = value(FAILURES, task=route_alert.name)

    task_failure.send(sender=route_alert, task_id="t-1", exception=RuntimeError("broker"))

    assert value(FAILURES, task="alerts.tasks.route_alert") == before + 1


def test_a_task_that_fails_is_counted_through_celery() -> None:
    before = value(FAILURES, task="tests.core.always_fails")

    result = always_fails.apply(throw=False)

    assert result.state == "FAILURE"
    assert value(FAILURES, task="tests.core.always_fails") == before + 1


def test_the_gauges_are_read_from_the_database_at_scrape_time(
    mission: Mission, client: Client
) -> None:
    waiting = log(mission, route=False)
    AlertDispatch.objects.filter(alert=waiting).update(
        created_at=timezone.now() - dt.timedelta(seconds=90)
    )
    flash = log(mission, urgency="Immediate")  # routed: queued, nobody acknowledged it
    log(mission, severity="Extreme")
    log(mission, urgency="Expected", severity="Severe")  # queued, but not urgent

    first = scraped(client.get(URL).content)
    services.alert_acknowledge(alert_id=flash.pk, user=mission.force)
    second = scraped(client.get(URL).content)

    assert first[("earlywarning_alert_dispatch_pending", ())] == 1
    assert 90 <= first[("earlywarning_alert_dispatch_oldest_pending_seconds", ())] < 150
    assert first[("earlywarning_urgent_alerts_unacknowledged", ())] == 2
    assert second[("earlywarning_urgent_alerts_unacknowledged", ())] == 1


def test_a_database_that_fails_leaves_the_counters_served(client: Client) -> None:
    with mock.patch.object(metrics, "dispatch_backlog", side_effect=RuntimeError):
        response = client.get(URL)

    assert response.status_code == 200
    assert b"earlywarning_alerts_received" in response.content
    assert b"earlywarning_alert_dispatch_pending " not in response.content


# --- several processes --------------------------------------------------------------------

# A process of another container: its own host name, and (pid namespaces) maybe the same pid.
OTHER_PROCESS = """
import os, socket, sys
socket.gethostname = lambda: sys.argv[1]
os.getpid = lambda: 7
from core import metrics
metrics.alert_received("api")
metrics.task_failed("alerts.tasks.route_alert")
"""


def run_as(host: str, directory: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, host],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_counts_of_every_process_are_added_up(
    tmp_path: Path, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The web and a worker in two containers, both pid 7: two files, not one overwritten.
    run_as("web", tmp_path)
    run_as("worker-alerts", tmp_path)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    response = client.get(URL)

    assert response.status_code == 200
    samples = scraped(response.content)
    assert samples[(RECEIVED, (("channel", "api"),))] == 2
    assert samples[(FAILURES, (("task", "alerts.tasks.route_alert"),))] == 2
    # The database gauges are there too, from the scrape itself.
    assert ("earlywarning_alert_dispatch_pending", ()) in samples
    assert {"counter_web-7.db", "counter_worker-alerts-7.db"} <= {
        p.name for p in tmp_path.iterdir()
    }


def test_gunicorn_drops_the_live_gauges_of_its_dead_worker_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config import gunicorn

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    ours = tmp_path / f"gauge_livesum_{metrics.process_identifier(4242)}.db"
    other_container = tmp_path / "gauge_livesum_worker-alerts-4242.db"
    counter = tmp_path / f"counter_{metrics.process_identifier(4242)}.db"
    for path in (ours, other_container, counter):
        path.write_bytes(b"")

    gunicorn.child_exit(server=None, worker=SimpleNamespace(pid=4242))

    assert not ours.exists()
    # Another container's process with the same pid is alive; counters outlive their process.
    assert other_container.exists()
    assert counter.exists()


def test_gunicorn_does_nothing_at_a_worker_exit_without_the_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from config import gunicorn

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)

    with mock.patch("prometheus_client.multiprocess.mark_process_dead") as mark_process_dead:
        gunicorn.child_exit(server=None, worker=SimpleNamespace(pid=4242))

    mark_process_dead.assert_not_called()
