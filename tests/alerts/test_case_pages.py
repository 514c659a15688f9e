"""Cases on the pages and in the API: likely duplicates confirmed or rejected from the alert
page and its API twin, the case shown on each member's page, "My alerts" and the queue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, AlertLink
from clas.models import Role, User
from tests import factories as f
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def _reported(hours_ago: float) -> dict[str, dt.datetime]:
    now = timezone.now()
    return {
        "occurred_at": now - dt.timedelta(hours=hours_ago + 1),
        "reported_at": now - dt.timedelta(hours=hours_ago),
    }


def pair(mission: Mission) -> tuple[Alert, Alert, User]:
    """Two reports of one event at Ippy, by the CLA and a colleague, the CLA's first."""
    colleague = f.UserFactory(username="cla-a2", role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=colleague), location=mission.base_a)
    first = log(mission, **_reported(5))
    second = log(mission, colleague, **_reported(2))
    return first, second, colleague


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user: User) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def decide_url(alert: Alert, other: Alert, decision: str) -> str:
    return reverse("alerts:duplicate_decide", args=[alert.pk, other.pk, decision])


def api_url(alert: Alert, other: Alert, decision: str) -> str:
    return f"/api/v1/alerts/{alert.pk}/duplicates/{other.pk}/{decision}/"


# --- the alert page -----------------------------------------------------------------------


def test_an_officer_sees_the_suggested_duplicate_with_confirm_and_reject(
    mission: Mission,
) -> None:
    first, second, _colleague = pair(mission)

    page = client(mission.force).get(reverse("alerts:alert_detail", args=[second.pk]))

    html = page.content.decode()
    assert 'id="duplicates"' in html
    assert decide_url(second, first, "confirm") in html
    assert decide_url(second, first, "reject") in html
    # The first reported leads by default.
    assert re.search(rf'<input type="radio"[^>]*value="{first.pk}"[^>]*checked', html)


def test_a_cla_sees_no_decision_buttons(mission: Mission) -> None:
    first, _second, _colleague = pair(mission)

    page = client(mission.cla).get(reverse("alerts:alert_detail", args=[first.pk]))

    assert page.status_code == 200
    assert 'id="duplicates"' not in page.content.decode()


def test_confirming_on_the_page_merges_and_shows_the_case_to_every_member(
    mission: Mission,
) -> None:
    first, second, colleague = pair(mission)

    response = client(mission.force).post(
        decide_url(second, first, "confirm"),
        {f"duplicate-{first.pk}-lead": first.pk, f"duplicate-{first.pk}-version": second.version},
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.case_lead == first
    follower_page = client(colleague).get(reverse("alerts:alert_detail", args=[second.pk]))
    html = follower_page.content.decode()
    assert f"Merged into {first.reference}, outcome: not yet recorded" in html
    assert 'id="case"' in html and first.reference in html
    lead_page = client(mission.cla).get(reverse("alerts:alert_detail", args=[first.pk]))
    assert "1 other report of the same event merged into this case." in lead_page.content.decode()


def test_the_follower_shows_the_case_outcome_in_my_alerts(mission: Mission) -> None:
    first, second, colleague = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)
    officer = mission.force
    services.alert_acknowledge(alert_id=first.pk, user=officer)
    services.alert_record_outcome(alert_id=first.pk, user=officer, outcome="partly")
    services.alert_record_response(alert_id=first.pk, user=officer, response="patrol")
    services.alert_close(alert_id=first.pk, user=officer)

    mine = client(colleague).get(reverse("alerts:my_alerts")).content.decode()

    assert f"Merged into {first.reference}, outcome: Partly confirmed" in mine
    second.refresh_from_db()
    assert second.status == Alert.Status.CLOSED


def test_the_queue_marks_the_lead_and_hides_its_followers(mission: Mission) -> None:
    first, second, _colleague = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    rows = client(mission.force).get(reverse("alerts:queue")).content.decode()

    assert first.reference in rows
    assert second.reference not in rows
    assert "case: +1 report" in rows


def test_a_bad_lead_is_a_field_error_and_nothing_is_saved(mission: Mission) -> None:
    first, second, _colleague = pair(mission)

    response = client(mission.force).post(
        decide_url(second, first, "confirm"),
        {f"duplicate-{first.pk}-lead": "999999", f"duplicate-{first.pk}-version": second.version},
    )

    assert response.status_code == 400
    assert "Choose which report leads the case." in response.content.decode()
    second.refresh_from_db()
    assert second.case_lead_id is None


