"""Exports of the whole alert list: time, rows per second and the process's peak memory, per
format; and the server time of the CAP feed and of one CAP message.

Run against a database holding the demo mission and a million alerts (as bench/dashboard.py):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dash_big
    .venv/bin/python bench/export.py [--formats csv,xlsx,hxl,acled] [--feed-runs 15]

Each export is built by a fresh child process, as a worker would (the service the task calls),
for an HQ user and no filter: every alert. Peak memory is that child's maximum resident set
size, the interpreter and Django included. Files are written under /tmp and deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("VAR_DIR", "/tmp/earlywarning-bench-var")
os.makedirs(os.path.join(os.environ["VAR_DIR"], "staticfiles"), exist_ok=True)


def _setup() -> None:
    import django

    django.setup()


def _hq() -> object:
    from clas.models import Role, User

    return User.objects.filter(role=Role.HQ, is_active=True).order_by("pk").first()


def build(format: str) -> None:
    """In the child: build one export of every alert and print its figures as JSON."""
    _setup()
    from exchange import services
    from exchange.models import Export

    started = time.perf_counter()
    # Without a broker (the embedded default) the task runs here once the export is
    # committed; with one, a worker may not be running: build it here either way.
    made = services.export_request(user=_hq(), format=format, params={}, language="en")
    services.export_build(export_id=made.pk)
    seconds = time.perf_counter() - started
    made.refresh_from_db()
    path = services.export_path(made)
    figures = {
        "format": format,
        "status": made.status,
        "rows": made.rows_done,
        "seconds": round(seconds, 1),
        "rows_per_second": round(made.rows_done / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "size_mb": round((made.size or 0) / 1e6, 1),
    }
    path.unlink(missing_ok=True)
    Export.objects.filter(pk=made.pk).delete()
    print(json.dumps(figures))


def feed(runs: int) -> None:
    _setup()
    from django.test import Client, override_settings
    from django.urls import reverse

    from alerts.models import Alert
    from clas.models import Role, User

    client = Client()
    # The server's time of the feed, not the second step of signing in: an HQ user with no
    # authenticator set up, under settings that do not require one.
    override_settings(OTP_REQUIRED_ROLES=()).enable()
    reader = User.objects.filter(role=Role.HQ, is_active=True, totpdevice__isnull=True).first()
    client.force_login(reader)
    newest = Alert.objects.order_by("-pk").values_list("pk", flat=True).first()
    for name, url in (
        ("CAP feed, 50 newest", reverse("exchange-cap-feed")),
        ("CAP feed, 200 newest", reverse("exchange-cap-feed") + "?limit=200"),
        ("CAP message", reverse("exchange-cap-alert", args=[newest])),
    ):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"{name:24} median {statistics.median(timings):7.1f} ms   "
            f"max {max(timings):7.1f} ms   ({runs} runs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default="csv,xlsx,hxl,acled", help="'' for the feed only")
    parser.add_argument("--feed-runs", type=int, default=15)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        build(args.child)
        return
    _setup()
    from alerts.models import Alert

    print(f"{Alert.objects.count():,} alerts")
    for format in filter(None, args.formats.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", format],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(
            f"{figures['format']:6} {figures['rows']:>10,} rows  {figures['seconds']:7.1f} s  "
            f"{figures['rows_per_second']:>7,} rows/s  peak {figures['peak_rss_mb']:4} MB  "
            f"file {figures['size_mb']:7.1f} MB  ({figures['status']})"
        )
    feed(args.feed_runs)


if __name__ == "__main__":
    main()
