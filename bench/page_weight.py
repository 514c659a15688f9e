"""Page weight over the wire: what a CLA's phone on a slow link, and an officer's open queue tab,
download from the production server.

Usage (PostgreSQL and Redis on 127.0.0.1, Debian's Chromium; the database is dropped and made
again):

    .venv/bin/python bench/page_weight.py [--queue-minutes 3]

    BENCH_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/bench_page_weight
    BENCH_REDIS_URL     default redis://127.0.0.1:6379/11 (flushed)

The production path as `make prod-check` runs it (.ci/prod-check): static files collected into
a fresh directory by the manifest storage, the demo mission migrated and seeded, gunicorn on
config.settings.production with ALLOW_PLAIN_HTTP=true on 127.0.0.1. Chromium (headless, a
360x740 phone) loads the pages; the DevTools protocol reports every response as it arrived
(Network.loadingFinished encodedDataLength: status line, headers and the body as sent,
compressed or not); responses a service worker answered cost nothing there. The page's
DevTools session does not see the requests the service worker makes itself, so the browser
talks to gunicorn through a relay that counts every byte both ways ("socket"); a budget holds
for the larger of the two counts.

Measured, with the field budgets:

  - the login page and the alert form, first load with an empty cache   <= 25 KB each
  - the same pages loaded again (static files cached)                   <= 5 KB each
  - the alert submit                                                     one request
  - an open queue tab with nothing changing, for an hour                 <= 1 MiB

The queue tab is watched for --queue-minutes and its bytes scaled to an hour. A table is
printed; every response goes to var/bench/page_weight-<time>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BASE_DIR,
    BIN,
    PYTHON,
    Process,
    flush_redis,
    free_port,
    recreate_database,
    save_results,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PASSWORD = "bench-page-weight"
KB = 1000
BUDGETS = {"first load": 25 * KB, "cached load": 5 * KB, "queue per hour": 1024 * 1024}


@dataclass
class Response:
    url: str
    method: str = "GET"
    kind: str = ""
    status: int = 0
    wire: int = 0  # bytes received: encodedDataLength (headers and body as sent)
    body: int = 0  # bytes of the body once decoded
    head: int = 0  # bytes of the status line and headers received
    up: int = 0  # bytes sent: request line, headers and body
    source: str = "network"  # network, cache (HTTP cache), service worker (its cache)


@dataclass
class Load:
    name: str
    responses: list[Response] = field(default_factory=list)
    socket_down: int = 0  # bytes the server sent, page and service worker (SocketMeter)
    socket_up: int = 0
    connections: int = 0
    worker: str = ""  # the state of the service worker controlling the page, if any

    @property
    def wire(self) -> int:
        return sum(r.wire for r in self.responses)

    @property
    def up(self) -> int:
        return sum(r.up for r in self.responses)

    def count(self, *, method: str | None = None) -> int:
        return sum(
            1
            for r in self.responses
            if r.source == "network" and (method is None or r.method == method)
        )

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "devtools_down": self.wire,
            "devtools_up": self.up,
            "socket_down": self.socket_down,
            "socket_up": self.socket_up,
            "requests": self.count(),
            "connections": self.connections,
            "service_worker": self.worker,
        }


class Recorder:
    """Every response of a page, through the DevTools protocol."""

    def __init__(self, context: Any, page: Any) -> None:
        self.by_id: dict[str, Response] = {}
        self.order: list[Response] = []
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        for event, handler in (
            ("Network.requestWillBeSent", self._sent),
            ("Network.requestWillBeSentExtraInfo", self._sent_headers),
            ("Network.responseReceived", self._received),
            ("Network.dataReceived", self._data),
            ("Network.requestServedFromCache", self._from_cache),
            ("Network.loadingFinished", self._finished),
        ):
            self.session.on(event, handler)

    def _sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        redirected = event.get("redirectResponse")
        before = self.by_id.get(event["requestId"])
        if redirected and before is not None:
            # The same request id goes on after a redirect: close the hop that answered it.
            before.status = redirected["status"]
            before.wire = int(redirected.get("encodedDataLength", 0))
        response = Response(
            url=request["url"], method=request["method"], kind=event.get("type", "")
        )
        response.up += len(request.get("postData", "") or "")
        self.by_id[event["requestId"]] = response
        self.order.append(response)

    def _sent_headers(self, event: dict[str, Any]) -> None:
        response = self.by_id.get(event["requestId"])
        if response is not None:
            # The request line and each header line as HTTP/1.1 sends them.
            response.up += len(f"{response.method} {response.url} HTTP/1.1\r\n") + 2
            response.up += sum(len(f"{k}: {v}\r\n") for k, v in event["headers"].items())

    def _received(self, event: dict[str, Any]) -> None:
        response = self.by_id.get(event["requestId"])
        if response is None:
            return
        info = event["response"]
        response.status = info["status"]
        response.head = len(f"HTTP/1.1 {info['status']} {info.get('statusText', '')}\r\n") + sum(
            len(f"{k}: {v}\r\n") for k, v in info.get("headers", {}).items()
        )
        if info.get("fromServiceWorker"):
            response.source = "service worker"
        elif info.get("fromDiskCache") or info.get("fromPrefetchCache"):
            response.source = "cache"

    def _data(self, event: dict[str, Any]) -> None:
        response = self.by_id.get(event["requestId"])
        if response is not None:
            response.body += event["dataLength"]

    def _from_cache(self, event: dict[str, Any]) -> None:
        response = self.by_id.get(event["requestId"])
        if response is not None:
            response.source = "cache"

    def _finished(self, event: dict[str, Any]) -> None:
        response = self.by_id.get(event["requestId"])
        if response is not None and response.source == "network":
            response.wire = int(event["encodedDataLength"])

    def take(self, name: str, meter: SocketMeter) -> Load:
        """What arrived since the last take."""
        down, up, connections = meter.take()
        load = Load(name, self.order, socket_down=down, socket_up=up, connections=connections)
        self.order = []
        return load


class SocketMeter:
    """A relay in front of the web server that counts the bytes of every connection both ways:
    the traffic of the page and of its service worker alike, as it crosses the socket."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.lock = threading.Lock()
        self.down = self.up = self.connections = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._pipe, args=(client, upstream, "up"), daemon=True).start()
            threading.Thread(
                target=self._pipe, args=(upstream, client, "down"), daemon=True
            ).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                with self.lock:
                    if direction == "up":
                        self.up += len(data)
                    else:
                        self.down += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def take(self) -> tuple[int, int, int]:
        with self.lock:
            counts = (self.down, self.up, self.connections)
            self.down = self.up = self.connections = 0
        return counts

    def close(self) -> None:
        self.server.close()


