"""alerts.services.intake: an alert checked, numbered, saved once with its outbox row, and
handed to a routing worker after the commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts import services, tasks
from alerts.models import Alert, AlertDispatch, AlertEvent
from alerts.services import AlertInput
from core.exceptions import IdempotencyConflict, PermissionRefused
from tests import factories as f
from tests.alerts.support import category, log, make_input, off_duty_force, validation_fields
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


# --- intake validation --------------------------------------------------------------------


def test_a_valid_alert_is_saved_with_what_was_submitted(mission: Mission) -> None:
    data = make_input(
        mission,
        place="  Ndassima  ",
        latitude=Decimal("6.51"),
        longitude=Decimal("18.49"),
        urgency="Expected",
        severity="Severe",
        victims_injured=3,
    )

    alert, created = services.alert_create(user=mission.cla, data=data)

    alert.refresh_from_db()
    assert created
    assert alert.logged_by == mission.cla
    assert alert.location == mission.base_a
    assert alert.place == "Ndassima"
    assert alert.latitude == Decimal("6.51000")
    assert alert.victims_injured == 3
    assert alert.status == Alert.Status.NEW
    assert (alert.urgency_rank, alert.severity_rank) == (1, 1)


@pytest.mark.parametrize("name", ["reported_at", "occurred_at"])
def test_a_time_in_the_future_is_refused(mission: Mission, name: str) -> None:
    later = timezone.now() + dt.timedelta(hours=1)

    with pytest.raises(ValidationError) as caught:
        services.alert_create(user=mission.cla, data=make_input(mission, **{name: later}))

    assert name in validation_fields(caught)
    assert Alert.objects.count() == 0


def test_a_phone_clock_a_few_minutes_ahead_is_accepted(mission: Mission) -> None:
    ahead = timezone.now() + dt.timedelta(minutes=5)

    alert, created = services.alert_create(
        user=mission.cla, data=make_input(mission, occurred_at=ahead, reported_at=ahead)
    )

    assert created
    assert alert.pk is not None


def test_an_event_more_than_a_year_before_it_was_reported_is_refused(mission: Mission) -> None:
    reported = timezone.now() - dt.timedelta(hours=1)

    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla,
            data=make_input(
                mission, reported_at=reported, occurred_at=reported - dt.timedelta(days=366)
            ),
        )

    assert validation_fields(caught) == {"occurred_at"}


def test_an_event_just_under_a_year_before_it_was_reported_is_accepted(mission: Mission) -> None:
    reported = timezone.now() - dt.timedelta(hours=1)

    services.alert_validate(
        user=mission.cla,
        data=make_input(
            mission, reported_at=reported, occurred_at=reported - dt.timedelta(days=364)
        ),
    )


def test_dates_at_the_start_of_the_calendar_do_not_crash_the_checks(mission: Mission) -> None:
    start = dt.datetime(1, 1, 1, 12, 0, tzinfo=dt.UTC)

    services.alert_validate(
        user=mission.cla,
        data=make_input(mission, occurred_at=start, reported_at=start + dt.timedelta(days=30)),
    )
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla,
            data=make_input(mission, occurred_at=start, reported_at=start + dt.timedelta(days=400)),
        )

    assert validation_fields(caught) == {"occurred_at"}


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("48.85"), Decimal("2.35")), (Decimal("6.5"), Decimal("40.0"))],
)
def test_coordinates_outside_the_mission_area_are_refused(
    mission: Mission, latitude: Decimal, longitude: Decimal
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla, data=make_input(mission, latitude=latitude, longitude=longitude)
        )

    assert validation_fields(caught) == {"latitude"}


def test_a_latitude_without_a_longitude_is_refused(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.cla, data=make_input(mission, latitude=Decimal("6")))

    assert validation_fields(caught) == {"latitude"}


@pytest.mark.parametrize("value", [-1, services.MAX_VICTIMS + 1])
@pytest.mark.parametrize(
    "name",
    [
        "victims_killed",
        "victims_injured",
        "victims_abducted",
        "victims_sexual_violence",
        "victims_displaced",
    ],
)
def test_negative_or_absurd_victim_counts_are_refused(
    mission: Mission, name: str, value: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.cla, data=make_input(mission, **{name: value}))

    assert validation_fields(caught) == {name}


def test_the_largest_plausible_victim_count_is_accepted(mission: Mission) -> None:
    services.alert_validate(
        user=mission.cla, data=make_input(mission, victims_displaced=services.MAX_VICTIMS)
    )


def test_a_network_of_another_location_is_refused(mission: Mission) -> None:
    other = f.NetworkFactory(location=mission.base_b)

    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla,
            data=make_input(
                mission, source_type=Alert.SourceType.CAN_MEMBER, source_can_id=other.pk
            ),
        )

    assert validation_fields(caught) == {"source_can"}


def test_a_network_of_the_alerts_location_is_accepted(mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a)

    alert, _created = services.alert_create(
        user=mission.cla,
        data=make_input(mission, source_type=Alert.SourceType.CAN_MEMBER, source_can_id=network.pk),
    )

    assert alert.source_can == network


def test_a_report_from_a_network_member_must_name_the_network(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla, data=make_input(mission, source_type=Alert.SourceType.CAN_MEMBER)
        )

    assert validation_fields(caught) == {"source_can"}


def test_an_unknown_category_is_refused(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.cla, data=make_input(mission, category_id=987654))

    assert validation_fields(caught) == {"category"}


def test_an_inactive_category_is_refused(mission: Mission) -> None:
    retired = f.CategoryFactory(code="retired", is_active=False)

    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.cla, data=make_input(mission, category_id=retired.pk))

    assert validation_fields(caught) == {"category"}


def test_a_blank_description_is_refused(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.cla, data=make_input(mission, description="   "))

    assert validation_fields(caught) == {"description"}


def test_a_cla_cannot_log_an_alert_for_another_location(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_create(
            user=mission.cla, data=make_input(mission, location_id=mission.base_b.pk)
        )

    assert validation_fields(caught) == {"location"}
    assert Alert.objects.count() == 0


def test_a_coordinator_can_log_for_any_location_of_the_area(mission: Mission) -> None:
    alert, created = services.alert_create(
        user=mission.coordinator, data=make_input(mission, location_id=mission.office_a.pk)
    )

    assert created
    assert alert.location == mission.office_a


def test_hq_cannot_log_for_an_inactive_location(mission: Mission) -> None:
    closed = f.LocationFactory(sector=mission.sector_a, is_active=False)

    with pytest.raises(ValidationError) as caught:
        services.alert_validate(user=mission.hq, data=make_input(mission, location_id=closed.pk))

    assert validation_fields(caught) == {"location"}


def test_a_force_officer_off_duty_cannot_log_alerts(mission: Mission) -> None:
    with pytest.raises(PermissionRefused):
        services.alert_create(user=off_duty_force(mission), data=make_input(mission))

    assert Alert.objects.count() == 0


def test_every_failing_rule_is_reported_at_once(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla,
            data=make_input(mission, description="", category_id=987654, victims_killed=-2),
        )

    assert validation_fields(caught) == {"description", "category", "victims_killed"}


def test_an_input_is_built_alike_from_the_rows_of_a_form_or_the_ids_of_the_api(
    mission: Mission,
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    values = {
        "category": category(),
        "source_type": Alert.SourceType.CAN_MEMBER,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": timezone.now() - dt.timedelta(hours=3),
        "reported_at": timezone.now() - dt.timedelta(hours=2),
        "victims_killed": 2,
    }

    from_form = AlertInput.from_values(
        {**values, "location": mission.base_a, "source_can": network, "client_key": "k-1"}
    )
    from_api = AlertInput.from_values(
        {**values, "location": None, "location_id": mission.base_a.pk, "source_can": network}
    )

    assert from_form == from_api
    assert (from_form.location_id, from_form.source_can_id) == (mission.base_a.pk, network.pk)
    assert (from_form.victims_killed, from_form.urgency) == (2, "Unknown")


# --- references ---------------------------------------------------------------------------


def test_references_are_numbered_per_year_in_sequence(mission: Mission) -> None:
    first = log(mission, route=False)
    second = log(mission, route=False)

    year = timezone.localdate().year
    assert re.fullmatch(r"ALT-\d{4}-\d{6}", first.reference)
    assert first.reference == f"ALT-{year}-000001"
    assert second.reference == f"ALT-{year}-000002"


def test_a_refused_alert_does_not_use_up_a_reference(mission: Mission) -> None:
    with pytest.raises(ValidationError):
        services.alert_create(user=mission.cla, data=make_input(mission, description=""))

    alert = log(mission, route=False)

    assert alert.reference.endswith("-000001")


# --- idempotency --------------------------------------------------------------------------


def test_the_same_key_with_the_same_payload_returns_the_saved_alert(mission: Mission) -> None:
    data = make_input(mission)
    first, created_first = services.alert_create(user=mission.cla, data=data, client_key="k-1")

    again, created_again = services.alert_create(user=mission.cla, data=data, client_key="k-1")

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Alert.objects.count() == 1
    assert AlertDispatch.objects.count() == 1
    assert AlertEvent.objects.filter(alert=first).count() == 1


def test_the_same_key_with_another_payload_is_refused_and_creates_nothing(
    mission: Mission,
) -> None:
    services.alert_create(user=mission.cla, data=make_input(mission), client_key="k-1")

    with pytest.raises(IdempotencyConflict) as caught:
        services.alert_create(
            user=mission.cla,
            data=make_input(mission, description="Another thing entirely."),
            client_key="k-1",
        )

    assert caught.value.field == "client_key"
    assert caught.value.status_code == 422
    assert Alert.objects.count() == 1
    assert AlertDispatch.objects.count() == 1


def test_the_same_key_from_another_user_is_refused(mission: Mission) -> None:
    data = make_input(mission)
    services.alert_create(user=mission.cla, data=data, client_key="k-1")

    with pytest.raises(IdempotencyConflict):
        services.alert_create(user=mission.coordinator, data=data, client_key="k-1")

    assert Alert.objects.count() == 1


def test_without_a_key_each_submission_is_a_new_alert(mission: Mission) -> None:
    data = make_input(mission)

    services.alert_create(user=mission.cla, data=data)
    services.alert_create(user=mission.cla, data=data, client_key="  ")

    assert Alert.objects.count() == 2


# --- outbox and routing after commit ------------------------------------------------------


def test_the_outbox_row_is_saved_pending_and_routing_waits_for_the_commit(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        alert, _created = services.alert_create(user=mission.cla, data=make_input(mission))

    assert len(callbacks) == 1
    assert alert.dispatch.state == AlertDispatch.State.PENDING
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW
    assert alert.queue is None


def test_the_alert_and_its_outbox_row_are_saved_or_dropped_together(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    class Aborted(Exception):
        pass

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(Aborted),
        transaction.atomic(),
    ):
        services.alert_create(user=mission.cla, data=make_input(mission))
        assert AlertDispatch.objects.count() == 1
        raise Aborted

    assert not Alert.objects.exists()
    assert not AlertDispatch.objects.exists()
    assert callbacks == []


def test_the_alert_is_routed_after_commit(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert, _created = services.alert_create(user=mission.cla, data=make_input(mission))

    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert alert.queue == mission.queue_a
    assert alert.routed_at is not None
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.DONE
    assert list(alert.events.values_list("kind", flat=True)) == ["created", "routed"]


def test_a_broker_that_is_down_leaves_the_alert_pending(mission: Mission, monkeypatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    alert = log(mission, route=False)
    monkeypatch.setattr(tasks.route_alert, "delay", unreachable)

    assert services.alert_dispatch_enqueue(alert_id=alert.pk) is False

    dispatch = AlertDispatch.objects.get(alert=alert)
    assert dispatch.state == AlertDispatch.State.PENDING
    assert "Connection refused" in dispatch.last_error
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW


def test_a_broker_that_is_down_at_commit_does_not_lose_the_alert(
    mission: Mission, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(tasks.route_alert, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        alert, created = services.alert_create(user=mission.cla, data=make_input(mission))

    assert created
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.PENDING


# --- escalation ---------------------------------------------------------------------------


def test_a_resubmission_differing_in_seconds_and_spaces_is_the_same_payload(
    mission: Mission,
) -> None:
    # Three hours ago: before it was reported (make_input: two hours ago).
    data = make_input(mission, occurred_at=timezone.now().replace(second=5) - dt.timedelta(hours=3))
    first, _created = services.alert_create(user=mission.cla, data=data, client_key="k-1")
    resubmitted = dataclasses.replace(
        data,
        occurred_at=data.occurred_at.replace(second=40),
        description=f"  {data.description}\n",
    )

    again, created = services.alert_create(user=mission.cla, data=resubmitted, client_key="k-1")

    assert (again.pk, created) == (first.pk, False)
