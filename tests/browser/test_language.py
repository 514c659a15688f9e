"""One language per reader, in a browser: an alert routed, notified and escalated while a
French-speaking CLA's request ran reads in English for an English-speaking officer and in
French, with French typography, for a French-speaking coordinator; so do flash report titles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from alerts import services
from alerts.models import Alert
from clas.models import User
from reporting.models import Report
from tests.alerts.support import log
from tests.browser.conftest import SignIn
from tests.browser.support import PageLog, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the threat categories of the data migration are back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NBSP = "\u00a0"
SIZES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
# Elements of the main content wider than their container (what the reader cannot see).
OVERFLOWING = """
() => [...document.querySelectorAll("main *")]
  .filter((el) => el.parentElement && el.getBoundingClientRect().width > 0)
  .filter((el) => {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    return box.right > parent.right + 1 && getComputedStyle(el.parentElement).overflowX === "visible";
  })
  .map((el) => el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 40))
"""


def _written_in_french(mission: Mission) -> tuple[Alert, Alert]:
    with translation.override("fr"):
        first = log(mission, urgency="Immediate", place="Marché de Zéré")
        second = log(mission, place="Route de Bria")  # same location and category: a duplicate
        services.alert_notify_flash(alert_id=first.pk)
        later = first.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes + 1)
        services.alert_escalate(alert_id=first.pk, now=later)
        services.alert_acknowledge(
            alert_id=first.pk, user=mission.force, note="Patrouille partie de la base à 14 h."
        )
    return first, second


def _reader(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def _check_page(page: Page, log: PageLog) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OVERFLOWING) == []
    assert log.csp_violations() == []
    assert log.page_errors == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_timeline_reads_in_each_reader_s_language(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, size: str
) -> None:
    first, second = _written_in_french(mission)
    url = live_server.url + reverse("alerts:alert_detail", args=[first.pk])

    officer = sign_in(_reader(mission.force, "en"), **SIZES[size])
    officer_log = PageLog.attach(officer)
    officer.goto(url)
    timeline = officer.locator("ol.timeline")
    expect(timeline).to_contain_text("Officers notified: 2 people notified by email")
    expect(timeline).to_contain_text(
        "Escalated: Tier 2 (senior officer): not acknowledged after 16 min"
    )
    expect(timeline).to_contain_text("Patrouille partie de la base à 14 h.")  # as typed
    expect(timeline).not_to_contain_text("courriel")
    timeline.scroll_into_view_if_needed()
    screenshot(officer, f"language-timeline-en-{size}")
    _check_page(officer, officer_log)

    coordinator = sign_in(_reader(mission.coordinator, "fr"), **SIZES[size])
    coordinator_log = PageLog.attach(coordinator)
    coordinator.goto(url)
    timeline = coordinator.locator("ol.timeline")
    expect(timeline).to_contain_text(f"Officiers notifiés{NBSP}: 2 personnes averties par courriel")
    expect(timeline).to_contain_text(
        f"Escaladée{NBSP}: Niveau 2 (officier supérieur){NBSP}: réception non accusée après 16 min"
    )
    expect(timeline).not_to_contain_text("notified by email")
    screenshot(coordinator, f"language-timeline-fr-{size}")
    _check_page(coordinator, coordinator_log)

    coordinator.goto(live_server.url + reverse("alerts:alert_detail", args=[second.pk]))
    expect(coordinator.locator("main")).to_contain_text(
        "même localité et même catégorie en moins de 24 heures"
    )
    screenshot(coordinator, f"language-duplicate-fr-{size}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_flash_report_is_titled_in_each_reader_s_language(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, size: str
) -> None:
    first, _second = _written_in_french(mission)
    report = Report.objects.get(kind=Report.Kind.FLASH, alert=first)
    reports = live_server.url + reverse("reporting:report_list")

    hq = sign_in(_reader(mission.hq, "en"), **SIZES[size])
    hq_log = PageLog.attach(hq)
    hq.goto(reports)
    link = hq.locator(f"a[href='{reverse('reporting:report_detail', args=[report.pk])}']")
    expect(link.first).to_have_text(
        f"Flash report: Attack on civilians at Ippy ({first.reference})"
    )
    screenshot(hq, f"language-reports-en-{size}")
    _check_page(hq, hq_log)

    cla = sign_in(_reader(mission.cla, "fr"), **SIZES[size])
    cla_log = PageLog.attach(cla)
    cla.goto(reports)
    link = cla.locator(f"a[href='{reverse('reporting:report_detail', args=[report.pk])}']")
    expect(link.first).to_have_text(
        f"Rapport flash{NBSP}: Attaque contre des civils à Ippy ({first.reference})"
    )
    screenshot(cla, f"language-reports-fr-{size}")
    _check_page(cla, cla_log)
