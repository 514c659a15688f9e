"""The real processes of the integration tests: Celery workers and a Redis server of their
own, the Celery app of the test process pointed at a broker, and a small HTTP client."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_SETTINGS = "tests.integration.worker_settings"
WORKER_READY_TIMEOUT = 30.0


def skip_reason() -> str | None:
    """Why the integration tests cannot run here, or None when they can."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return (
            "integration tests need PostgreSQL and Redis: "
            "set DATABASE_URL=postgres://... and REDIS_URL=redis://..."
        )
    if not os.environ.get("REDIS_URL"):
        return "integration tests need Redis: set REDIS_URL=redis://..."
    return None


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = ""
) -> Any:
    """The first true value of predicate(), polled until timeout seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_path(url: str, path: str) -> str:
    """url with its path (database name or Redis database number) replaced."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{path}"))


# --- the Celery app of the test process -----------------------------------------------------


def _point_app(broker_url: str, *, eager: bool) -> None:
    # The connection and producer pools are made on first use, for the broker of that time
    # (kombu keeps one per broker URL: they are reused, not closed, when the URL comes back).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_always_eager = eager


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Tasks sent by this process (and its live server) go to broker_url, not in-process."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    _point_app(broker_url, eager=False)
    try:
        yield
    finally:
        _point_app(saved[0], eager=saved[1])


# --- processes ------------------------------------------------------------------------------


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the process and every child it left: nothing here needs a clean stop
    (the next test flushes the broker's database and the test database is flushed too)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


class Worker:
    """`celery worker` for the alerts and reports queues (or `queues`), one pool process, in a
    process group of its own."""

    def __init__(
        self,
        *,
        database_url: str,
        broker_url: str,
        log_dir: Path,
        include: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        queues: str = "alerts,reports",
    ) -> None:
        self.name = f"integration-{uuid.uuid4().hex[:8]}"
        self.log = log_dir / f"{self.name}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            "-P",
            "prefork",
            "-c",
            "1",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "info",
            "-n",
            f"{self.name}@%h",
        ]
        if include:
            command += ["--include", ",".join(include)]
        # The files a worker writes (compiled reports) go beside its log, never into the
        # checkout's var/ where the local instance keeps its own.
        var_dir = log_dir / f"{self.name}-var"
        (var_dir / "staticfiles").mkdir(parents=True, exist_ok=True)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "VAR_DIR": str(var_dir),
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(BASE_DIR), os.environ.get("PYTHONPATH", "")) if p
            ),
            **(env or {}),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(self._ready, timeout=WORKER_READY_TIMEOUT, interval=0.1, what="worker ready")
        except BaseException:
            self.kill()
            raise

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"The worker exited at start:\n{self.output()}")
        return b" ready." in self.log.read_bytes()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def pool_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once, as when the machine dies."""
        _kill_group(self.process)


StartWorker = Callable[..., Worker]


class RedisServer:
    """A redis-server on its own port, without persistence: killing it loses its queues."""

    def __init__(self, *, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        with (self.workdir / f"redis-{self.port}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.workdir),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server on port {self.port} exited at start")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None:
            _kill_group(self.process)
            self.process = None


# --- HTTP -----------------------------------------------------------------------------------


def post_json(url: str, payload: dict[str, Any], *, token: str) -> tuple[int, dict[str, Any]]:
    """POST payload as JSON with a DRF token; (status, decoded body)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Token {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"body": body.decode(errors="replace")[:2000]}
