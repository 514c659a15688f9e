from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from alerts import services
from alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    RoutingRule,
    ThreatCategory,
    Triangulation,
)
from alerts.services import AlertInput, PermissionRefused
from clas.models import Role
from core.exceptions import ConcurrentUpdate, DomainError, IdempotencyConflict, InvalidTransition
from reporting.models import Report
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def category(code: str = "attack") -> ThreatCategory:
    return ThreatCategory.objects.get(code=code)


def make_input(mission: Mission, **overrides: object) -> AlertInput:
    now = timezone.now()
    values: dict[str, object] = {
        "location_id": mission.base_a.pk,
        "category_id": category().pk,
        "source_type": Alert.SourceType.CLA_OBSERVATION,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": now - dt.timedelta(hours=3),
        "reported_at": now - dt.timedelta(hours=2),
    }
    values.update(overrides)
    return AlertInput(**values)


def log(mission: Mission, user: object = None, *, route: bool = True, **overrides: object) -> Alert:
    """An alert logged through the service (by the CLA unless told), routed at once if asked."""
    alert, created = services.alert_create(
        user=user or mission.cla, data=make_input(mission, **overrides)
    )
    assert created
    if route:
        services.alert_route(alert_id=alert.pk)
        alert.refresh_from_db()
    return alert


def validation_fields(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(caught.value.message_dict)


def flash_emails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "FLASH" in m.subject]


# --- intake validation ---------------------------------------------------------------------


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


def test_a_force_officer_cannot_log_alerts(mission: Mission) -> None:
    with pytest.raises(PermissionRefused):
        services.alert_create(user=mission.force, data=make_input(mission))

    assert Alert.objects.count() == 0


def test_every_failing_rule_is_reported_at_once(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.cla,
            data=make_input(mission, description="", category_id=987654, victims_killed=-2),
        )

    assert validation_fields(caught) == {"description", "category", "victims_killed"}


# --- references -----------------------------------------------------------------------------


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


# --- idempotency ----------------------------------------------------------------------------


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


