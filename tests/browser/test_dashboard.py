"""The HQ dashboard in a browser: the map draws from the site's own files and data, the
figures have their tables, and a figure leads to the alerts behind it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from alerts.models import Alert, ThreatCategory
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import PageLog, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _fresh_figures() -> Iterator[None]:
    # The dashboard keeps its figures for a minute: none may come from another test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def attack(mission: Mission) -> ThreatCategory:
    return f.CategoryFactory(code="attack")


def _queued_alert(mission: Mission, category: ThreatCategory, **fields: object) -> Alert:
    fields.setdefault("location", mission.base_a)
    fields.setdefault("queue", mission.queue_a)
    return f.AlertFactory(category=category, status=Alert.Status.QUEUED, **fields)


def test_dashboard_map_draws_with_leaflet_from_own_static_files_and_no_outside_request(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, attack: ThreatCategory
) -> None:
    _queued_alert(mission, attack)
    _queued_alert(mission, attack, location=mission.office_b, queue=mission.queue_b)
    hq = sign_in(mission.hq)
    requests: list[str] = []
    hq.context.on("request", lambda request: requests.append(request.url))
    log = PageLog.attach(hq)

    hq.goto(live_server.url + reverse("reporting:dashboard"))

    expect(hq.locator("#dash-map.is-ready")).to_be_visible()
    expect(hq.locator("#dash-map .leaflet-marker-icon").first).to_be_visible()
    assert hq.evaluate("typeof window.L.map") == "function"
    assert live_server.url + "/static/vendor/leaflet/leaflet.js" in requests
    assert [url for url in requests if not url.startswith(live_server.url + "/")] == []
    # A chart comes with its table.
    panel = hq.locator("#fig-alerts_by_category")
    expect(panel.locator("table.dash-table")).to_have_count(1)
    expect(panel.locator("table.dash-table tbody")).to_contain_text(attack.name_fr)
    screenshot(hq, "dashboard")
    assert log.csp_violations() == []
    assert log.page_errors == []


def test_dashboard_category_figure_leads_to_its_alerts_of_the_period(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, attack: ThreatCategory
) -> None:
    looting = f.CategoryFactory(code="looting")
    in_figure = [_queued_alert(mission, attack) for _ in range(2)]
    other_category = _queued_alert(mission, looting)
    long_ago = timezone.now() - dt.timedelta(days=200)  # before the dashboard's 90 days
    before_period = _queued_alert(
        mission,
        attack,
        occurred_at=long_ago - dt.timedelta(hours=1),
        reported_at=long_ago,
    )
    hq = sign_in(mission.hq)
    hq.goto(live_server.url + reverse("reporting:dashboard"))
    panel = hq.locator("#fig-alerts_by_category")

    panel.locator(".hbars a", has_text=attack.name_fr).click()

    expect(hq).to_have_url(re.compile(re.escape(live_server.url + reverse("alerts:alert_list"))))
    for alert in in_figure:
        expect(hq.get_by_role("link", name=alert.reference)).to_be_visible()
    expect(hq.get_by_role("link", name=other_category.reference)).to_have_count(0)
    expect(hq.get_by_role("link", name=before_period.reference)).to_have_count(0)
