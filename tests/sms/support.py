"""Helpers of the SMS tests: what Kannel would send to the endpoint, and a fake of Kannel's
sendsms interface on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django.urls import reverse


def incoming(
    client: Client,
    text: str | bytes,
    *,
    sender: str = "+23675123456",
    gateway_id: str | None = None,
    coding: int = 0,
    extra: dict[str, str] | None = None,
) -> object:
    """GET the endpoint as Kannel's get-url does (%b: the text's bytes, url-encoded)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    query = urlencode(
        {
            "id": gateway_id or str(uuid.uuid4()),
            "from": sender,
            "to": "1313",
            "coding": str(coding),
            "charset": "UTF-8" if coding == 0 else "",
            "text": raw,
            "smsc": "FAKE",
            **(extra or {}),
        }
    )
    return client.get(f"{reverse('sms:kannel_incoming')}?{query}")


class FakeSendsms:
    """A tiny HTTP server standing for Kannel's sendsms: records each request and answers
    with the next of `answers` (status, body), the last one repeated."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.answers: list[tuple[int, str]] = [(202, "0: Accepted for delivery")]
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                fake.requests.append({k: v[0] for k, v in query.items()})
                status, body = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/sendsms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
