"""The deployment board on a phone: a mission admin rotates a CLA and sees the gap close."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests import factories as f
from tests.browser.conftest import SignIn
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_admin_rotates_a_cla_on_the_board_and_the_gap_closes(
    sign_in: SignIn, live_server: LiveServer, mission: Mission
) -> None:
    # A second CLA at Ippy, free to move to Bambari, which has nobody.
    second = f.DeploymentFactory(
        cla=f.CLAFactory(user=f.UserFactory(first_name="Awa", last_name="Kette")),
        location=mission.base_a,
    )
    mission.admin.language = "en"
    mission.admin.save(update_fields=["language"])
    page = sign_in(mission.admin, **PHONE)
    board = live_server.url + reverse("clas:board")
    page.goto(board)
    no_cla = page.locator(".gaps a[href='?gap=no_cla'] .badge")
    expect(no_cla).to_have_text("2")  # Bambari and Bouar

    page.get_by_role("link", name="Rotate Awa Kette").click()
    page.locator("#id_location").select_option(label="Bambari")
    page.locator("#id_start_date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Rotate").click()

    expect(page.locator(".msg-success")).to_contain_text("Awa Kette")
    expect(no_cla).to_have_text("1")
    bambari = page.locator("table.cards tbody tr", has_text="Bambari")
    expect(bambari).to_contain_text("Awa Kette")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    second.refresh_from_db()
    assert second.end_date is not None
