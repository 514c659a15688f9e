"""Alert intake throughput over HTTP, against the least a view can do on the same server.

Usage (PostgreSQL and Redis on 127.0.0.1; the database is dropped and made again):

    .venv/bin/python bench/intake.py [--requests 1500] [--concurrency 8] [--rounds 2]
        [--gunicorn-workers 4] [--max-seconds 120]

    BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_intake
    BENCH_REDIS_URL     default redis://127.0.0.1:6379/14 (flushed)

The production processes run on bench.settings (production settings plus a baseline view):
gunicorn with sync workers, and a Celery worker on the `alerts` queue so every alert is also
routed while the load runs. Client threads on 127.0.0.1 POST the same JSON body to

  - POST /api/v1/alerts/  as CLAs of 8 bases (DRF token), a new client key each time;
  - POST /bench/insert/   a view that parses the body and inserts one row (bench/views.py);

in alternating rounds at the same concurrency, and print requests per second of each, their
latencies and the ratio alerts/baseline. Results go to var/bench/intake-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    CpuMeter,
    LoadResult,
    bench_environment,
    category_ids,
    flush_redis,
    free_port,
    recreate_database,
    run_load,
    save_results,
    seed_mission,
    setup_django,
    start_gunicorn,
    start_worker,
)

URGENCIES = ["Expected", "Future", "Past", "Unknown"]
SEVERITIES = ["Severe", "Moderate", "Minor", "Unknown"]


def cpu_per_request(results: list[LoadResult]) -> dict[str, float]:
    """Milliseconds of CPU per successful request, by part of the system, over the rounds."""
    count = sum(r.requests for r in results)
    parts = results[0].cpu.keys()
    return {part: round(sum(r.cpu[part] for r in results) * 1000 / count, 1) for part in parts}


def wait_for_routing(*, timeout: float) -> float:
    """Seconds until the worker has routed every alert saved (or timeout)."""
    from django.db import connection

    from alerts.models import AlertDispatch

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not AlertDispatch.objects.filter(state=AlertDispatch.State.PENDING).exists():
            break
        time.sleep(0.1)
    connection.close()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="per endpoint and round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=120, help="cap of each phase")
    args = parser.parse_args()

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_intake"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    env = bench_environment(database_url=database_url, redis_url=redis_url)
    recreate_database(database_url)
    flush_redis(redis_url)
    setup_django(env)

    from django.db import connection

    from bench.views import CREATE_TABLE

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    authors = seed_mission()
    categories = category_ids()
    connection.close()

    log_dir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    port = free_port()
    processes = []
    try:
        processes.append(
            start_worker(
                name="worker-alerts", queues="alerts", concurrency=2, env=env, log_dir=log_dir
            )
        )
        processes.append(
            start_gunicorn(port=port, workers=args.gunicorn_workers, env=env, log_dir=log_dir)
        )
        rng = random.Random(1)

        def body(number: int) -> tuple[dict, dict[str, str]]:
            author = authors[number % len(authors)]
            now = dt.datetime.now(dt.UTC)
            payload = {
                "client_key": uuid.uuid4().hex,
                "location": author.location_id,
                "category": rng.choice(categories),
                "source_type": "local_authority",
                "description": "Armed men seen near the river crossing at dawn, heading north.",
                "occurred_at": (now - dt.timedelta(hours=3)).isoformat(),
                "reported_at": (now - dt.timedelta(hours=1)).isoformat(),
                "urgency": rng.choice(URGENCIES),
                "severity": rng.choice(SEVERITIES),
                "certainty": "Likely",
                "place": "Pont de la rivière",
                "victims_displaced": rng.randint(0, 40),
            }
            headers = {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Token {author.token}",
            }
            return payload, headers

        def alert_request(number: int) -> tuple[bytes, dict[str, str]]:
            payload, headers = body(number)
            return json.dumps(payload).encode(), headers

        def baseline_request(number: int) -> tuple[bytes, dict[str, str]]:
            payload, _ = body(number)
            return json.dumps(payload).encode(), {"Content-Type": "application/json"}

        meter = CpuMeter(
            {process.name: process.popen.pid for process in processes},
            database=connection.settings_dict["NAME"],
        )

        def phase(name: str, path: str, make, total: int) -> LoadResult:
            before = meter.sample()
            result = run_load(
                name,
                port=port,
                path=path,
                make_request=make,
                total=total,
                concurrency=args.concurrency,
                max_seconds=args.max_seconds,
            )
            result.cpu = CpuMeter.spent(before, meter.sample())
            print(
                f"  {name:<9} {result.requests:>6} ok in {result.seconds:6.1f} s: "
                f"{result.per_second:7.1f} req/s  {result.summary()['latency_ms']}  "
                f"statuses {dict(result.statuses)} errors {dict(result.errors)}",
                flush=True,
            )
            return result

        load_before = os.getloadavg()[0]
        print(f"warm-up (logs in {log_dir}; load average {load_before:.1f})", flush=True)
        phase("baseline", "/bench/insert/", baseline_request, 200)
        phase("alerts", "/api/v1/alerts/", alert_request, 200)

        runs: dict[str, list[LoadResult]] = {"baseline": [], "alerts": []}
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}", flush=True)
            runs["baseline"].append(
                phase("baseline", "/bench/insert/", baseline_request, args.requests)
            )
            runs["alerts"].append(phase("alerts", "/api/v1/alerts/", alert_request, args.requests))
        backlog = wait_for_routing(timeout=60)
    finally:
        for process in reversed(processes):
            process.stop()

    def total_rate(results: list[LoadResult]) -> float:
        return sum(r.requests for r in results) / sum(r.seconds for r in results)

    baseline = total_rate(runs["baseline"])
    alerts = total_rate(runs["alerts"])
    from alerts.models import Alert, AlertDispatch

    routed = AlertDispatch.objects.filter(state=AlertDispatch.State.DONE).count()
    saved = Alert.objects.count()
    ratio = alerts / baseline
    cpu_ms = {name: cpu_per_request(results) for name, results in runs.items()}
    for name, parts in cpu_ms.items():
        shown = ", ".join(f"{part} {ms:.1f}" for part, ms in parts.items())
        print(f"CPU ms per request, {name}: {shown}")
    print(
        f"\nbaseline {baseline:.1f} req/s, alerts {alerts:.1f} req/s, ratio {ratio:.2f} "
        f"(concurrency {args.concurrency}, {args.gunicorn_workers} gunicorn workers, "
        f"{os.cpu_count()} CPUs); {saved} alerts saved, {routed} routed, the last "
        f"{backlog:.1f} s after the load ended"
    )
    path = save_results(
        "intake",
        {
            "concurrency": args.concurrency,
            "gunicorn_workers": args.gunicorn_workers,
            "cpus": os.cpu_count(),
            "load_average_at_start": load_before,
            "baseline_requests_per_second": round(baseline, 1),
            "alerts_requests_per_second": round(alerts, 1),
            "ratio": round(ratio, 3),
            "alerts_saved": saved,
            "alerts_routed": routed,
            "routing_backlog_seconds": round(backlog, 1),
            "cpu_ms_per_request": cpu_ms,
            "rounds": {name: [r.summary() for r in results] for name, results in runs.items()},
        },
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
