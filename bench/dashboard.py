"""Server time of the dashboard (page and API), the alert list's first page and the weekly
report (deeper pages and search: bench/alert_list.py).

Run against a database holding the demo mission and a million alerts:

    createdb -h 127.0.0.1 -U postgres dash_big
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dash_big
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py seed_demo --alerts 1000000
    .venv/bin/python bench/dashboard.py [--runs 15] [--report-runs 3] [--explain]

Requests go through Django's test client in-process (middleware, views, templates, no
network): what is measured is the server's time. The cache is cleared before every timed
request, so each one computes its figures from the database ("cold"); the "cached" lines
show the same request when the figures are still in the cache. --explain prints EXPLAIN
ANALYZE of the slowest queries of each page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Compiled reports write their PDF and CSV here, not into the work tree.
os.environ.setdefault("VAR_DIR", "/tmp/earlywarning-bench-var")
os.makedirs(os.path.join(os.environ["VAR_DIR"], "staticfiles"), exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from alerts.models import Alert, ThreatCategory  # noqa: E402
from clas.models import Role, Sector, User  # noqa: E402
from reporting.selectors import mission_today  # noqa: E402


def _user(role: str) -> User:
    """The demo login of the role, else another of its users; one without an authenticator,
    whose session owes no second step (OTP_REQUIRED_ROLES is emptied for the run)."""
    readers = User.objects.filter(is_active=True, totpdevice__isnull=True)
    demo = readers.filter(username=f"demo-{role}").first()
    return demo or readers.filter(role=role).order_by("pk").first()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _time(call: Callable[[], object], runs: int, *, cold: bool) -> list[float]:
    timings = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


class _Counter:
    """Counts the queries a request runs (the query log is reset when a request starts)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., object], sql: str, *args: object) -> object:
        self.count += 1
        return execute(sql, *args)


def _queries(call: Callable[[], object]) -> int:
    counter = _Counter()
    with connection.execute_wrapper(counter):
        call()
    return counter.count


def _line(name: str, timings: list[float], queries: int | None = None) -> None:
    extra = f"  {queries:3d} queries" if queries is not None else ""
    print(
        f"{name:<58} median {statistics.median(timings):8.1f} ms"
        f"  p95 {_percentile(timings, 0.95):8.1f} ms  (n={len(timings)}){extra}"
    )


def _get(client: Client, url: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return call


def _explain(client: Client, url: str, top: int = 3) -> None:
    cache.clear()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print(f"\n--- EXPLAIN ANALYZE, slowest queries of {url}")
    for query in slowest[:top]:
        print(f"\n[{float(query['time']) * 1000:.1f} ms] {query['sql'][:400]}")
        if connection.vendor == "postgresql" and query["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                for (row,) in cursor.fetchall():
                    print("   ", row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per line")
    parser.add_argument("--report-runs", type=int, default=3, help="weekly report compilations")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    args = parser.parse_args()
    # The second sign-in step is not what is measured: the signed-in HQ reader skips it.
    override_settings(OTP_REQUIRED_ROLES=()).enable()

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, "
        f"{Alert.objects.count():,} alerts; cache: {cache.__class__.__name__}\n"
    )
    today = mission_today()
    year = f"start={today - dt.timedelta(days=364)}&end={today}"
    decade = f"start={today - dt.timedelta(days=3652)}&end={today}"
    category = ThreatCategory.objects.order_by("sort_order").first()
    sector = Sector.objects.order_by("pk").first()

    clients: dict[str, Client] = {}
    for role in (Role.HQ, Role.FORCE, Role.COORDINATOR):
        user = _user(role)
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        clients[role] = client
    hq = clients[Role.HQ]

    cases = [
        ("dashboard page, HQ, last 90 days", hq, "/dashboard/"),
        ("dashboard API, HQ, last 90 days", hq, "/api/v1/dashboard/"),
        ("dashboard map API, HQ, last 90 days", hq, "/api/v1/dashboard/map/"),
        (
            "dashboard page, HQ, 90 days, one sector and category",
            hq,
            f"/dashboard/?sector={sector.pk}&category={category.pk}",
        ),
        ("dashboard page, HQ, last 365 days", hq, f"/dashboard/?{year}"),
        ("dashboard page, HQ, ten years", hq, f"/dashboard/?{decade}"),
    ]
    if Role.FORCE in clients:
        cases.append(
            ("dashboard page, Force officer, last 90 days", clients[Role.FORCE], "/dashboard/")
        )
    if Role.COORDINATOR in clients:
        cases.append(
            ("dashboard page, coordinator, last 90 days", clients[Role.COORDINATOR], "/dashboard/")
        )
    for name, client, url in cases:
        call = _get(client, url)
        call()  # warm the connection, templates and translations
        cache.clear()
        queries = _queries(call)
        _line(name + " (cold)", _time(call, args.runs, cold=True), queries)
    _line(
        "dashboard page, HQ, last 90 days (cached)",
        _time(_get(hq, "/dashboard/"), args.runs, cold=False),
    )

    alert_cases = [
        ("alert list page, HQ, first page", hq, "/alerts/"),
        (
            "alert list page, HQ, one category over a year",
            hq,
            f"/alerts/?category={category.pk}&reported_after={today - dt.timedelta(days=364)}"
            f"&reported_before={today}",
        ),
        ("alert list API, HQ, first page", hq, "/api/v1/alerts/"),
    ]
    if Role.FORCE in clients:
        alert_cases.append(
            ("alert list page, Force officer, first page", clients[Role.FORCE], "/alerts/")
        )
    for name, client, url in alert_cases:
        call = _get(client, url)
        call()
        _line(name, _time(call, args.runs, cold=True), _queries(call))

    from reporting.services import report_compile

    monday = today - dt.timedelta(days=today.weekday() + 7)
    sunday = monday + dt.timedelta(days=6)

    def compile_weekly() -> object:
        return report_compile(kind="weekly", start=monday, end=sunday)

    compile_weekly()
    _line(
        f"weekly mission report {monday}..{sunday} (PDF included)",
        _time(compile_weekly, args.report_runs, cold=True),
    )

    if args.explain:
        _explain(hq, "/dashboard/")
        _explain(hq, f"/dashboard/?{decade}")
        _explain(hq, "/alerts/")


if __name__ == "__main__":
    main()
