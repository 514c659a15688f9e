"""The early warning chain in a browser: a CLA files an alert in French on a phone, the Force
officer watching the queue sees it arrive without reloading and works it to the end, and the
CLA sees what happened to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from alerts.models import Alert
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import PHONE, PageLog, in_language, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the threat categories of the data migration are back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFERENCE = re.compile(r"ALT-\d{4}-\d{6}")
RESPONSE_NOTE = "Patrol of the 3rd company reached the market at 14:10; armed men had left."


def _mission_now() -> dt.datetime:
    return timezone.localtime(timezone.now())


def _switch_language(page: Page, language: str) -> None:
    page.locator(f"footer form.lang button[value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _fill_alert_form(page: Page, *, category_id: int) -> None:
    occurred = (_mission_now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_category").select_option(str(category_id))
    page.locator("#id_description").fill(
        "Des hommes armés ont attaqué le marché d'Ippy ce matin, deux blessés."
    )
    page.locator("input[name=urgency][value=Immediate]").check()
    page.locator("input[name=severity][value=Severe]").check()
    page.locator("input[name=certainty][value=Observed]").check()
    page.locator("#id_place").fill("Marché central")
    page.locator("#id_occurred_at").fill(occurred)
    page.locator("#id_victims_injured").fill("2")
    page.locator("#id_perpetrator").fill("Groupe armé non identifié")
    page.locator("#id_source_type").select_option(Alert.SourceType.LOCAL_AUTHORITY.value)
    page.locator("#id_source_name").fill("Chef de quartier")


def _act(page: Page, action: str, *, next_action: str) -> None:
    """Submit the action form `action` of the alert page and wait for the next one."""
    page.locator(f"#action-{action} button[type=submit]").click()
    expect(page.locator(f"#action-{next_action}")).to_be_visible()


def test_alert_filed_in_french_reaches_the_open_queue_and_the_cla_sees_it_closed(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    category = f.CategoryFactory(code="attack")
    mission.cla.language = "en"  # the CLA starts in English and switches on the page
    mission.cla.save(update_fields=["language"])
    officer_language = mission.force.language

    # The officer has the queue open before the alert exists.
    officer = sign_in(mission.force)
    officer.goto(live_server.url + reverse("alerts:queue"))
    expect(officer.locator("#queue-rows")).to_be_attached()
    officer.evaluate("window.__openedOnce = true")

    # The CLA, on a phone, switches the alert form to French and files the alert.
    cla = sign_in(mission.cla, **PHONE)
    expect(cla.locator("html")).to_have_attribute("lang", "en")
    form_url = live_server.url + reverse("alerts:alert_create")
    cla.goto(form_url)
    _switch_language(cla, "fr")
    assert cla.url == form_url
    expect(cla.locator("footer button[value=fr]")).to_have_attribute("aria-current", "true")
    expect(cla.locator("h1")).to_have_text(in_language("fr", "New alert"))
    # Django's own French: the label suffix is a non-breaking space and a colon.
    expect(cla.locator("label[for=id_category]")).to_have_text(
        in_language("fr", "Threat category") + "\u00a0:"
    )
    expect(cla.locator("#id_category option:checked")).to_have_text(
        in_language("fr", "Choose a threat category")
    )
    expect(cla.locator(f"#id_category option[value='{category.pk}']")).to_have_text(
        category.name_fr
    )
    _fill_alert_form(cla, category_id=category.pk)
    screenshot(cla, "alert-form-fr-phone")
    cla.locator("form.alert-form button[type=submit]").click()

    expect(cla.locator("h1")).to_contain_text(REFERENCE)
    reference = REFERENCE.search(cla.locator("h1").inner_text()).group(0)
    alert = Alert.objects.get(reference=reference)
    assert alert.logged_by == mission.cla
    assert alert.urgency == "Immediate"
    assert alert.location == mission.base_a
    assert cla.url == live_server.url + reverse("alerts:alert_detail", args=[alert.pk])
    expect(cla.locator(".messages")).to_contain_text(reference)
    expect(cla.locator("html")).to_have_attribute("lang", "fr")
    screenshot(cla, "alert-page-cla-phone")

    # The queue shows it by itself (the page polls every 5 s), without a reload.
    row = officer.locator("#queue-rows tr", has=officer.get_by_role("link", name=reference))
    expect(row).to_be_visible(timeout=10_000)
    assert officer.evaluate("window.__openedOnce") is True
    expect(row).to_contain_text(in_language(officer_language, Alert.Status.QUEUED.label))
    screenshot(officer, "queue")

    # The officer works it: acknowledge, outcome, response, close.
    row.get_by_role("link", name=reference).click()
    expect(officer.locator("h1")).to_contain_text(reference)
    _act(officer, "acknowledge", next_action="outcome")
    officer.locator("#action-outcome input[value=confirmed]").check()
    _act(officer, "outcome", next_action="response")
    officer.locator("#action-response input[value=patrol]").check()
    officer.locator("#action-response textarea[name=response-note]").fill(RESPONSE_NOTE)
    _act(officer, "response", next_action="close")
    screenshot(officer, "alert-page-officer")
    _act(officer, "close", next_action="reopen")
    expect(officer.locator("h1 .badge")).to_have_text(
        in_language(officer_language, Alert.Status.CLOSED.label)
    )
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED
    assert alert.outcome == Alert.Outcome.CONFIRMED
    assert alert.response == Alert.Response.PATROL
    assert alert.response_note == RESPONSE_NOTE

    # Back on the phone, "my alerts" says what happened, in French.
    cla.goto(live_server.url + reverse("alerts:my_alerts"))
    mine = cla.locator("tbody tr", has=cla.get_by_role("link", name=reference))
    expect(mine).to_contain_text(in_language("fr", Alert.Status.CLOSED.label))
    expect(mine).to_contain_text(in_language("fr", Alert.Outcome.CONFIRMED.label))
    expect(mine).to_contain_text(in_language("fr", Alert.Response.PATROL.label))
    mine.get_by_role("link", name=reference).click()
    expect(cla.locator("main")).to_contain_text(RESPONSE_NOTE)


def test_queue_page_polls_under_the_strict_content_security_policy_without_errors(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    alert = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        urgency="Immediate",
    )
    officer = sign_in(mission.force)
    log = PageLog.attach(officer)

    response = officer.goto(live_server.url + reverse("alerts:queue"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(officer.get_by_role("link", name=alert.reference)).to_be_visible()
    # htmx (a static file under the policy) is running when the rows come back by themselves.
    with officer.expect_response(lambda r: "/queue/rows/" in r.url, timeout=10_000) as polled:
        pass
    # 304: the rows have not changed since the page was drawn (alerts/views.py, queue_rows).
    assert polled.value.status == 304
    expect(officer.get_by_role("link", name=alert.reference)).to_be_visible()

    assert log.csp_violations() == []
    assert log.page_errors == []
    assert log.console_errors == []
