"""What the benchmarks share.

A PostgreSQL database and a Redis database of their own (made afresh each run), the
production processes started and stopped (gunicorn, one Celery worker per queue), a small
mission to log alerts in, and a load generator bounded in count and time that only talks to
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "var" / "bench"
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def bench_environment(*, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of every process of a benchmark: production settings on our stores."""
    database = urlsplit(database_url).path.lstrip("/")
    if not database.startswith("bench_"):
        raise SystemExit(f"The benchmark database must be named bench_<something>: {database!r}")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        # A benchmark is one script at full speed: the field's API rates would stop it.
        "API_RATE_USER": "1000000/min",
        "API_RATE_ANON": "1000000/min",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(BASE_DIR), os.environ.get("PYTHONPATH", "")) if p
        ),
    }


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark's database (its name starts with bench_)."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    assert name.startswith("bench_") and name.replace("_", "").isalnum(), name
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


def setup_django(env: dict[str, str]) -> None:
    """Django in this process, on the benchmark's settings and stores; then migrate."""
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@dataclass
class Author:
    user_id: int
    token: str
    location_id: int


def seed_mission(*, sectors: int = 2, bases_per_sector: int = 4) -> list[Author]:
    """Sectors with a default queue each, temporary bases, one CLA with an API token per base."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone
    from knox.models import AuthToken

    from alerts.models import TriangulationQueue
    from clas.models import CLA, Deployment, Location, Role, Sector, User

    authors = []
    for s in range(sectors):
        sector = Sector.objects.create(code=f"B{s}", name=f"Bench sector {s}")
        TriangulationQueue.objects.create(
            code=f"bench-{s}", name=f"Bench queue {s}", sector=sector, is_default=True
        )
        office = Location.objects.create(
            code=f"CF-B{s}00",
            name=f"Office {s}",
            kind=Location.Kind.PERMANENT,
            prefecture="Ouaka",
            sector=sector,
            latitude=Decimal("5.75"),
            longitude=Decimal("20.67") + s,
        )
        office.field_office = office
        office.save(update_fields=["field_office"])
        for b in range(bases_per_sector):
            base = Location.objects.create(
                code=f"CF-B{s}{b + 1:02d}",
                name=f"Base {s}-{b}",
                kind=Location.Kind.TEMPORARY,
                prefecture="Ouaka",
                sector=sector,
                field_office=office,
                latitude=Decimal("5.8") + Decimal(b) / 10,
                longitude=Decimal("20.7") + s,
            )
            user = User.objects.create_user(
                username=f"bench-cla-{s}-{b}", password=secrets.token_urlsafe(), role=Role.CLA
            )
            cla = CLA.objects.create(user=user, staff_number=f"B{s}{b:04d}", gender="female")
            Deployment.objects.create(
                cla=cla, location=base, start_date=timezone.localdate() - dt.timedelta(days=30)
            )
            _, token = AuthToken.objects.create(user=user)
            authors.append(Author(user_id=user.pk, token=token, location_id=base.pk))
    return authors


def category_ids() -> list[int]:
    from alerts.models import ThreatCategory

    return list(ThreatCategory.objects.filter(is_active=True).values_list("pk", flat=True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], log_dir: Path):
        self.name = name
        self.log = log_dir / f"{name}.log"
        with self.log.open("wb") as log:
            self.popen = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until(self, ready: Callable[[], bool], *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.popen.poll() is not None:
                raise SystemExit(f"{self.name} exited at start:\n{self.tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{self.name} not ready after {timeout} s:\n{self.tail()}")
            time.sleep(0.2)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def start_gunicorn(*, port: int, workers: int, env: dict[str, str], log_dir: Path) -> Process:
    process = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=60",
        ],
        env=env,
        log_dir=log_dir,
    )

    def answers() -> bool:
        try:
            status, _ = request("127.0.0.1", port, "GET", "/bench/ping/", b"", {})
            return status == 200
        except OSError:
            return False

    process.wait_until(answers)
    # Every worker process answers once before the clock starts (imports, connections).
    for _ in range(workers * 4):
        request("127.0.0.1", port, "GET", "/bench/ping/", b"", {})
    return process


def start_worker(
    *, name: str, queues: str, concurrency: int, env: dict[str, str], log_dir: Path
) -> Process:
    process = Process(
        name,
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        env=env,
        log_dir=log_dir,
    )
    process.wait_until(lambda: b" ready." in process.log.read_bytes())
    return process


# --- CPU ------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu() -> dict[int, tuple[int, float]]:
    """Every live process: pid -> (process group, CPU seconds, user + system)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # After the command name: state, ppid, pgrp, ..., utime (14th field), stime (15th).
        fields = text[text.rindex(")") + 2 :].split()
        table[int(stat.parent.name)] = (
            int(fields[2]),
            (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        )
    return table


class CpuMeter:
    """CPU seconds spent by each part of the system while a phase runs: process groups we
    started, the PostgreSQL backends connected to our database, and this process."""

    def __init__(self, groups: dict[str, int], *, database: str) -> None:
        self.groups = groups
        self.database = database

    def _backends(self) -> set[int]:
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return {pid for (pid,) in rows}

    def sample(self) -> dict[str, dict[int, float]]:
        table = _process_cpu()
        parts: dict[str, dict[int, float]] = {
            name: {pid: cpu for pid, (pgrp, cpu) in table.items() if pgrp == group}
            for name, group in self.groups.items()
        }
        parts["postgres"] = {pid: table[pid][1] for pid in self._backends() if pid in table}
        own = os.times()
        parts["load generator"] = {os.getpid(): own.user + own.system}
        return parts

    @staticmethod
    def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict:
        """Seconds per part; a process started during the phase counts whole."""
        return {
            name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in after[name].items())
            for name in before
        }


# --- load -----------------------------------------------------------------------------------


def request(
    host: str, port: int, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class LoadResult:
    name: str
    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.per_second, 1),
            "latency_ms": latency_summary(self.latencies),
            "statuses": dict(self.statuses),
            "errors": dict(self.errors),
            "cpu_seconds": {name: round(value, 2) for name, value in self.cpu.items()},
        }


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of values (not empty)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    return {
        "p50": round(percentile(seconds, 0.50) * 1000, 1),
        "p95": round(percentile(seconds, 0.95) * 1000, 1),
        "p99": round(percentile(seconds, 0.99) * 1000, 1),
        "max": round(max(seconds) * 1000, 1),
    }


def run_load(
    name: str,
    *,
    port: int,
    path: str,
    make_request: Callable[[int], tuple[bytes, dict[str, str]]],
    total: int,
    concurrency: int,
    max_seconds: float,
    ok: tuple[int, ...] = (200, 201),
) -> LoadResult:
    """POST `total` requests from `concurrency` threads, stopping early at max_seconds."""
    result = LoadResult(name=name, concurrency=concurrency)
    numbers = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(numbers)
            if number >= total:
                return
            body, headers = make_request(number)
            started = time.perf_counter()
            try:
                status, _ = request("127.0.0.1", port, "POST", path, body, headers)
            except OSError as exc:
                with lock:
                    result.errors[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.statuses[status] += 1
                if status in ok:
                    result.latencies.append(elapsed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max_seconds + 60)
    result.seconds = time.perf_counter() - started
    return result


def save_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2))
    return path
