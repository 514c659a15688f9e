from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.core.html import Page, parse

BUDGET_BYTES = 30 * 1024


def _assert_no_inline_code(page: Page) -> None:
    for script in page.find_all("script"):
        assert script.attrs.get("src"), "inline <script>"
        assert not script.text.strip(), "code inside a <script src>"
    assert not page.find_all("style"), "inline <style>"
    for element in page.elements:
        assert "style" not in element.attrs, f"style= on <{element.tag}>"
        handlers = [name for name in element.attrs if name.startswith("on")]
        assert not handlers, f"inline event handler {handlers} on <{element.tag}>"
        for name in ("href", "src", "action"):
            assert not (element.attrs.get(name) or "").lower().startswith("javascript:")


def _pages(client, mission) -> dict[str, bytes]:
    anonymous = {"login": client.get(reverse("login")), "404": client.get("/no/such/page/")}
    client.force_login(mission.hq)
    signed_in = {"home": client.get(reverse("home"), follow=True)}
    return {name: r.content for name, r in {**anonymous, **signed_in}.items()}


def test_pages_carry_a_strict_content_security_policy(client, mission) -> None:
    for url in (reverse("login"), "/no/such/page/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_pages_have_no_inline_scripts_or_styles(client, mission) -> None:
    for name, content in _pages(client, mission).items():
        page = parse(content)
        assert page.find_all("html"), name
        _assert_no_inline_code(page)


@pytest.mark.urls("tests.core.urls_all_pages")
def test_full_layout_with_navigation_has_no_inline_code(client, mission) -> None:
    client.force_login(mission.admin)

    page = parse(client.get(reverse("reporting:dashboard")).content)

    assert page.find_all("nav", class_="nav")
    _assert_no_inline_code(page)


def test_htmx_is_told_not_to_inject_inline_styles(client, mission) -> None:
    client.force_login(mission.force)
    page = parse(client.get(reverse("alerts:queue")).content)

    (config,) = page.find_all("meta", name="htmx-config")
    assert '"includeIndicatorStyles":false' in config.attrs["content"]


def test_htmx_loads_only_on_pages_that_use_it(client, mission) -> None:
    pages = {"login": client.get(reverse("login")).content}
    client.force_login(mission.cla)
    for name in ("alerts:alert_create", "alerts:my_alerts", "reporting:report_list"):
        pages[name] = client.get(reverse(name)).content
    client.force_login(mission.force)
    pages["alerts:queue"] = client.get(reverse("alerts:queue")).content

    for name, content in pages.items():
        page = parse(content)
        uses_htmx = any(
            attribute.startswith(("hx-", "data-hx-"))
            for element in page.elements
            for attribute in element.attrs
        )
        loads_htmx = any("htmx" in url for url in _static_urls(page))
        assert loads_htmx == uses_htmx, name
    assert "htmx" in str(pages["alerts:queue"])


def test_layout_is_usable_on_a_phone(client, db) -> None:
    page = parse(client.get(reverse("login")).content)

    (viewport,) = page.find_all("meta", name="viewport")
    assert "width=device-width" in viewport.attrs["content"]
    assert page.find_all("main", id="main")
    assert page.find_all("a", href="#main")


def _static_urls(page: Page) -> list[str]:
    styles = [e.attrs["href"] for e in page.find_all("link", rel="stylesheet")]
    scripts = [e.attrs["src"] for e in page.find_all("script") if e.attrs.get("src")]
    return styles + scripts


def test_css_and_javascript_of_the_layout_fit_the_budget(client, db) -> None:
    urls = _static_urls(parse(client.get(reverse("login")).content))
    assert any(u.endswith(".css") for u in urls)

    total = 0
    for url in urls:
        assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL)
        path = finders.find(url.split(settings.STATIC_URL, 1)[1])
        assert path, f"{url} is not a static file"
        total += len(gzip.compress(Path(path).read_bytes(), compresslevel=9))

    assert total < BUDGET_BYTES, f"{total} bytes gzipped"


def test_static_files_come_from_the_site_not_a_cdn(client, db) -> None:
    for url in _static_urls(parse(client.get(reverse("login")).content)):
        assert url.startswith("/"), url
        assert not url.startswith("//"), url


def test_vendored_htmx_ships_with_its_licence() -> None:
    folder = Path(finders.find("vendor/htmx/htmx.min.js")).parent

    assert "Zero-Clause BSD" in (folder / "LICENSE").read_text()


def test_messages_are_shown_in_the_layout(db) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "Alert saved")
    messages.error(request, "Could not reach the queue")

    page = parse(render_to_string("base.html", request=request))

    (area,) = page.find_all("ul", class_="messages")
    shown = {m.text: m.attrs["role"] for m in page.find_all("li", within=area)}
    assert shown == {"Alert saved": "status", "Could not reach the queue": "alert"}
