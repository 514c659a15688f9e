"""An admin's correction of an alert, in the Django admin and through the service: checked by
the rules of intake, on the timeline with old and new values, never with who reported it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, AlertEvent
from tests import factories as f
from tests.audit.support import admin_form
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

INFORMANT = "Pierre Sewa"
CONTACT = "+236 70 99 88 77"


@pytest.fixture
def alert(mission: Mission) -> Alert:
    return f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        source_type=Alert.SourceType.CLA_OBSERVATION,
        source_name=INFORMANT,
        source_contact=CONTACT,
        description="Armed men seen near the river crossing.",
    )


def change_url(alert: Alert) -> str:
    return reverse("admin:alerts_alert_change", args=[alert.pk])


def corrected(alert: Alert) -> AlertEvent:
    return AlertEvent.objects.get(alert=alert, kind=AlertEvent.Kind.CORRECTED)


def test_an_admin_edit_is_a_correction_on_the_timeline(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.admin)
    data = admin_form(client, change_url(alert))
    data.update(
        description="Armed men burned the market.",
        victims_killed="40",
        source_name="Jean Yakite",
    )

    response = client.post(change_url(alert), data)

    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.description, alert.victims_killed, alert.source_name) == (
        "Armed men burned the market.",
        40,
        "Jean Yakite",
    )
    assert alert.version == 2
    event = corrected(alert)
    assert event.actor == mission.admin
    params = event.data["params"]
    assert params["changes"] == {
        "description": ["Armed men seen near the river crossing.", "Armed men burned the market."],
        "victims_killed": [0, 40],
    }
    assert params["redacted"] == ["source_name"]
    assert params["via"] == "admin"
    assert INFORMANT not in str(event.data) and "Jean Yakite" not in str(event.data)


def test_an_unchanged_admin_save_writes_nothing(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.admin)

    response = client.post(change_url(alert), admin_form(client, change_url(alert)))

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.version == 1
    assert not AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.CORRECTED).exists()


def test_a_stale_admin_form_is_refused_naming_what_changed(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.admin)
    data = admin_form(client, change_url(alert))
    services.alert_correct(
        alert=alert, actor=mission.admin, changes={"victims_injured": 3}, via="test"
    )
    data["description"] = "Typed over a page opened before."

    response = client.post(change_url(alert), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "was changed by someone else since you opened it" in page
    assert "Injured" in page
    alert.refresh_from_db()
    assert alert.description == "Armed men seen near the river crossing."
    assert alert.victims_injured == 3
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.CORRECTED).count() == 1


def test_a_correction_refused_by_the_rules_of_intake_is_a_field_error(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.admin)
    data = admin_form(client, change_url(alert))
    data["description"] = "<script>alert(1)</script>"

    response = client.post(change_url(alert), data)

    assert response.status_code == 200
    assert "write plain text, without HTML tags" in response.content.decode()
    alert.refresh_from_db()
    assert alert.version == 1


def test_the_service_checks_the_times_as_intake_does(mission: Mission, alert: Alert) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_correct(
            alert=alert,
            actor=mission.admin,
            changes={"occurred_at": alert.reported_at.replace(year=alert.reported_at.year + 1)},
            via="test",
        )

    assert "occurred_at" in caught.value.message_dict
    alert.refresh_from_db()
    assert alert.version == 1


def test_the_service_refuses_a_version_someone_moved_on(mission: Mission, alert: Alert) -> None:
    from core.exceptions import ConcurrentUpdate

    services.alert_correct(alert=alert, actor=mission.admin, changes={"place": "Ippy"}, via="t")

    with pytest.raises(ConcurrentUpdate):
        services.alert_correct(
            alert=alert, actor=mission.admin, changes={"place": "Bria"}, via="t", version=1
        )


def test_the_alert_page_says_what_was_corrected(
    client: Client, mission: Mission, alert: Alert
) -> None:
    services.alert_correct(
        alert=alert,
        actor=mission.admin,
        changes={"victims_killed": 40, "source_name": "Jean Yakite"},
        via="admin",
    )
    client.force_login(mission.force)

    page = client.get(reverse("alerts:alert_detail", args=[alert.pk])).content.decode()

    assert "Killed: 0 → 40" in page
    assert "Reported by (name): changed" in page
    assert "Jean Yakite" not in page and INFORMANT not in page


def test_the_force_reads_the_correction_in_the_api_without_the_informant(
    mission: Mission, alert: Alert
) -> None:
    services.alert_correct(
        alert=alert,
        actor=mission.admin,
        changes={"victims_killed": 40, "source_name": "Jean Yakite", "source_contact": "+236 1"},
        via="admin",
    )
    api = APIClient()
    api.force_authenticate(mission.force)

    body = api.get(f"/api/v1/alerts/{alert.pk}/").json()

    line = next(event for event in body["timeline"] if event["kind"] == "corrected")
    assert line["detail"] == (
        "Killed: 0 → 40; Reported by (contact): changed; Reported by (name): changed"
    )
    assert line["params"]["changes"] == {"victims_killed": [0, 40]}
    assert "Jean Yakite" not in str(body) and INFORMANT not in str(body)
    assert "+236" not in str(body)


def test_a_correction_is_not_shown_outside_the_alerts_scope(mission: Mission, alert: Alert) -> None:
    services.alert_correct(alert=alert, actor=mission.admin, changes={"place": "Ippy"}, via="t")
    other_sector = f.UserFactory(username="force-b", role="force", sector=mission.sector_b)
    api = APIClient()
    api.force_authenticate(other_sector)

    assert api.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404


def test_the_correction_reads_in_french(mission: Mission, alert: Alert) -> None:
    from django.utils import translation

    services.alert_correct(
        alert=alert, actor=mission.admin, changes={"victims_killed": 2}, via="admin"
    )

    with translation.override("fr"):
        detail = corrected(alert).detail

    assert "0 → 2" in detail
    assert detail.startswith("Tués")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_offers_no_other_way_to_change_an_alerts_facts(
    mission: Mission, alert: Alert, method: str
) -> None:
    api = APIClient()
    api.force_authenticate(mission.admin)

    response = getattr(api, method)(
        f"/api/v1/alerts/{alert.pk}/", {"victims_killed": 40}, format="json"
    )

    assert response.status_code == 405
    alert.refresh_from_db()
    assert (alert.victims_killed, alert.version) == (0, 1)


def test_only_who_may_change_alerts_corrects_them(mission: Mission, alert: Alert) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.alert_correct(
            alert=alert, actor=mission.force, changes={"victims_killed": 1}, via="test"
        )

    alert.refresh_from_db()
    assert alert.victims_killed == 0


def test_a_row_is_corrected_by_its_id_too(mission: Mission, alert: Alert) -> None:
    saved = services.alert_correct(
        alert=alert, actor=mission.admin, changes={"location": mission.office_a.pk}, via="test"
    )

    assert saved.location == mission.office_a
    assert corrected(alert).data["params"]["changes"] == {
        "location": [str(mission.base_a), str(mission.office_a)]
    }


def test_a_line_naming_a_field_that_no_longer_exists_reads_as_nothing(
    mission: Mission, alert: Alert
) -> None:
    event = AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.CORRECTED,
        data={"code": "corrected", "params": {"changes": {"gone": [1, 2]}, "redacted": []}},
    )

    assert event.detail == ""
