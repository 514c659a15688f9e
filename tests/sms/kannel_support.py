"""Real processes for the SMS integration tests (tests/integration/test_kannel.py): Kannel's
bearerbox and smsbox configured from deploy/kannel/kannel.conf.template, fakesmsc standing for
the operator, the system's web process (gunicorn) on the test database, and a proxy that can
lose the web's answer on its way back to Kannel. Everything on 127.0.0.1, on free ports, in a
process group of its own, killed at the end of the test.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

from tests.integration.support import BASE_DIR, WORKER_SETTINGS, free_port, wait_for

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
SHORT_CODE = "1313"  # the number people text, and replies come from


def kannel_missing() -> str | None:
    """Why Kannel cannot run here, or None."""
    for program in (BEARERBOX, SMSBOX, FAKESMSC):
        if not os.access(program, os.X_OK):
            return f"{program} is missing: apt-get install -y kannel kannel-extras"
    return None


def _start(command: list[str], log: Path, **kwargs: object) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,  # type: ignore[arg-type]
        )


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    if process is None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- the system's web process ---------------------------------------------------------------


class WebProcess:
    """gunicorn serving the system on the test database, publishing tasks to `broker_url`."""

    def __init__(self, *, database_url: str, broker_url: str, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"web-{self.port}.log"
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "PYTHONPATH": str(BASE_DIR),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ]
        self.process = _start(command, self.log, cwd=BASE_DIR, env=self.environment)
        wait_for(self._ready, timeout=30, interval=0.1, what="the web process")

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"The web process exited at start:\n{self.output()}")
        try:
            with urllib.request.urlopen(f"{self.url}/healthz/live", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def kill(self) -> None:
        """Down, as after a crash: nothing listens on its port any more."""
        _stop(self.process)
        self.process = None
        wait_for(lambda: not _listening(self.port), timeout=10, what="the web port to close")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]


# --- a proxy that loses an answer -----------------------------------------------------------


class LosingProxy:
    """Forwards HTTP requests to `upstream` one by one; the first `lose` answers are read from
    the web and then dropped, the connection to the client closed instead: the web did the
    work, the caller never heard. Records the request lines it forwarded."""

    def __init__(self, upstream_port: int, *, lose: int = 1) -> None:
        self.upstream_port = upstream_port
        self.lose = lose
        self.requests: list[str] = []
        self.answered = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                self.requests.append(lines[0].decode("latin-1"))
                # One request per upstream connection: the web closes it after the answer.
                lines = [line for line in lines if not line.lower().startswith(b"connection:")]
                request = b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"
                answer = self._forward(request)
                if self.lose > 0:
                    self.lose -= 1
                    return  # the answer is lost: close the client's connection
                client.sendall(answer)
                self.answered += 1
                if b"connection: close" in answer.split(b"\r\n\r\n")[0].lower():
                    return

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as up:
            up.sendall(request)
            answer = b""
            while chunk := up.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        lines = [
            line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
        ]
        return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body

    def close(self) -> None:
        self.server.close()

    def gateway_ids(self) -> list[str]:
        return [m.group(1) for r in self.requests if (m := re.search(r"[?&]id=([^& ]+)", r))]


# --- Kannel ---------------------------------------------------------------------------------


@dataclass
class Reply:
    sender: str
    receiver: str
    text: str


class Kannel:
    """bearerbox and smsbox, configured by sms.kannel.render from the template, retrying a
    web that does not answer every `retry_delay` seconds."""

    def __init__(self, *, workdir: Path, web_url: str, secret: str, username: str, password: str):
        self.workdir = workdir
        self.ports = {
            name: free_port()
            for name in ("KANNEL_ADMIN_PORT", "KANNEL_SMSBOX_PORT", "KANNEL_SENDSMS_PORT")
        }
        self.fakesmsc_port = free_port()
        self.sendsms_url = f"http://127.0.0.1:{self.ports['KANNEL_SENDSMS_PORT']}/cgi-bin/sendsms"
        self.values = {
            **{name: str(port) for name, port in self.ports.items()},
            "KANNEL_FAKESMSC_PORT": str(self.fakesmsc_port),
            "KANNEL_BIND": "127.0.0.1",
            "KANNEL_ALLOW_IP": "127.0.0.1",
            "KANNEL_VAR_DIR": str(workdir),
            "KANNEL_LOG_LEVEL": "0",
            "KANNEL_HTTP_RETRIES": "120",
            "KANNEL_HTTP_RETRY_DELAY": "1",
            "KANNEL_SECRET": secret,
            "KANNEL_SENDSMS_USERNAME": username,
            "KANNEL_SENDSMS_PASSWORD": password,
            "KANNEL_ADMIN_PASSWORD": password,
            "KANNEL_SENDER": SHORT_CODE,
            "KANNEL_WEB_URL": web_url,
        }
        self.config = workdir / "kannel.conf"
        self.bearerbox: subprocess.Popen | None = None
        self.smsbox: subprocess.Popen | None = None

    def start(self) -> None:
        from sms.kannel import config_values, render

        self.config.write_text(render(config_values(self.values)))
        self.bearerbox = _start(
            [str(BEARERBOX), "-v", "1", str(self.config)], self.workdir / "bearerbox.out"
        )
        wait_for(
            lambda: _listening(self.ports["KANNEL_SMSBOX_PORT"]) and _listening(self.fakesmsc_port),
            timeout=20,
            what="bearerbox",
        )
        self.smsbox = _start(
            [str(SMSBOX), "-v", "1", str(self.config)], self.workdir / "smsbox.out"
        )
        wait_for(lambda: _listening(self.ports["KANNEL_SENDSMS_PORT"]), timeout=20, what="smsbox")

    def stop(self) -> None:
        _stop(self.smsbox)
        _stop(self.bearerbox)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.workdir.glob("*.out"))
        )


class FakeSmsc:
    """One fakesmsc connected to bearerbox: a phone that sends one SMS and reads what comes
    back (fakesmsc prints each message it receives: "Got message N: <from to type data>")."""

    def __init__(self, kannel: Kannel, *, sender: str, text: str) -> None:
        self.log = kannel.workdir / f"fakesmsc-{time.monotonic_ns()}.out"
        self.sent_at = time.monotonic()
        self.sent_at_wall = time.time()
        self.process = _start(
            [
                str(FAKESMSC),
                "-H",
                "127.0.0.1",
                "-r",
                str(kannel.fakesmsc_port),
                "-i",
                "0.1",
                "-m",
                "1",
                f"{sender} {SHORT_CODE} text {text}",
            ],
            self.log,
        )

    def replies(self) -> list[Reply]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = re.search(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$", line)
            if match is None:
                continue
            sender, receiver, kind, data = match.groups()
            if kind in ("ucs-2", "ucs2"):
                text = unquote_to_bytes(data).decode("utf-16-be", "replace")
            elif kind == "data":
                text = unquote_to_bytes(data).decode("utf-8", "replace")
            else:
                text = data
            found.append(Reply(sender=sender, receiver=receiver, text=text))
        return found

    def stop(self) -> None:
        # SIGINT: fakesmsc closes its connection, so that the next one may connect.
        _stop(self.process, signal.SIGINT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]