# --- outbox and routing after commit -------------------------------------------------------


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
    from alerts import tasks

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
    from alerts import tasks

    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(tasks.route_alert, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        alert, created = services.alert_create(user=mission.cla, data=make_input(mission))

    assert created
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.PENDING


# --- routing rules --------------------------------------------------------------------------


def test_without_rules_an_alert_goes_to_the_default_queue_of_its_sector(
    mission: Mission,
) -> None:
    f.QueueFactory(sector=mission.sector_a, is_default=False, code="sa-other")

    alert = log(mission)

    assert alert.queue == mission.queue_a


def test_the_matching_rule_with_the_lowest_priority_wins(mission: Mission) -> None:
    late = f.QueueFactory(sector=mission.sector_a, is_default=False, code="late")
    early = f.QueueFactory(sector=mission.sector_a, is_default=False, code="early")
    RoutingRule.objects.create(queue=late, category=category(), priority=50)
    RoutingRule.objects.create(queue=early, category=category(), priority=10)

    alert = log(mission)

    assert alert.queue == early


@pytest.mark.parametrize(
    "criteria",
    [
        {"category_code": "killing"},
        {"urgency": "Immediate"},
        {"sector": "b"},
        {"is_active": False},
    ],
)
def test_a_rule_that_does_not_match_is_passed_over(
    mission: Mission, criteria: dict[str, object]
) -> None:
    special = f.QueueFactory(sector=mission.sector_a, is_default=False, code="special")
    rule = {"queue": special, "priority": 1}
    if "category_code" in criteria:
        rule["category"] = category(str(criteria["category_code"]))
    if "urgency" in criteria:
        rule["urgency"] = criteria["urgency"]
    if "sector" in criteria:
        rule["sector"] = mission.sector_b
    if "is_active" in criteria:
        rule["is_active"] = criteria["is_active"]
    RoutingRule.objects.create(**rule)

    alert = log(mission, urgency="Expected")

    assert alert.queue == mission.queue_a


def test_a_rule_matching_sector_category_and_urgency_routes_there(mission: Mission) -> None:
    special = f.QueueFactory(sector=mission.sector_a, is_default=False, code="special")
    RoutingRule.objects.create(
        queue=special,
        sector=mission.sector_a,
        category=category(),
        urgency="Expected",
        priority=5,
    )

    matching = log(mission, urgency="Expected")
    other = log(mission, urgency="Future", category_id=category("looting").pk)

    assert matching.queue == special
    assert other.queue == mission.queue_a


def test_an_alert_of_a_sector_without_any_queue_stays_pending(mission: Mission) -> None:
    lonely_sector = f.SectorFactory(code="SC", name="Sector C")
    lonely = f.LocationFactory(sector=lonely_sector)
    alert = log(mission, mission.hq, route=False, location_id=lonely.pk)

    assert services.alert_route(alert_id=alert.pk) is False

    dispatch = AlertDispatch.objects.get(alert=alert)
    assert dispatch.state == AlertDispatch.State.PENDING
    assert dispatch.attempts == 1
    assert "No triangulation queue" in dispatch.last_error
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW


def test_routing_twice_changes_nothing(mission: Mission) -> None:
    alert = log(mission)
    events = alert.events.count()

    assert services.alert_route(alert_id=alert.pk) is False

    again = Alert.objects.get(pk=alert.pk)
    assert again.events.count() == events
    assert (again.status, again.version, again.routed_at) == (
        alert.status,
        alert.version,
        alert.routed_at,
    )


def test_routing_writes_a_timeline_event_naming_the_queue(mission: Mission) -> None:
    alert = log(mission)

    event = alert.events.get(kind=AlertEvent.Kind.ROUTED)
    assert (event.from_status, event.to_status) == ("new", "queued")
    assert event.data["queue"] == mission.queue_a.code


# --- duplicates -----------------------------------------------------------------------------


def test_same_location_and_category_within_a_day_are_linked(mission: Mission) -> None:
    now = timezone.now()
    first = log(mission, occurred_at=now - dt.timedelta(hours=20))

    second = log(mission, occurred_at=now - dt.timedelta(hours=2))

    link = AlertLink.objects.get()
    assert (link.from_alert, link.to_alert, link.kind) == (second, first, AlertLink.Kind.DUPLICATE)
    assert second.events.filter(kind=AlertEvent.Kind.DUPLICATE).count() == 1


def test_same_location_and_category_more_than_a_day_apart_are_not_linked(
    mission: Mission,
) -> None:
    now = timezone.now()
    log(mission, occurred_at=now - dt.timedelta(hours=40), reported_at=now - dt.timedelta(hours=1))

    log(mission, occurred_at=now - dt.timedelta(hours=2))

    assert not AlertLink.objects.exists()


def test_another_category_at_the_same_location_is_not_linked(mission: Mission) -> None:
    log(mission)

    log(mission, category_id=category("looting").pk)

    assert not AlertLink.objects.exists()


def test_alerts_within_five_km_are_linked_across_locations_and_categories(
    mission: Mission,
) -> None:
    first = log(mission, mission.hq, latitude=Decimal("6.50000"), longitude=Decimal("18.50000"))

    # About 2.5 km north-east, another location and category.
    second = log(
        mission,
        mission.hq,
        location_id=mission.office_a.pk,
        category_id=category("looting").pk,
        latitude=Decimal("6.52000"),
        longitude=Decimal("18.51000"),
    )

    link = AlertLink.objects.get()
    assert (link.from_alert, link.to_alert) == (second, first)
    assert "5 km" in link.reason


def test_alerts_ten_km_apart_are_not_linked(mission: Mission) -> None:
    log(mission, mission.hq, latitude=Decimal("6.50000"), longitude=Decimal("18.50000"))

    log(
        mission,
        mission.hq,
        location_id=mission.office_a.pk,
        category_id=category("looting").pk,
        latitude=Decimal("6.59000"),
        longitude=Decimal("18.50000"),
    )

    assert not AlertLink.objects.exists()


# --- flash procedure ------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [{"urgency": "Immediate"}, {"severity": "Extreme"}])
def test_an_immediate_or_extreme_alert_opens_one_flash_report(
    mission: Mission, cap: dict[str, str]
) -> None:
    alert = log(mission, **cap)

    report = Report.objects.get(kind=Report.Kind.FLASH, alert=alert)
    assert report.status == Report.Status.DRAFT
    assert alert.reference in report.title


def test_an_ordinary_alert_opens_no_flash_report_and_sends_no_email(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        log(mission, route=False, urgency="Expected", severity="Severe")

    assert not Report.objects.filter(kind=Report.Kind.FLASH).exists()
    assert mail.outbox == []


def test_the_flash_email_goes_once_to_the_queue_officers_and_the_coordinator(
    mission: Mission,
) -> None:
    second_officer = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(second_officer)
    alert = log(mission, urgency="Immediate")

    assert services.alert_notify_flash(alert_id=alert.pk) is True
    assert services.alert_notify_flash(alert_id=alert.pk) is False

    [message] = flash_emails()
    assert sorted(message.to) == sorted(
        [mission.force.email, second_officer.email, mission.coordinator.email]
    )
    assert alert.reference in message.subject
    assert alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).count() == 1


def test_the_flash_email_never_carries_the_source_identity(mission: Mission) -> None:
    alert = log(
        mission, urgency="Immediate", source_name="Jean Secret", source_contact="+236 75 11 22 33"
    )

    services.alert_notify_flash(alert_id=alert.pk)

    [message] = flash_emails()
    assert "Jean Secret" not in message.body
    assert "75 11 22 33" not in message.body


def test_routing_an_immediate_alert_twice_opens_one_report(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")

    services.alert_route(alert_id=alert.pk)

    assert Report.objects.filter(kind=Report.Kind.FLASH, alert=alert).count() == 1


# --- sweep ----------------------------------------------------------------------------------


def test_the_sweep_routes_pending_alerts_older_than_thirty_seconds_only(
    mission: Mission,
) -> None:
    old = log(mission, route=False)
    young = log(mission, route=False)
    AlertDispatch.objects.filter(alert=old).update(
        created_at=timezone.now() - dt.timedelta(seconds=31)
    )

    summary = services.alert_dispatch_sweep()

    assert summary["routed"] == 1
    assert AlertDispatch.objects.get(alert=old).state == AlertDispatch.State.DONE
    assert AlertDispatch.objects.get(alert=young).state == AlertDispatch.State.PENDING
    assert Alert.objects.get(pk=young.pk).status == Alert.Status.NEW


def test_the_sweep_notifies_a_routed_flash_alert_whose_email_never_left(
    mission: Mission,
) -> None:
    alert = log(mission, urgency="Immediate")
    Alert.objects.filter(pk=alert.pk).update(routed_at=timezone.now() - dt.timedelta(minutes=2))

    first = services.alert_dispatch_sweep()
    second = services.alert_dispatch_sweep()

    assert (first["notified"], second["notified"]) == (1, 0)
    assert len(flash_emails()) == 1


def test_an_alert_left_pending_by_the_broker_is_routed_by_the_sweep(
    mission: Mission, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from alerts import tasks

    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.route_alert, "delay", unreachable)
        with django_capture_on_commit_callbacks(execute=True):
            alert, _created = services.alert_create(user=mission.cla, data=make_input(mission))

    services.alert_dispatch_sweep(older_than=dt.timedelta(0))

    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert alert.queue == mission.queue_a


# --- triage transitions ---------------------------------------------------------------------


def test_the_whole_chain_moves_through_every_state_with_a_timeline_event_each(
    mission: Mission,
) -> None:
    alert = log(mission)
    officer = mission.force

    services.alert_acknowledge(alert_id=alert.pk, user=officer, version=alert.version)
    services.alert_request_triangulation(
        alert_id=alert.pk, user=officer, method="patrol", note="Patrol from Ippy"
    )
    services.alert_record_outcome(alert_id=alert.pk, user=officer, outcome="confirmed")
    services.alert_record_response(
        alert_id=alert.pk, user=officer, response="presence", note="Two platoons"
    )
    services.alert_close(alert_id=alert.pk, user=officer)
    services.alert_reopen(alert_id=alert.pk, user=officer, note="New shots heard")

    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.version == 8  # created 1, routed 2, then six steps
    assert alert.assigned_to == officer
    assert alert.outcome == "confirmed"
    assert (alert.response, alert.response_note) == ("presence", "Two platoons")
    assert alert.acknowledged_at and alert.outcome_at and alert.responded_at
    assert alert.closed_at is None
    steps = list(
        alert.events.exclude(kind__in=["created", "routed"]).values_list(
            "kind", "actor", "from_status", "to_status"
        )
    )
    assert steps == [
        ("acknowledged", officer.pk, "queued", "acknowledged"),
        ("triangulation", officer.pk, "acknowledged", "triangulating"),
        ("outcome", officer.pk, "triangulating", "verified"),
        ("response", officer.pk, "verified", "responded"),
        ("closed", officer.pk, "responded", "closed"),
        ("reopened", officer.pk, "closed", "acknowledged"),
    ]
    assert Triangulation.objects.get(alert=alert).note == "Patrol from Ippy"
    assert alert.events.get(kind="reopened").note == "New shots heard"
    assert alert.events.get(kind="created").actor == mission.cla


def test_an_outcome_may_be_recorded_without_a_triangulation_request(mission: Mission) -> None:
    alert = log(mission)
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    result = services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="false")

    assert result.status == Alert.Status.VERIFIED


def test_an_alert_can_be_closed_right_after_its_outcome(mission: Mission) -> None:
    alert = log(mission)
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="false")

    result = services.alert_close(alert_id=alert.pk, user=mission.force)

    assert result.status == Alert.Status.CLOSED
    assert result.closed_at is not None


