"""Daily reports in a browser: the CLA writes and submits one, the coordinator returns it with
a comment, and the CLA finds the comment."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from reporting.models import Report
from tests.browser.conftest import SignIn
from tests.browser.support import PHONE, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KEY_EVENTS = "Marché calme le matin. Réunion avec le chef de quartier à 15 h."
COMMENT = "Précisez combien de membres du réseau ont appelé et d'où."


def test_cla_submits_a_daily_report_the_coordinator_returns_it_and_the_cla_reads_the_comment(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    # The CLA writes today's report on a phone and submits it.
    cla = sign_in(mission.cla, **PHONE)
    cla.goto(live_server.url + reverse("reporting:report_list"))
    cla.locator(f"a[href='{reverse('reporting:report_create', args=['daily'])}']").first.click()
    cla.locator("#id_security_level").select_option(Report.SecurityLevel.TENSE.value)
    cla.locator("#id_key_events").fill(KEY_EVENTS)
    cla.locator("#id_can_activity").fill("Trois appels du réseau d'alerte.")
    cla.locator("#id_needs").fill("Crédit téléphonique.")
    screenshot(cla, "report-form-phone")
    cla.locator("button[name=submit]").click()

    report = Report.objects.get(author=mission.cla)
    detail = reverse("reporting:report_detail", args=[report.pk])
    expect(cla).to_have_url(live_server.url + detail)
    expect(cla.locator("main")).to_contain_text(KEY_EVENTS)
    assert report.status == Report.Status.SUBMITTED
    assert report.location == mission.base_a

    # The coordinator of the field office finds it in the reports and returns it.
    coordinator = sign_in(mission.coordinator)
    coordinator.goto(live_server.url + reverse("reporting:report_list"))
    coordinator.locator(f"a[href='{detail}']").click()
    expect(coordinator.locator("main")).to_contain_text(KEY_EVENTS)
    review = coordinator.locator("#review")
    review.locator("input[name=decision][value=return]").check()
    review.locator("textarea[name=comment]").fill(COMMENT)
    review.locator("button[type=submit]").click()
    expect(coordinator.locator("#review-title")).to_be_visible()
    expect(coordinator.locator("#review")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.review_comment == COMMENT

    # The CLA sees the report returned among the reports to send, and reads the comment.
    cla.goto(live_server.url + reverse("reporting:report_list"))
    cla.locator("#pending-title + ul").locator(f"a[href='{detail}']").click()
    expect(cla.locator("section[aria-labelledby=review-title]")).to_contain_text(COMMENT)
    screenshot(cla, "report-returned-phone")
