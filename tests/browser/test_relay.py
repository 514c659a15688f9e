"""An alert heard on the radio, in a browser: the Force officer on duty logs it on a phone on
behalf of the CLA who called, finds it on their queue, and the CLA finds it in their own list.
And the pages changed for it, at phone and desktop sizes in both languages: nothing clipped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from alerts.models import Alert, Channel
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import PageLog, in_language, screenshot
from tests.browser.test_layout_mobile import OVERFLOW, SIZES, SMALL_TARGETS, TAP
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the threat categories of the data migration are back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFERENCE = re.compile(r"ALT-\d{4}-\d{6}")


def _no_clipping(page: Page, log: PageLog, name: str, size: str) -> None:
    problems = page.evaluate(OVERFLOW)
    assert problems == [], f"{name} at {size}: {problems[:10]}"
    if size == "phone":
        small = page.evaluate(SMALL_TARGETS, TAP)
        assert small == [], f"{name}: touch targets under {TAP} px: {small[:10]}"
    assert log.csp_violations() == [], name
    assert log.page_errors == [], name


def test_a_force_officer_logs_a_radio_call_for_a_cla_who_then_follows_it(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    attack = f.CategoryFactory(code="attack")
    for user in (mission.force, mission.cla):
        user.language = "en"
        user.save(update_fields=["language"])
    cla_name = str(mission.cla_profile)

    officer = sign_in(mission.force, **SIZES["phone"])
    log = PageLog.attach(officer)
    officer.goto(live_server.url + reverse("alerts:queue"))
    officer.get_by_role("link", name="Log a call or radio message").click()
    expect(officer.locator("h1")).to_have_text("New alert")
    # The call comes first on the officer's form, and is required.
    first = officer.locator("form.alert-form fieldset").first
    expect(first.locator("legend").first).to_have_text("Heard by phone or radio")
    expect(officer.locator("input[name=received_via][value='']")).to_have_count(0)

    officer.locator("input[name=received_via][value=radio]").check()
    officer.locator("#id_received_from").select_option(label=f"{cla_name} · Ippy")
    officer.locator("#id_category").select_option(str(attack.pk))
    officer.locator("#id_description").fill(
        "Ippy CLA on the radio: armed men on motorbikes at the Ndassima crossing, shots heard."
    )
    officer.locator("input[name=urgency][value=Immediate]").check()
    officer.locator("#id_location").select_option(str(mission.base_a.pk))
    officer.locator("#id_place").fill("Ndassima crossing")
    occurred = timezone.localtime(timezone.now() - dt.timedelta(minutes=30))
    officer.locator("#id_occurred_at").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    officer.locator("#id_source_type").select_option(Alert.SourceType.CLA_OBSERVATION.value)
    _no_clipping(officer, log, "alert-form-officer", "phone")
    screenshot(officer, "relay-form-officer-filled-phone-en")
    officer.locator("form.alert-form button[type=submit]").click()

    expect(officer.locator("h1")).to_contain_text(REFERENCE)
    reference = REFERENCE.search(officer.locator("h1").inner_text()).group(0)
    alert = Alert.objects.get(reference=reference)
    assert (alert.channel, alert.logged_by, alert.received_from_cla) == (
        Channel.RADIO,
        mission.force,
        mission.cla_profile,
    )
    expect(officer.locator("dd.channel")).to_have_text("Radio")
    expect(officer.locator("dd.received-from")).to_contain_text(cla_name)
    screenshot(officer, "relay-alert-page-officer-phone-en")

    # Routed as any alert: on the officer's queue.
    officer.goto(live_server.url + reverse("alerts:queue"))
    expect(officer.get_by_role("link", name=reference)).to_be_visible()
    alert.refresh_from_db()
    assert alert.queue == mission.queue_a

    # The CLA who called finds it in their own list, and on its page whom it was heard from.
    cla = sign_in(mission.cla, **SIZES["phone"])
    cla.goto(live_server.url + reverse("alerts:my_alerts"))
    row = cla.locator("tr", has=cla.get_by_role("link", name=reference))
    expect(row).to_be_visible()
    expect(row.locator("td.channel")).to_contain_text("Radio")
    expect(row.locator("td.channel")).to_contain_text("logged for you by")
    screenshot(cla, "relay-my-alerts-cla-phone-en")
    row.get_by_role("link", name=reference).click()
    expect(cla.locator("dd.received-from")).to_contain_text(cla_name)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_form_and_the_lists_fit_with_the_call_and_the_channel(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, size: str, language: str
) -> None:
    network = f.NetworkFactory(location=mission.base_a, name="CAN Ippy axe Bambari-Bria-Ouadda")
    point = f.FocalPointFactory(network=network, name="Marthe Yakité-Ngoumbango")
    f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.force,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        channel=Channel.RADIO,
        received_from_cla=mission.cla_profile,
    )
    f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        channel=Channel.PHONE,
        received_from_focal_point=point,
    )
    for user in (mission.force, mission.cla, mission.coordinator):
        user.language = language
        user.save(update_fields=["language"])

    officer = sign_in(mission.force, **SIZES[size])
    log = PageLog.attach(officer)
    officer.goto(live_server.url + reverse("alerts:alert_create"))
    expect(officer.locator("html")).to_have_attribute("lang", language)
    expect(officer.locator("fieldset.relay legend").first).to_have_text(
        in_language(language, "Heard by phone or radio")
    )
    _no_clipping(officer, log, "alert-form-officer", size)
    screenshot(officer, f"relay-form-officer-{size}-{language}")

    cla = sign_in(mission.cla, **SIZES[size])
    log = PageLog.attach(cla)
    cla.goto(live_server.url + reverse("alerts:alert_create"))
    summary = cla.locator("details.relay summary")
    expect(summary).to_have_text(in_language(language, "Heard by phone or radio (optional)"))
    summary.click()
    expect(cla.locator("#id_received_from")).to_be_visible()
    cla.locator("input[name=received_via][value=phone]").check()
    cla.locator("#id_received_from").select_option(f"focal_point-{point.pk}")
    _no_clipping(cla, log, "alert-form-cla", size)
    screenshot(cla, f"relay-form-cla-{size}-{language}")
    cla.goto(live_server.url + reverse("alerts:my_alerts"))
    _no_clipping(cla, log, "my-alerts", size)
    screenshot(cla, f"relay-my-alerts-{size}-{language}")

    coordinator = sign_in(mission.coordinator, **SIZES[size])
    log = PageLog.attach(coordinator)
    coordinator.goto(live_server.url + reverse("alerts:alert_list") + "?channel=phone")
    expect(coordinator.locator("td.channel")).to_have_text(in_language(language, "Phone call"))
    _no_clipping(coordinator, log, "alert-list", size)
    screenshot(coordinator, f"relay-alert-list-{size}-{language}")
