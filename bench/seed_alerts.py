"""Wall time of `seed_demo --alerts N` (a million by default) against PostgreSQL.

    .venv/bin/python bench/seed_alerts.py [--database-url URL] [--alerts N] [--fresh]

The database (default postgres://postgres@127.0.0.1:5432/seedbench, or DATABASE_URL) is
created when missing; --fresh drops and creates it first. Then, each step timed on its own,
as a user would type them:

    manage.py migrate
    manage.py seed_demo
    manage.py seed_demo --alerts N

The last line gives the alerts per second of the bulk insert. The wall time depends on what
else runs on the machine (the load average is printed before and after); the CPU time of
manage.py and of the PostgreSQL backends serving it (sampled from /proc, so PostgreSQL must
run on this machine) does not. manage.py builds the next batch while PostgreSQL writes the
previous one, so on an idle machine the wall time is close to the larger of the two.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/seedbench"


def _database(url: str, *, fresh: bool) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"No database name in {url!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU time of the PostgreSQL backends serving the database, sampled from /proc while a
    step runs (PostgreSQL on this machine only): on a busy machine, the wall time says more
    about the other processes than about the seed, the CPU time does not."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = urlsplit(url).path.lstrip("/")
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name],
                ).fetchall()
                for (pid,) in rows:
                    cpu = _cpu_seconds(pid)
                    if cpu is not None:
                        self.seen[pid] = cpu
                self.stop.wait(0.2)

    def __enter__(self) -> BackendCpu:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def _step(args: list[str], env: dict[str, str], url: str) -> tuple[float, float, float]:
    """Run manage.py with args; return wall seconds, its CPU seconds, PostgreSQL's."""
    command = [sys.executable, "manage.py", *args]
    print(f"$ {' '.join(['manage.py', *args])}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with BackendCpu(url) as backends:
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(
        f"  -> {seconds:.1f} s wall; CPU: {cpu:.1f} s manage.py, "
        f"{backends.seconds:.1f} s PostgreSQL",
        flush=True,
    )
    return seconds, cpu, backends.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="drop and create the database")
    options = parser.parse_args()
    if urlsplit(options.database_url).scheme not in ("postgres", "postgresql"):
        raise SystemExit("This benchmark measures PostgreSQL: give a postgres:// URL.")
    _database(options.database_url, fresh=options.fresh)
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    url = options.database_url
    _step(["migrate", "--noinput", "-v", "0"], env, url)
    _step(["seed_demo"], env, url)
    seconds, cpu, backend = _step(["seed_demo", "--alerts", str(options.alerts)], env, url)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(
        f"seed_demo --alerts {options.alerts:,}: {seconds:.1f} s wall, "
        f"{options.alerts / seconds:,.0f} alerts/s (including the idempotent base seed); "
        f"CPU {cpu:.1f} s in manage.py and {backend:.1f} s in PostgreSQL, which overlap"
    )


if __name__ == "__main__":
    main()
