"""Pages travel compressed (Django's GZipMiddleware); static files are WhiteNoise's business and
never go through it."""

from __future__ import annotations

import gzip

from django.test import Client
from django.urls import reverse

from tests.conftest import Mission


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.cla)

    plain = client.get(reverse("alerts:my_alerts"))
    packed = client.get(reverse("alerts:my_alerts"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert html.startswith("<!doctype html>") and "</html>" in html
    assert len(packed.content) < len(plain.content) / 2


def test_static_files_are_not_compressed_again_by_the_page_middleware(client: Client, db) -> None:
    response = client.get("/static/css/favicon.svg", HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"<svg" in b"".join(response.streaming_content)