def test_acknowledging_keeps_an_existing_assignment(mission: Mission) -> None:
    colleague = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(colleague)
    alert = log(mission)
    services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=colleague.pk)

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    assert result.assigned_to == colleague


def test_assigning_names_an_officer_of_the_queue(mission: Mission) -> None:
    colleague = f.UserFactory(
        username="force-a2", role=Role.FORCE, sector=mission.sector_a, first_name="Ali"
    )
    mission.queue_a.officers.add(colleague)
    alert = log(mission)

    result = services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=colleague.pk)

    assert result.assigned_to == colleague
    assert result.status == Alert.Status.QUEUED
    event = result.events.get(kind=AlertEvent.Kind.ASSIGNED)
    assert (event.actor, event.data["officer_id"]) == (mission.force, colleague.pk)


def test_assigning_someone_outside_the_queue_is_refused(mission: Mission) -> None:
    alert = log(mission)

    with pytest.raises(DomainError) as caught:
        services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=mission.cla.pk)

    assert caught.value.field == "officer"
    assert Alert.objects.get(pk=alert.pk).assigned_to is None


def _to_state(alert: Alert, user: object, state: str) -> None:
    steps = {
        "acknowledged": [lambda: services.alert_acknowledge(alert_id=alert.pk, user=user)],
        "triangulating": [
            lambda: services.alert_request_triangulation(
                alert_id=alert.pk, user=user, method="patrol"
            )
        ],
        "verified": [
            lambda: services.alert_record_outcome(alert_id=alert.pk, user=user, outcome="partly")
        ],
        "responded": [
            lambda: services.alert_record_response(alert_id=alert.pk, user=user, response="patrol")
        ],
        "closed": [lambda: services.alert_close(alert_id=alert.pk, user=user)],
    }
    order = ["acknowledged", "triangulating", "verified", "responded", "closed"]
    if state == "queued":
        return
    for name in order[: order.index(state) + 1]:
        for step in steps[name]:
            step()


