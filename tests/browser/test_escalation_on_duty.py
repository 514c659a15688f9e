"""An Extreme alert nobody acknowledges climbs to the rota's officer on duty: the email reaches
that officer (and only them), whose phone opens its link, signs in and acknowledges in one
tap."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from alerts import services
from alerts.models import Alert, AlertEvent
from alerts.services import rota
from clas.models import Role
from tests import factories as f
from tests.alerts.support import log
from tests.browser.support import PASSWORD, PHONE, TIMEOUT_MS, PageLog, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the threat categories of the data migration are back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LINK = re.compile(r"https?://\S+/acknowledge-now/")


def test_the_officer_on_duty_gets_the_escalation_and_acknowledges_it_in_one_tap(
    live_server: LiveServer,
    mission: Mission,
    new_context: Callable[..., BrowserContext],
    settings: object,
) -> None:
    settings.SITE_URL = live_server.url  # type: ignore[attr-defined]
    on_duty = f.UserFactory(username="force-on-duty", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(on_duty)
    now = timezone.now()
    rota.shift_create(
        user=mission.force,
        queue_id=mission.queue_a.pk,
        data=rota.ShiftInput(
            on_duty.pk, now - dt.timedelta(hours=1), now + dt.timedelta(hours=3), "Quiet so far."
        ),
    )
    # Extreme whatever its urgency, 1 km from the temporary base of Ippy.
    alert = log(
        mission,
        urgency="Expected",
        severity="Extreme",
        latitude=Decimal("6.51000"),
        longitude=Decimal("18.50000"),
    )
    assert alert.status == Alert.Status.QUEUED
    assert alert.base_distance_km is not None and alert.base_distance_km < 5

    # Nobody has acknowledged: the second tier (at 5 minutes for an alert near a base)
    # tells the officer on duty.
    mail.outbox.clear()
    step_at = alert.routed_at + dt.timedelta(minutes=6)
    taken = services.alert_escalate_overdue(now=step_at)
    assert taken == {"escalated": 1}
    [email] = [m for m in mail.outbox if "ESCALA" in m.subject]
    assert email.to == [on_duty.email]
    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert (event.data["tier"], event.data["user_ids"]) == (1, [on_duty.pk])
    link = LINK.search(email.body)
    assert link is not None
    assert link.group(0) == live_server.url + reverse(
        "alerts:alert_acknowledge_page", args=[alert.pk]
    )

    # On the officer's phone, signed out: the link asks to sign in, then comes back.
    context = new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_log = PageLog.attach(page)
    page.goto(link.group(0))
    page.locator("#id_username").fill(on_duty.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    button = page.locator("form.acknowledge-now button")
    expect(button).to_have_count(1)
    expect(page.locator("h1")).to_have_text(alert.reference)
    screenshot(page, "escalation-on-duty-acknowledge")

    button.click()

    expect(page.locator("form.acknowledge-now")).to_have_count(0)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    acknowledged = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)
    assert acknowledged.actor_id == on_duty.pk
    assert page_log.page_errors == []
    assert page_log.csp_violations() == []