# --- the production server ----------------------------------------------------------------


def production_environment(*, database_url: str, redis_url: str, port: int, var_dir: Path) -> dict:
    """config.settings.production on 127.0.0.1, as .ci/prod-check sets it."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "ALLOW_PLAIN_HTTP": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(var_dir),
        "DEMO_PASSWORD": PASSWORD,
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def start_web(env: dict[str, str], *, port: int, log_dir: Path) -> Process:
    process = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config=config/gunicorn.py",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
        ],
        env=env,
        log_dir=log_dir,
    )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2):
                return True
        except OSError:
            return False

    process.wait_until(answers, timeout=90)
    return process


# --- the journeys -------------------------------------------------------------------------


def settle(page: Any, ms: int = 1500) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(ms)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    settle(page, 500)


def login_page(browser: Any, base: str, meter: SocketMeter) -> list[Load]:
    context = browser.new_context(locale="fr-FR", **PHONE)
    page = context.new_page()
    recorder = Recorder(context, page)
    meter.take()
    page.goto(f"{base}/accounts/login/")
    settle(page)
    first = recorder.take("login page, first load", meter)
    page.goto(f"{base}/accounts/login/")
    settle(page)
    cached = recorder.take("login page, cached load", meter)
    context.close()
    return [first, cached]


def fill_alert(page: Any) -> None:
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1) - dt.timedelta(minutes=30)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    category = page.locator("#id_category option:not([value=''])").first.get_attribute("value")
    page.locator("#id_category").select_option(category)
    page.locator("#id_description").fill("Des hommes armés vus près du marché ce matin.")
    page.locator("input[name=urgency][value=Immediate]").check()
    page.locator("input[name=severity][value=Severe]").check()
    page.locator("input[name=certainty][value=Observed]").check()
    page.locator("#id_place").fill("Marché")
    page.locator("#id_occurred_at").fill(when)
    page.locator("#id_source_type").select_option("local_authority")
    page.locator("#id_source_name").fill("Chef de quartier")


def alert_form(browser: Any, base: str, meter: SocketMeter) -> list[Load]:
    context = browser.new_context(locale="fr-FR", **PHONE)
    page = context.new_page()
    recorder = Recorder(context, page)
    sign_in(page, base, "demo-cla")
    # A first load: nothing of the sign-in left in the cache.
    recorder.session.send("Network.clearBrowserCache")
    recorder.take("sign-in", meter)
    page.goto(f"{base}/alerts/new/")
    settle(page, 4000)  # and the service worker installs, keeping the form on the device
    first = recorder.take("alert form, first load", meter)
    page.goto(f"{base}/alerts/new/")
    settle(page)
    cached = recorder.take("alert form, cached load", meter)
    cached.worker = page.evaluate(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller"
        " ? navigator.serviceWorker.controller.state : 'none'"
    )
    fill_alert(page)
    page.wait_for_timeout(500)
    recorder.take("filling in", meter)
    page.locator("form.alert-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/alerts/new/" not in url, timeout=30_000)
    settle(page)
    submit = recorder.take("alert submit, then the alert page", meter)
    context.close()
    return [first, cached, submit]


def queue_tab(browser: Any, base: str, meter: SocketMeter, minutes: float) -> Load:
    context = browser.new_context(locale="en-US", **DESKTOP)
    page = context.new_page()
    recorder = Recorder(context, page)
    sign_in(page, base, "demo-force")
    page.goto(f"{base}/queue/")
    settle(page)
    recorder.take("queue page", meter)
    page.wait_for_timeout(minutes * 60_000)
    polls = recorder.take("open queue tab", meter)
    context.close()
    return polls


# --- report -------------------------------------------------------------------------------


def kb(value: float) -> str:
    return f"{value / KB:.1f} KB"


def report(loads: list[Load], polls: Load, minutes: float, base: str) -> dict[str, Any]:
    first_login, cached_login, first_form, cached_form, submit = loads
    hour = 60 / minutes
    rows = [
        (first_login, 1, BUDGETS["first load"]),
        (cached_login, 1, BUDGETS["cached load"]),
        (first_form, 1, BUDGETS["first load"]),
        (cached_form, 1, BUDGETS["cached load"]),
        (polls, hour, BUDGETS["queue per hour"]),
    ]
    print(f"\n{'':<32} {'DevTools':>10} {'socket':>10} {'budget':>10}  {'':>3} {'up':>9}")
    summary: dict[str, Any] = {}
    for load, scale, budget in rows:
        name = load.name if scale == 1 else f"{load.name}, an hour"
        # The budget holds for the larger of the two: the socket count includes the
        # service worker's own requests, which the page's DevTools session does not see.
        worst = max(load.wire, load.socket_down) * scale
        print(
            f"{name:<32} {kb(load.wire * scale):>10} {kb(load.socket_down * scale):>10} "
            f"{kb(budget):>10}  {'ok' if worst <= budget else 'NO':>3} "
            f"{kb(load.socket_up * scale):>9}"
        )
        summary[name] = {
            "devtools_down": round(load.wire * scale),
            "socket_down": round(load.socket_down * scale),
            "socket_up": round(load.socket_up * scale),
            "budget": budget,
            "within": worst <= budget,
        }
    posts = submit.count(method="POST")
    print(
        f"{'alert submit':<32} {posts:>5} POST request(s) {'':>17}  {'ok' if posts == 1 else 'NO'}"
    )
    summary["alert submit"] = {"posts": posts, "within": posts == 1}
    count = max(polls.count(), 1)
    print(
        f"\nqueue tab: {polls.count()} polls in {minutes:g} min; each {polls.wire / count:.0f} B "
        f"down (DevTools), {polls.up / count:.0f} B up; statuses "
        f"{sorted({r.status for r in polls.responses})}"
    )
    for load in loads:
        print(
            f"\n{load.name}: {load.wire} B down (DevTools), socket {load.socket_down} B down "
            f"{load.socket_up} B up over {load.connections} connection(s)"
            + (f"; service worker: {load.worker}" if load.worker else "")
        )
        for r in load.responses:
            path = r.url.split(base, 1)[-1]
            print(
                f"  {r.method:<4} {r.status:>3} {path[:48]:<48} {r.wire:>6} B "
                f"(headers {r.head:>4} B, body {r.body:>6} B decoded) {r.source}"
            )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queue-minutes", type=float, default=3.0)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium is needed at {CHROMIUM} (Debian: apt-get install chromium)")

    from playwright.sync_api import sync_playwright

    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_page_weight"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    work = Path(tempfile.mkdtemp(prefix="bench-page-weight-"))
    port = free_port()
    meter = SocketMeter(port)
    # The browser talks to the meter, so the site's address is the meter's.
    env = production_environment(
        database_url=database_url, redis_url=redis_url, port=meter.port, var_dir=work / "var"
    )
    recreate_database(database_url)
    flush_redis(redis_url)
    print(f"preparing the production path in {work}", flush=True)
    manage(env, "compile_catalogues")
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    manage(env, "migrate", "--noinput", "--verbosity=0")
    # seed_demo refuses the production settings (known passwords): the same database, seeded
    # through the development settings, as .ci/prod-check does.
    manage({**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}, "seed_demo")

    web = start_web(env, port=port, log_dir=work)
    base = f"http://127.0.0.1:{meter.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            loads = login_page(browser, base, meter) + alert_form(browser, base, meter)
            print(f"watching an open queue tab for {args.queue_minutes:g} min", flush=True)
            polls = queue_tab(browser, base, meter, args.queue_minutes)
            browser.close()
    finally:
        web.stop()
        meter.close()

    summary = report(loads, polls, args.queue_minutes, base)
    results = {
        "base": base,
        "queue_minutes": args.queue_minutes,
        "budgets": BUDGETS,
        "summary": summary,
        "loads": [
            {**load.summary(), "responses": [asdict(r) for r in load.responses]}
            for load in (*loads, polls)
        ],
        "load_average": os.getloadavg()[0],
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(f"\nraw results: {save_results('page_weight', results)}")


if __name__ == "__main__":
    main()
