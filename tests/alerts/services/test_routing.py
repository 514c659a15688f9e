"""alerts.services.routing: queues, duplicates, the flash procedure, and the sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from alerts import services, tasks, texts
from alerts.models import Alert, AlertDispatch, AlertEvent, AlertLink, RoutingRule
from alerts.texts import link_reason
from reporting import tasks as reporting_tasks
from reporting.models import Report
from tests import factories as f
from tests.alerts.support import category, flash_emails, log, make_input
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


# --- routing rules ------------------------------------------------------------------------


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


# --- duplicates ---------------------------------------------------------------------------


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
    assert link.reason == texts.WITHIN_5KM_24H
    assert link_reason(link.reason) == "within 5 km within 24 hours"


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


# --- flash procedure ----------------------------------------------------------------------


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


def test_routing_an_immediate_alert_twice_opens_one_report(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")

    services.alert_route(alert_id=alert.pk)

    assert Report.objects.filter(kind=Report.Kind.FLASH, alert=alert).count() == 1


def test_the_flash_digest_is_compiled_once_the_routing_is_committed(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    alert = log(mission, route=False, urgency="Immediate")

    with django_capture_on_commit_callbacks(execute=True):
        services.alert_route(alert_id=alert.pk)

    written = Report.objects.get(kind=Report.Kind.FLASH, origin=Report.Origin.WRITTEN)
    compiled = Report.objects.get(kind=Report.Kind.FLASH, origin=Report.Origin.COMPILED)
    assert written.alert == alert
    assert compiled.sector == mission.sector_a
    assert len(flash_emails()) == 1


def test_a_flash_report_that_cannot_open_undoes_the_routing(mission: Mission) -> None:
    alert = log(mission, route=False, severity="Extreme")

    with (
        mock.patch("reporting.receivers.flash_report_open", side_effect=RuntimeError("disk")),
        pytest.raises(RuntimeError),
    ):
        services.alert_route(alert_id=alert.pk)

    alert.refresh_from_db()
    assert (alert.status, alert.queue) == (Alert.Status.NEW, None)
    assert AlertDispatch.objects.get(alert=alert).state == AlertDispatch.State.PENDING


def test_a_broker_down_at_the_flash_digest_leaves_routing_and_notification_done(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    alert = log(mission, route=False, urgency="Immediate")

    with (
        mock.patch.object(
            reporting_tasks.compile_flash_digest, "delay", side_effect=ConnectionError("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.alert_route(alert_id=alert.pk)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert Report.objects.filter(kind=Report.Kind.FLASH, alert=alert).exists()
    assert not Report.objects.filter(origin=Report.Origin.COMPILED).exists()
    assert len(flash_emails()) == 1


def test_a_broker_down_at_the_flash_notification_leaves_it_to_the_sweep(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    alert = log(mission, route=False, urgency="Immediate")

    with (
        mock.patch.object(tasks.notify_flash_alert, "delay", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.alert_route(alert_id=alert.pk)

    assert flash_emails() == []
    Alert.objects.filter(pk=alert.pk).update(routed_at=timezone.now() - dt.timedelta(minutes=2))
    assert services.alert_dispatch_sweep()["notified"] == 1
    assert len(flash_emails()) == 1


# --- sweep --------------------------------------------------------------------------------


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
