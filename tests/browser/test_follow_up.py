"""The loop back to the community in a browser: on a phone, the CLA sees in the header that
something happened to their alert, opens it and records that the community was informed; it
shows on the timeline. Screenshots of the pages, on a phone and a laptop, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from alerts import services
from alerts.models import Alert
from notifications import services as notification_services
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import in_language, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_740 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


def _closed_alert(mission: Mission) -> Alert:
    alert = f.AlertFactory(
        logged_by=mission.cla,
        location=mission.base_a,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        created_at=timezone.now() - dt.timedelta(hours=6),
        place="Marché central",
    )
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="confirmed")
    services.alert_close(alert_id=alert.pk, user=mission.force)
    for event in alert.events.all():
        notification_services.alert_news_notify(event_id=event.pk)
    return alert


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_cla_records_on_a_phone_that_the_community_was_informed(
    sign_in: SignIn, live_server: LiveServer, mission: Mission, language: str
) -> None:
    mission.cla.language = language  # signing in switches to it
    mission.cla.save()
    alert = _closed_alert(mission)
    page = sign_in(mission.cla, **PHONE_740)

    page.goto(live_server.url + reverse("notifications:list"))
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 52
    expect(page.locator(".bell-count")).to_have_text(f"3 {in_language(language, 'unread')}")
    closed = in_language(language, "%(reference)s closed.") % {"reference": alert.reference}
    expect(page.get_by_role("link", name=closed)).to_be_visible()
    screenshot(page, f"notifications-phone-{language}")

    page.get_by_role("link", name=closed).click()
    form = page.locator("#follow-up-community-informed")
    expect(form).to_be_visible()
    when = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label(in_language(language, "When was the community informed?")).fill(when)
    form.get_by_label(in_language(language, "Community meeting")).check()
    form.get_by_label(in_language(language, "By whom?")).fill("Chef de quartier")
    screenshot(page, f"alert-follow-up-phone-{language}")
    form.get_by_role("button", name=in_language(language, "Record it")).click()

    timeline = page.locator("#timeline")
    kind = in_language(language, "Community informed")
    meeting = in_language(language, "Community meeting")
    expect(timeline).to_contain_text(kind)
    expect(timeline).to_contain_text(f"{meeting}, {when.replace('T', ' ')}")
    expect(timeline).to_contain_text("Chef de quartier")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"alert-informed-phone-{language}")

    wide = sign_in(mission.cla, **LAPTOP)
    wide.goto(live_server.url + reverse("alerts:alert_detail", args=[alert.pk]))
    expect(wide.locator("#timeline")).to_contain_text(kind)
    screenshot(wide, f"alert-detail-laptop-{language}")
    wide.goto(live_server.url + reverse("notifications:list"))
    screenshot(wide, f"notifications-laptop-{language}")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_hq_sees_the_community_figure_on_the_dashboard(
    sign_in: SignIn, live_server: LiveServer, mission: Mission, language: str
) -> None:
    alert = _closed_alert(mission)
    services.alert_record_community_informed(
        alert_id=alert.pk,
        user=mission.cla,
        informed_at=timezone.now() - dt.timedelta(hours=2),
        how="radio",
    )
    cache.clear()  # figures of another test's mission may still be kept (a shared Redis)
    mission.hq.language = language  # signing in switches to it
    mission.hq.save()
    for name, viewport in (("phone", PHONE_740), ("laptop", LAPTOP)):
        page = sign_in(mission.hq, **viewport)
        page.goto(live_server.url + reverse("reporting:dashboard"))
        section = page.locator("section[aria-labelledby=community-title]")
        expect(section).to_contain_text(in_language(language, "Back to the community"))
        expect(section).to_contain_text("100")
        section.scroll_into_view_if_needed()
        screenshot(page, f"dashboard-{name}-{language}")
