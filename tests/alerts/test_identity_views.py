"""Every display of who reported an alert is recorded; mission admins read the record."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from alerts.models import Alert, IdentityView
from clas.models import Role
from tests import factories as f
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

NAME = "Jean Ndoli"
PAGE = "/alerts/identity-views/"
API = "/api/v1/identity-views/"


def page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def allowed_hq(mission: Mission) -> Any:
    mission.hq.can_view_source_identity = True
    mission.hq.save()
    return mission.hq


def records(alert: Alert) -> list[tuple[str, str]]:
    return list(IdentityView.objects.filter(alert=alert).values_list("user__username", "where"))


@pytest.mark.parametrize("who", ["coordinator", "hq_with_permission", "cla_who_logged"])
def test_the_alert_page_records_who_was_shown_the_source(mission: Mission, who: str) -> None:
    alert = log(mission, source_name=NAME, source_contact="+236 75 11 22 33")
    user = {
        "coordinator": mission.coordinator,
        "hq_with_permission": allowed_hq(mission),
        "cla_who_logged": mission.cla,
    }[who]

    response = page_client(user).get(reverse("alerts:alert_detail", args=[alert.pk]))

    assert NAME in response.content.decode()
    assert records(alert) == [(user.username, "page")]


@pytest.mark.parametrize("who", ["coordinator", "hq_with_permission"])
def test_the_api_detail_records_who_was_shown_the_source(mission: Mission, who: str) -> None:
    alert = log(mission, source_name=NAME)
    user = mission.coordinator if who == "coordinator" else allowed_hq(mission)

    body = api_client(user).get(f"/api/v1/alerts/{alert.pk}/").json()

    assert body["source_name"] == NAME
    assert records(alert) == [(user.username, "api")]


@pytest.mark.parametrize("role", ["force", "hq", "admin"])
def test_nothing_is_recorded_for_who_is_not_shown_the_source(mission: Mission, role: str) -> None:
    mission.force.can_view_source_identity = True
    mission.force.save()
    alert = log(mission, source_name=NAME)
    user = mission.user(role)

    page = page_client(user).get(reverse("alerts:alert_detail", args=[alert.pk]))
    body = api_client(user).get(f"/api/v1/alerts/{alert.pk}/").json()

    assert page.status_code == 200 and NAME not in page.content.decode()
    assert "source_name" not in body
    assert records(alert) == []


def test_an_alert_whose_source_gave_no_name_records_nothing(mission: Mission) -> None:
    alert = log(mission, source_name="", source_contact="")

    page_client(mission.coordinator).get(reverse("alerts:alert_detail", args=[alert.pk]))

    assert records(alert) == []


def test_the_admin_form_records_the_display_for_mission_admins(mission: Mission) -> None:
    alert = log(mission, source_name=NAME)

    response = page_client(mission.admin).get(reverse("admin:alerts_alert_change", args=[alert.pk]))

    assert NAME in response.content.decode()
    assert records(alert) == [(mission.admin.username, "admin")]


def test_mission_admins_read_the_record_filtered_by_user_and_alert(mission: Mission) -> None:
    first = log(mission, source_name=NAME)
    second = log(mission, source_name="Marthe Yakite", place="Zoumango")
    hq = allowed_hq(mission)
    page_client(mission.coordinator).get(reverse("alerts:alert_detail", args=[first.pk]))
    api_client(hq).get(f"/api/v1/alerts/{second.pk}/")
    admin = page_client(mission.admin)

    everything = admin.get(PAGE)
    by_user = admin.get(PAGE, {"user": hq.username})
    by_alert = admin.get(PAGE, {"alert": first.reference.lower()})

    assert everything.status_code == 200
    assert everything.content.decode().count('class="identity-view"') == 2
    assert by_user.content.decode().count('class="identity-view"') == 1
    assert second.reference in by_user.content.decode()
    assert first.reference in by_alert.content.decode()
    assert second.reference not in by_alert.content.decode()
    # The record names people and alerts, never who reported them.
    assert NAME not in everything.content.decode()


def test_the_api_twin_lists_the_same_record(mission: Mission) -> None:
    alert = log(mission, source_name=NAME)
    page_client(mission.coordinator).get(reverse("alerts:alert_detail", args=[alert.pk]))
    client = api_client(mission.admin)

    body = client.get(API, {"alert": alert.pk}).json()
    by_user = client.get(API, {"user": mission.hq.username}).json()

    assert [(r["username"], r["alert_reference"], r["where"]) for r in body["results"]] == [
        (mission.coordinator.username, alert.reference, "page")
    ]
    assert by_user["results"] == []
    assert client.get(f"{API}{body['results'][0]['id']}/").status_code == 200


@pytest.mark.parametrize("role", ["cla", "coordinator", "force", "hq"])
def test_only_mission_admins_see_the_record(mission: Mission, role: str) -> None:
    user = mission.user(role)
    user.can_view_source_identity = True
    user.save()

    assert page_client(user).get(PAGE).status_code == 403
    assert api_client(user).get(API).status_code == 403


def test_an_admin_role_without_superuser_sees_the_record(mission: Mission) -> None:
    admin = f.UserFactory(username="mission-admin", role=Role.ADMIN)

    assert page_client(admin).get(PAGE).status_code == 200
    assert api_client(admin).get(API).status_code == 200


def test_the_record_is_read_only_in_the_django_admin(mission: Mission) -> None:
    alert = log(mission, source_name=NAME)
    page_client(mission.coordinator).get(reverse("alerts:alert_detail", args=[alert.pk]))
    row = IdentityView.objects.get()
    client = page_client(mission.admin)

    listing = client.get(reverse("admin:alerts_identityview_changelist"))
    change = client.get(reverse("admin:alerts_identityview_change", args=[row.pk]))
    deleted = client.post(
        reverse("admin:alerts_identityview_delete", args=[row.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200 and alert.reference in listing.content.decode()
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert deleted.status_code == 403
    assert IdentityView.objects.filter(pk=row.pk).exists()
    assert client.get(reverse("admin:alerts_identityview_add")).status_code == 403