ACTIONS = {
    "acknowledge": lambda a, u: services.alert_acknowledge(alert_id=a, user=u),
    "triangulate": lambda a, u: services.alert_request_triangulation(
        alert_id=a, user=u, method="patrol"
    ),
    "outcome": lambda a, u: services.alert_record_outcome(alert_id=a, user=u, outcome="partly"),
    "response": lambda a, u: services.alert_record_response(alert_id=a, user=u, response="patrol"),
    "close": lambda a, u: services.alert_close(alert_id=a, user=u),
    "reopen": lambda a, u: services.alert_reopen(alert_id=a, user=u, note="Why"),
}

ILLEGAL = [
    ("queued", "triangulate"),
    ("queued", "outcome"),
    ("queued", "response"),
    ("queued", "close"),
    ("queued", "reopen"),
    ("acknowledged", "acknowledge"),
    ("acknowledged", "response"),
    ("acknowledged", "close"),
    ("acknowledged", "reopen"),
    ("triangulating", "acknowledge"),
    ("triangulating", "response"),
    ("triangulating", "close"),
    ("verified", "acknowledge"),
    ("verified", "triangulate"),
    ("verified", "outcome"),
    ("verified", "reopen"),
    ("responded", "acknowledge"),
    ("responded", "triangulate"),
    ("responded", "outcome"),
    ("responded", "response"),
    ("closed", "acknowledge"),
    ("closed", "triangulate"),
    ("closed", "outcome"),
    ("closed", "response"),
    ("closed", "close"),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_an_illegal_transition_is_refused_and_changes_nothing(
    mission: Mission, state: str, action: str
) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, state)
    before = Alert.objects.get(pk=alert.pk)
    events = before.events.count()

    with pytest.raises(InvalidTransition) as caught:
        ACTIONS[action](alert.pk, mission.force)

    after = Alert.objects.get(pk=alert.pk)
    assert caught.value.status_code == 409
    assert alert.reference in caught.value.message
    assert (after.status, after.version) == (state, before.version)
    assert after.events.count() == events


