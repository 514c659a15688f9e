"""Prometheus metrics of the alert pipeline, served at /metrics (core.health.metrics).

Counters and the latency histogram are recorded where things happen: intake in the web,
routing and escalation mostly in the Celery workers. Gauges (the backlog, unacknowledged
urgent alerts) are read from the database at scrape time, so they are right whichever process
serves the scrape; core imports no app, so the alerts app registers how to read them
(register_pipeline, from AlertsConfig.ready()).

With PROMETHEUS_MULTIPROC_DIR set (gunicorn and Celery workers in production), every process
writes its values to files in that directory and the scrape adds them up. The variable must be
set before the process starts: prometheus_client reads it when it is imported.

Importing this module connects the Celery task_failure signal (config/celery.py imports it).
It is imported while the settings load, so nothing here may touch settings or models at import.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec

from celery.signals import task_failure
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

P = ParamSpec("P")

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Where alerts come in (alerts.models.Channel, which core may not import); anything else is
# counted as "other".
CHANNELS = ("web", "offline", "api", "sms", "phone", "radio")
_HOST = socket.gethostname().replace("_", "-")


def multiproc_dir() -> str:
    return os.environ.get(MULTIPROC_DIR_VARIABLE, "")


def process_identifier(pid: int | None = None) -> str:
    """This process's name in the metric files: host and pid.

    The web and worker containers share the directory, but each container has its own pid
    namespace: gunicorn's worker and Celery's pool process can both be pid 7, and would write
    the same file. The host name (the container's) tells them apart. No underscore: the files
    are named <kind>_<mode>_<identifier>.db and read back by splitting on "_".
    """
    return f"{_HOST}-{os.getpid() if pid is None else pid}"


if multiproc_dir():
    os.makedirs(multiproc_dir(), exist_ok=True)
    # Before any metric below is made: each takes the value class current at its creation.
    values.ValueClass = values.MultiProcessValue(process_identifier)


ALERTS_RECEIVED = Counter(
    "earlywarning_alerts_received",
    "Alerts saved, by the channel they came in through.",
    ["channel"],
)
ROUTING_LATENCY = Histogram(
    "earlywarning_alert_routing_latency_seconds",
    "From an alert's commit to its routing onto a triangulation queue.",
    # Milliseconds in process, a second or two through the broker, minutes when the broker
    # was down and the sweep routed it.
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600),
)
ESCALATIONS = Counter(
    "earlywarning_alert_escalations",
    "Escalation steps taken: urgent alerts nobody acknowledged in time, told to the next tier.",
)
TASK_FAILURES = Counter(
    "earlywarning_celery_task_failures",
    "Celery tasks that failed for good (after their retries), by task name.",
    ["task"],
)


# --- recording, from the services ---------------------------------------------------------


def _never_raises(record: Callable[P, None]) -> Callable[P, None]:
    @functools.wraps(record)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            record(*args, **kwargs)
        except Exception:
            # A metric is never worth failing the alert it counts.
            logger.exception("Metric not recorded: %s", record.__name__)

    return wrapper


@_never_raises
def alert_received(channel: str) -> None:
    # Known channels only: a label value per caller's whim would grow the series without end.
    ALERTS_RECEIVED.labels(channel=channel if channel in CHANNELS else "other").inc()


@_never_raises
def alert_routed(*, created_at: dt.datetime, routed_at: dt.datetime) -> None:
    # Clocks of different hosts may disagree by a little: never a negative latency.
    ROUTING_LATENCY.observe(max((routed_at - created_at).total_seconds(), 0.0))


@_never_raises
def alert_escalated() -> None:
    ESCALATIONS.inc()


@_never_raises
def task_failed(task: str) -> None:
    TASK_FAILURES.labels(task=task or "unknown").inc()


def _on_task_failure(sender: Any = None, **kwargs: Any) -> None:
    task_failed(getattr(sender, "name", None) or "unknown")


task_failure.connect(_on_task_failure, weak=False, dispatch_uid="core.metrics.task_failure")


# --- read at scrape time from the database, by the app that owns the pipeline -----------


@dataclass(frozen=True)
class DispatchBacklog:
    pending: int
    oldest_seconds: float


@dataclass(frozen=True)
class PipelineReaders:
    """How the alert pipeline is read: core knows no app, the alerts app registers these."""

    dispatch_backlog: Callable[[], DispatchBacklog]
    urgent_unacknowledged: Callable[[], int]


_pipeline: list[PipelineReaders] = []  # the one registered, once the apps are ready


def register_pipeline(readers: PipelineReaders) -> None:
    """Called by AlertsConfig.ready(); registering again replaces the readers."""
    _pipeline[:] = [readers]


def _readers() -> PipelineReaders:
    if not _pipeline:
        raise RuntimeError("No alert pipeline registered: is the alerts app installed?")
    return _pipeline[0]


def dispatch_backlog() -> DispatchBacklog:
    """Alerts saved but not yet routed (outbox rows still pending), and the oldest one's age."""
    return _readers().dispatch_backlog()


def urgent_unacknowledged() -> int:
    """Queued alerts nobody has acknowledged that escalate (Immediate, Extreme, near a base)."""
    return _readers().urgent_unacknowledged()


class AlertPipelineCollector:
    """Gauges computed from the database when Prometheus scrapes."""

    def describe(self) -> Iterator[Metric]:
        # Without describe(), registering would call collect(): a query at import time.
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        try:
            backlog = dispatch_backlog()
            urgent = urgent_unacknowledged()
        except Exception:
            # The database is down: /healthz says so; the scrape still serves the counters.
            logger.exception("Alert pipeline gauges not collected")
            return
        pending, oldest, unacknowledged = self._families()
        pending.add_metric([], backlog.pending)
        oldest.add_metric([], backlog.oldest_seconds)
        unacknowledged.add_metric([], urgent)
        yield from (pending, oldest, unacknowledged)

    def _families(self) -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily(
                "earlywarning_alert_dispatch_pending",
                "Alerts saved but not yet routed to a queue.",
            ),
            GaugeMetricFamily(
                "earlywarning_alert_dispatch_oldest_pending_seconds",
                "Age of the oldest alert not yet routed (0 when none).",
            ),
            GaugeMetricFamily(
                "earlywarning_urgent_alerts_unacknowledged",
                "Queued urgent alerts (Immediate, Extreme or near a base) nobody acknowledged.",
            ),
        )


PIPELINE_COLLECTOR = AlertPipelineCollector()
REGISTRY.register(PIPELINE_COLLECTOR)


def render_latest() -> tuple[bytes, str]:
    """The exposition text of every metric, and its content type."""
    if not multiproc_dir():
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    # Values of every process (web and workers) from the shared directory, added up.
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(PIPELINE_COLLECTOR)
    return generate_latest(registry), CONTENT_TYPE_LATEST
