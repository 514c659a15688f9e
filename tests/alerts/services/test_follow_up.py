"""The CLA's follow-up of their alert: notes, and when the community was informed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from alerts import services
from alerts.models import Alert, AlertEvent
from core.exceptions import PermissionRefused
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def alert_of(mission: Mission, **fields: Any) -> Alert:
    values = {
        "logged_by": mission.cla,
        "location": mission.base_a,
        "queue": mission.queue_a,
        "status": Alert.Status.CLOSED,
        "created_at": timezone.now() - dt.timedelta(days=2),
        **fields,
    }
    return f.AlertFactory(**values)


def record(alert: Alert, user: Any, **values: Any) -> AlertEvent:
    arguments = {
        "informed_at": timezone.now() - dt.timedelta(hours=1),
        "how": "meeting",
        "informed_by": "",
        "note": "",
        **values,
    }
    return services.alert_record_community_informed(alert_id=alert.pk, user=user, **arguments)


def test_the_cla_records_that_the_community_was_informed(mission: Mission) -> None:
    alert = alert_of(mission)
    when = timezone.now() - dt.timedelta(hours=5)

    event = record(alert, mission.cla, informed_at=when, how="focal_point", note="All told.")

    assert (event.kind, event.actor, event.note) == ("community_informed", mission.cla, "All told.")
    assert event.data["how"] == "focal_point"
    assert event.data["informed_by"] == mission.cla.get_full_name()
    alert.refresh_from_db()
    assert alert.community_informed_at == when
    assert alert.status == Alert.Status.CLOSED  # no change of state
    with translation.override("fr"):
        assert event.detail.startswith("En personne, par le point focal, ")
    with translation.override("en"):
        assert event.detail.endswith(f", by {mission.cla.get_full_name()}")


def test_the_alert_keeps_the_first_time_the_community_was_informed(mission: Mission) -> None:
    alert = alert_of(mission)
    first = timezone.now() - dt.timedelta(hours=20)
    record(alert, mission.cla, informed_at=timezone.now() - dt.timedelta(hours=2))
    record(alert, mission.cla, informed_at=first, informed_by="Chief of Ippy")
    record(alert, mission.cla, informed_at=timezone.now() - dt.timedelta(hours=1))

    alert.refresh_from_db()
    assert alert.community_informed_at == first
    assert alert.events.filter(kind="community_informed").count() == 3


def test_the_coordinator_may_and_the_cla_an_alert_was_logged_for_may(mission: Mission) -> None:
    alert = alert_of(mission, logged_by=mission.coordinator, received_from_cla=mission.cla_profile)

    record(alert, mission.coordinator)
    services.alert_add_follow_up_note(alert_id=alert.pk, user=mission.cla, note="Seen the chief.")

    assert alert.events.filter(actor=mission.cla, kind="note").exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"informed_at": None}, "informed_at", "Enter when the community was informed."),
        (
            {"informed_at": timezone.now() + dt.timedelta(days=1)},
            "informed_at",
            "The date and time cannot be in the future.",
        ),
        (
            {"informed_at": timezone.now() - dt.timedelta(days=5)},
            "informed_at",
            "The community cannot have been informed before the alert was logged",
        ),
        ({"how": "pigeon"}, "how", "Choose how the community was informed."),
        ({"how": ""}, "how", "Choose how the community was informed."),
        ({"note": "x" * 2001}, "note", "Note: keep it under 2000 characters (now 2001)."),
        ({"informed_by": "y" * 151}, "informed_by", "keep it under 150 characters"),
        ({"note": "<script>alert(1)</script>"}, "note", "write plain text"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    mission: Mission, values: dict[str, Any], field: str, message: str
) -> None:
    alert = alert_of(mission)

    with pytest.raises(ValidationError) as refused:
        record(alert, mission.cla, **values)

    assert list(refused.value.message_dict) == [field]
    assert message in refused.value.message_dict[field][0]
    assert not alert.events.exists()
    alert.refresh_from_db()
    assert alert.community_informed_at is None


def test_the_errors_are_in_the_readers_language(mission: Mission) -> None:
    alert = alert_of(mission)

    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        record(alert, mission.cla, how="pigeon", informed_at=timezone.now() + dt.timedelta(days=1))

    assert refused.value.message_dict == {
        "how": ["Choisissez comment la communauté a été informée."],
        "informed_at": ["La date et l\u2019heure ne peuvent pas être dans le futur."],
    }


def test_the_minute_the_alert_was_logged_in_is_not_before_it(mission: Mission) -> None:
    logged = timezone.now().replace(second=40) - dt.timedelta(hours=1)
    alert = alert_of(mission, created_at=logged)

    record(alert, mission.cla, informed_at=logged.replace(second=0, microsecond=0))

    assert alert.events.filter(kind="community_informed").exists()


def test_someone_elses_alert_is_refused(mission: Mission) -> None:
    other_cla = f.UserFactory(username="cla-other", role="cla")
    at_my_base = alert_of(mission, logged_by=other_cla)  # in the CLA's scope, not theirs
    elsewhere = f.AlertFactory(logged_by=mission.cla_b, location=mission.base_b)

    with pytest.raises(PermissionRefused):
        record(at_my_base, mission.cla)
    with pytest.raises(Http404):
        record(elsewhere, mission.cla)
    with pytest.raises(PermissionRefused):
        services.alert_add_follow_up_note(alert_id=at_my_base.pk, user=mission.force, note="x")
    assert not AlertEvent.objects.exists()


@pytest.mark.parametrize(
    ("note", "message"),
    [("   ", "Write the note."), ("z" * 2001, "keep it under 2000"), ("<b>x</b>", "plain text")],
)
def test_a_follow_up_note_must_be_plain_text_of_a_sensible_length(
    mission: Mission, note: str, message: str
) -> None:
    alert = alert_of(mission)

    with pytest.raises(ValidationError) as refused:
        services.alert_add_follow_up_note(alert_id=alert.pk, user=mission.cla, note=note)

    assert message in refused.value.message_dict["note"][0]
    assert not alert.events.exists()


@pytest.mark.parametrize("status", [Alert.Status.QUEUED, Alert.Status.CLOSED])
def test_a_follow_up_note_goes_on_the_timeline_in_any_state(mission: Mission, status: str) -> None:
    alert = alert_of(mission, status=status)

    event = services.alert_add_follow_up_note(
        alert_id=alert.pk, user=mission.cla, note="  The village is calm.  "
    )

    assert (event.kind, event.note, event.to_status) == ("note", "The village is calm.", status)