def test_an_alert_not_yet_routed_cannot_be_acknowledged(mission: Mission) -> None:
    alert = log(mission, route=False)

    with pytest.raises(InvalidTransition):
        services.alert_acknowledge(alert_id=alert.pk, user=mission.hq)


def test_a_stale_version_is_refused_and_changes_nothing(mission: Mission) -> None:
    alert = log(mission)
    loaded = alert.version
    services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=mission.force.pk)

    with pytest.raises(ConcurrentUpdate) as caught:
        services.alert_acknowledge(alert_id=alert.pk, user=mission.force, version=loaded)

    assert caught.value.status_code == 409
    after = Alert.objects.get(pk=alert.pk)
    assert after.status == Alert.Status.QUEUED
    assert after.version == loaded + 1


def test_the_current_version_is_accepted(mission: Mission) -> None:
    alert = log(mission)

    result = services.alert_acknowledge(
        alert_id=alert.pk, user=mission.force, version=alert.version
    )

    assert result.version == alert.version + 1


def test_a_force_officer_of_another_sector_gets_not_found(mission: Mission) -> None:
    alert = log(mission)
    officer_b = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)

    with pytest.raises(Http404):
        services.alert_acknowledge(alert_id=alert.pk, user=officer_b)

    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


@pytest.mark.parametrize("role", ["cla", "coordinator"])
def test_clas_and_coordinators_cannot_act_on_the_queue(mission: Mission, role: str) -> None:
    alert = log(mission)

    with pytest.raises(PermissionRefused) as caught:
        services.alert_acknowledge(alert_id=alert.pk, user=mission.user(role))

    assert caught.value.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


def test_a_cla_of_another_location_gets_not_found(mission: Mission) -> None:
    alert = log(mission)

    with pytest.raises(Http404):
        services.alert_acknowledge(alert_id=alert.pk, user=mission.cla_b)


def test_hq_staff_may_act_on_any_queue(mission: Mission) -> None:
    alert = log(mission)

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.hq)

    assert result.status == Alert.Status.ACKNOWLEDGED
    assert result.events.get(kind="acknowledged").actor == mission.hq


