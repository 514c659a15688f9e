"""An HQ user sets up two-step sign-in on a phone (360 px): the QR code and the key fit the
screen, the first code turns it on, the recovery codes are shown, and the work page opens."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import SignIn
from tests.browser.support import PHONE, PageLog, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FITS = """() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"""


def test_an_hq_user_sets_up_two_step_sign_in_on_a_phone(
    sign_in: SignIn, live_server: LiveServer, mission: Mission, settings: Any
) -> None:
    settings.OTP_REQUIRED_ROLES = ("hq", "admin")
    mission.hq.language = "en"
    mission.hq.save()

    page = sign_in(mission.hq, **PHONE)
    log = PageLog.attach(page)
    page.reload()

    assert reverse("clas:two_step_setup") in page.url
    expect(page.locator("svg.qr")).to_be_visible()
    box = page.locator("svg.qr").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    secret = page.locator("code.otp-secret").inner_text().replace(" ", "")
    assert page.evaluate(FITS)
    screenshot(page, "two-step-setup-phone")

    page.locator("#id_otp").fill(str(totp(base64.b32decode(secret))).zfill(6))
    page.locator("main form button[type=submit]").first.click()

    codes = page.locator("ol.recovery-codes code")
    expect(codes).to_have_count(10)
    assert page.evaluate(FITS)
    screenshot(page, "two-step-recovery-codes-phone")
    page.locator("main a.button.primary").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('reporting:dashboard')}")
    assert log.csp_violations() == []
    assert log.page_errors == []
