"""Routing latency: from the commit of a new alert to the alert on its queue, with real workers.

Usage (PostgreSQL and Redis on 127.0.0.1; the database is dropped and made again):

    .venv/bin/python bench/routing_latency.py [--alerts 200] [--interval 0.05]
        [--long-tasks 2] [--long-seconds 60] [--busy] [--no-shared]

    BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_routing
    BENCH_REDIS_URL     default redis://127.0.0.1:6379/15 (flushed)

As in production (docker-compose.yml), one Celery worker per queue on bench.settings:
`alerts` (2 processes) and `reports` (2 processes). This process logs alerts one after another
through alerts.services.alert_create (as the API and the form do) and, for each, measures the
time from its commit to the moment its routing is committed (status queued, polled every
2 ms from here). Phases:

  alone     nothing else runs;
  reports   while --long-tasks long tasks (bench.tasks.long_report, routed to `reports`:
            asleep, or burning CPU with --busy) occupy the reports worker;
  shared    the counter-example (skip it with --no-shared): one worker with one process
            consuming both queues, a long task taken first; what separate queues prevent.

Prints p50 and p95 of each phase; results go to var/bench/routing-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Process,
    bench_environment,
    category_ids,
    flush_redis,
    latency_summary,
    recreate_database,
    save_results,
    seed_mission,
    setup_django,
    start_worker,
)

POLL = 0.002
TIMEOUT = 120.0


def log_and_time(*, user_id: int, location_id: int, category_id: int) -> float:
    """Log one alert; seconds from its commit until its routing is committed."""
    from django.db import transaction
    from django.utils import timezone

    from alerts.models import Alert
    from alerts.services import AlertInput, alert_create
    from clas.models import User

    user = User.objects.get(pk=user_id)
    now = timezone.now()
    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs right at the commit, before the alert is sent.
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        alert, _created = alert_create(
            user=user,
            data=AlertInput(
                location_id=location_id,
                category_id=category_id,
                source_type=Alert.SourceType.LOCAL_AUTHORITY,
                description="Armed men seen near the river crossing at dawn.",
                occurred_at=now - dt.timedelta(hours=2),
                reported_at=now - dt.timedelta(minutes=30),
                urgency="Expected",
                severity="Severe",
            ),
        )
    queued = Alert.objects.filter(pk=alert.pk).exclude(status=Alert.Status.NEW)
    while not queued.exists():
        if time.perf_counter() - committed[0] > TIMEOUT:
            raise SystemExit(f"{alert.reference} not routed after {TIMEOUT} s")
        time.sleep(POLL)
    return time.perf_counter() - committed[0]


def run_phase(name: str, *, count: int, interval: float, authors: list, categories: list) -> dict:
    rng = random.Random(name)
    latencies = []
    started = time.monotonic()
    for number in range(count):
        author = authors[number % len(authors)]
        latencies.append(
            log_and_time(
                user_id=author.user_id,
                location_id=author.location_id,
                category_id=rng.choice(categories),
            )
        )
        time.sleep(interval)
    summary = {
        "alerts": count,
        "seconds": round(time.monotonic() - started, 1),
        "latency_ms": latency_summary(latencies),
    }
    print(f"  {name:<8} {summary}", flush=True)
    return summary


def send_long_tasks(count: int, seconds: float, busy: bool) -> None:
    from config.celery import app

    for _ in range(count):
        app.send_task("bench.tasks.long_report", args=[seconds, busy])


def wait_for_log(process: Process, text: bytes, *, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process.log.read_bytes().count(text) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"{process.name}: no {text!r} after {timeout} s:\n{process.tail()}")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=200, help="per phase")
    parser.add_argument("--interval", type=float, default=0.05, help="pause between alerts, s")
    parser.add_argument("--long-tasks", type=int, default=2)
    parser.add_argument("--long-seconds", type=float, default=60)
    parser.add_argument("--busy", action="store_true", help="long tasks burn CPU, not sleep")
    parser.add_argument("--no-shared", action="store_true", help="skip the shared-worker phase")
    args = parser.parse_args()

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_routing"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = bench_environment(database_url=database_url, redis_url=redis_url)
    recreate_database(database_url)
    flush_redis(redis_url)
    setup_django(env)
    authors = seed_mission()
    categories = category_ids()

    log_dir = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    print(f"logs in {log_dir}", flush=True)
    results: dict[str, dict] = {}
    processes: list[Process] = []
    try:
        alerts_worker = start_worker(
            name="worker-alerts", queues="alerts", concurrency=2, env=env, log_dir=log_dir
        )
        processes.append(alerts_worker)
        reports_worker = start_worker(
            name="worker-reports", queues="reports", concurrency=2, env=env, log_dir=log_dir
        )
        processes.append(reports_worker)
        # Warm-up: each pool process opens its database connection.
        run_phase("warm-up", count=10, interval=0.05, authors=authors, categories=categories)
        load_before = os.getloadavg()[0]
        results["alone"] = run_phase(
            "alone",
            count=args.alerts,
            interval=args.interval,
            authors=authors,
            categories=categories,
        )

        send_long_tasks(args.long_tasks, args.long_seconds, args.busy)
        wait_for_log(reports_worker, b"bench.tasks.long_report", count=args.long_tasks, timeout=30)
        started = time.monotonic()
        results["reports"] = run_phase(
            "reports",
            count=args.alerts,
            interval=args.interval,
            authors=authors,
            categories=categories,
        )
        overlap = time.monotonic() - started < args.long_seconds
        results["reports"]["long_tasks_ran_throughout"] = overlap
        if not overlap:
            print("  (the long tasks ended before the phase: raise --long-seconds)")
        for process in reversed(processes):
            process.stop()
        processes.clear()

        if not args.no_shared:
            shared = start_worker(
                name="worker-shared",
                queues="reports,alerts",
                concurrency=1,
                env=env,
                log_dir=log_dir,
            )
            processes.append(shared)
            seconds = min(args.long_seconds, 10)
            send_long_tasks(1, seconds, args.busy)
            wait_for_log(shared, b"bench.tasks.long_report", count=1, timeout=30)
            results["shared"] = run_phase(
                "shared",
                count=min(args.alerts, 20),
                interval=args.interval,
                authors=authors,
                categories=categories,
            )
            results["shared"]["long_task_seconds"] = seconds
    finally:
        for process in reversed(processes):
            process.stop()

    path = save_results(
        "routing",
        {
            "cpus": os.cpu_count(),
            "load_average_at_start": load_before,
            "interval_s": args.interval,
            "long_tasks": args.long_tasks,
            "long_seconds": args.long_seconds,
            "long_tasks_busy": args.busy,
            "phases": results,
        },
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