@pytest.mark.parametrize("note", ["", "   "])
def test_reopening_requires_a_note(mission: Mission, note: str) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, "closed")

    with pytest.raises(DomainError) as caught:
        services.alert_reopen(alert_id=alert.pk, user=mission.force, note=note)

    assert caught.value.field == "note"
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.CLOSED


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (
            lambda a, u: services.alert_request_triangulation(alert_id=a, user=u, method="drone"),
            "method",
        ),
        (
            lambda a, u: services.alert_record_outcome(alert_id=a, user=u, outcome="maybe"),
            "outcome",
        ),
        (
            lambda a, u: services.alert_record_response(alert_id=a, user=u, response="airstrike"),
            "response",
        ),
    ],
)
def test_an_unknown_choice_is_refused_naming_the_field(
    mission: Mission, action: object, field: str
) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, "acknowledged")

    with pytest.raises(DomainError) as caught:
        action(alert.pk, mission.force)

    assert caught.value.field == field


# --- escalation -----------------------------------------------------------------------------


def test_an_unacknowledged_immediate_alert_escalates_once_past_the_limit(
    mission: Mission,
) -> None:
    alert = log(mission, urgency="Immediate")
    later = alert.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes + 1)

    first = services.alert_escalate_overdue(now=later)
    second = services.alert_escalate_overdue(now=later + dt.timedelta(minutes=5))

    assert (first, second) == ({"escalated": 1}, {"escalated": 0})
    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert event.data["senior_officer_id"] == mission.force.pk
    [message] = [m for m in mail.outbox if "ESCALATED" in m.subject]
    assert message.to == [mission.force.email]
    assert alert.reference in message.subject
    assert Alert.objects.get(pk=alert.pk).escalated_at == later


def test_an_immediate_alert_does_not_escalate_before_the_limit(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    sooner = alert.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes - 1)

    assert services.alert_escalate_overdue(now=sooner) == {"escalated": 0}
    assert not alert.events.filter(kind=AlertEvent.Kind.ESCALATED).exists()


def test_an_acknowledged_alert_does_not_escalate(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    later = alert.routed_at + dt.timedelta(hours=2)

    assert services.alert_escalate_overdue(now=later) == {"escalated": 0}
    assert mail.outbox == []


def test_an_expected_alert_does_not_escalate(mission: Mission) -> None:
    alert = log(mission, urgency="Expected", severity="Extreme")
    mail.outbox.clear()

    later = alert.routed_at + dt.timedelta(hours=2)

    assert services.alert_escalate_overdue(now=later) == {"escalated": 0}


def test_the_limit_is_the_one_of_the_alerts_queue(mission: Mission) -> None:
    mission.queue_a.ack_limit_minutes = 60
    mission.queue_a.save()
    alert = log(mission, urgency="Immediate")

    at_30 = services.alert_escalate_overdue(now=alert.routed_at + dt.timedelta(minutes=30))
    at_61 = services.alert_escalate_overdue(now=alert.routed_at + dt.timedelta(minutes=61))

    assert (at_30, at_61) == ({"escalated": 0}, {"escalated": 1})


def test_an_escalated_alert_can_still_be_acknowledged(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    services.alert_escalate_overdue(now=alert.routed_at + dt.timedelta(hours=1))

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    assert result.status == Alert.Status.ACKNOWLEDGED


def test_a_resubmission_differing_in_seconds_and_spaces_is_the_same_payload(
    mission: Mission,
) -> None:
    data = make_input(mission, occurred_at=timezone.now().replace(second=5) - dt.timedelta(hours=1))
    first, _created = services.alert_create(user=mission.cla, data=data, client_key="k-1")
    resubmitted = dataclasses.replace(
        data,
        occurred_at=data.occurred_at.replace(second=40),
        description=f"  {data.description}\n",
    )

    again, created = services.alert_create(user=mission.cla, data=resubmitted, client_key="k-1")

    assert (again.pk, created) == (first.pk, False)