def test_a_stale_page_is_refused_with_a_message(mission: Mission) -> None:
    first, second, _colleague = pair(mission)

    response = client(mission.force).post(
        decide_url(second, first, "confirm"),
        {f"duplicate-{first.pk}-lead": first.pk, f"duplicate-{first.pk}-version": 1},
        follow=True,
    )

    assert "was changed by someone else in the meantime" in response.content.decode()
    assert not Alert.objects.filter(case_lead__isnull=False).exists()


def test_rejecting_on_the_page(mission: Mission) -> None:
    first, second, _colleague = pair(mission)

    response = client(mission.force).post(
        decide_url(second, first, "reject"), {"version": second.version}, follow=True
    )

    assert "is recorded as not the same event" in response.content.decode()
    assert AlertLink.objects.get().decision == AlertLink.Decision.REJECTED
    page = client(mission.force).get(reverse("alerts:alert_detail", args=[second.pk]))
    assert 'id="duplicates"' not in page.content.decode()


@pytest.mark.parametrize("version", ["\u00b2", "9" * 5000, "-1", ""])
def test_a_version_that_is_not_one_is_refused_on_the_page_not_a_500(
    mission: Mission, version: str
) -> None:
    first, second, _colleague = pair(mission)

    response = client(mission.force).post(
        decide_url(second, first, "reject"), {"version": version}, follow=True
    )

    assert response.status_code < 500
    assert AlertLink.objects.get().decision == AlertLink.Decision.SUGGESTED


@pytest.mark.parametrize("who", ["cla", "coordinator", "hq"])
def test_other_roles_are_refused_on_the_page(mission: Mission, who: str) -> None:
    first, second, _colleague = pair(mission)

    response = client(mission.user(who)).post(
        decide_url(second, first, "reject"), {"version": second.version}
    )

    assert response.status_code == 403
    assert AlertLink.objects.get().decision == AlertLink.Decision.SUGGESTED


def test_an_officer_of_another_sector_gets_404_on_the_page(mission: Mission) -> None:
    first, second, _colleague = pair(mission)
    other = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)

    response = client(other).post(decide_url(second, first, "reject"), {"version": 1})

    assert response.status_code == 404


def test_a_cla_of_another_location_gets_404_on_the_page(mission: Mission) -> None:
    _first, second, _colleague = pair(mission)

    response = client(mission.cla_b).get(reverse("alerts:alert_detail", args=[second.pk]))

    assert response.status_code == 404


# --- the API ------------------------------------------------------------------------------


def test_confirm_through_the_api(mission: Mission) -> None:
    first, second, _colleague = pair(mission)

    response = api(mission.force).post(
        api_url(first, second, "confirm"),
        {"lead": second.pk, "version": first.version},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["case_lead"]["reference"] == second.reference
    assert body["links"][0]["decision"] == "confirmed"
    lead = api(mission.force).get(f"/api/v1/alerts/{second.pk}/").json()
    assert (lead["case_lead"], lead["merged_count"]) == (None, 1)


def test_reject_through_the_api(mission: Mission) -> None:
    first, second, _colleague = pair(mission)

    response = api(mission.admin).post(api_url(first, second, "reject"), {}, format="json")

    assert response.status_code == 200
    assert AlertLink.objects.get().decision == AlertLink.Decision.REJECTED
    again = api(mission.admin).post(api_url(first, second, "reject"), {}, format="json")
    assert again.status_code == 409


def test_api_refusals(mission: Mission) -> None:
    first, second, _colleague = pair(mission)
    officer = api(mission.force)

    stale = officer.post(api_url(first, second, "confirm"), {"version": 1}, format="json")
    assert stale.status_code == 409
    bad_lead = officer.post(api_url(first, second, "confirm"), {"lead": 99}, format="json")
    assert bad_lead.status_code == 400
    assert "lead" in bad_lead.json()
    typed = officer.post(api_url(first, second, "confirm"), {"lead": "x"}, format="json")
    assert typed.status_code == 400
    itself = officer.post(api_url(first, first, "confirm"), {}, format="json")
    assert itself.status_code in (400, 404)
    hq = api(mission.hq).post(api_url(first, second, "confirm"), {}, format="json")
    assert hq.status_code == 403
    other = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    outside = api(other).post(api_url(first, second, "confirm"), {}, format="json")
    assert outside.status_code == 404
    assert not Alert.objects.filter(case_lead__isnull=False).exists()
    assert AlertLink.objects.get().decision == AlertLink.Decision.SUGGESTED


def test_the_alert_list_still_shows_a_follower_marked(mission: Mission) -> None:
    first, second, _colleague = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    html = client(mission.hq).get(reverse("alerts:alert_list")).content.decode()

    assert second.reference in html
    assert f"merged into {first.reference}" in html
