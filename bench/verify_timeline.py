"""Time of `manage.py verify_timeline` on the demo mission plus N bulk alerts (100,000 by
default) against PostgreSQL.

    .venv/bin/python bench/verify_timeline.py [--database-url URL] [--alerts N] [--fresh]

The database (default postgres://postgres@127.0.0.1:5432/chainbench, or DATABASE_URL) is
created when missing; --fresh drops and creates it first. Then, each step timed on its own:

    manage.py migrate
    manage.py seed_demo --alerts N      (skipped when the database holds N alerts or more)
    manage.py verify_timeline

The last line gives the events checked per second, from verify_timeline's own summary.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed_alerts import _database, _step

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chainbench"
SUMMARY = re.compile(r"Checked ([\d,]+) alerts and ([\d,]+) events in ([\d.]+) s")


def _alerts(url: str) -> int:
    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('alerts_alert')").fetchone()[0]
        if exists is None:
            return 0
        return conn.execute("SELECT COUNT(*) FROM alerts_alert").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="drop and create the database")
    options = parser.parse_args()
    url = options.database_url
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        raise SystemExit("This benchmark measures PostgreSQL: give a postgres:// URL.")
    _database(url, fresh=options.fresh)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    _step(["migrate", "--noinput", "-v", "0"], env, url)
    if _alerts(url) < options.alerts:
        _step(["seed_demo", "--alerts", str(options.alerts)], env, url)
    print("$ manage.py verify_timeline", flush=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_timeline"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout.strip() or done.stderr.strip())
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    found = SUMMARY.search(done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"verify_timeline failed (exit {done.returncode}): {done.stderr.strip()}")
    alerts, events, seconds = (float(n.replace(",", "")) for n in found.groups())
    print(
        f"verify_timeline: {alerts:,.0f} alerts, {events:,.0f} events in {seconds:.1f} s: "
        f"{events / seconds:,.0f} events/s"
    )


if __name__ == "__main__":
    main()
