"""Written reports: opening, editing, submitting and reviewing them, and what is late."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections
from django.http import Http404

from clas.models import Deployment, Role, User
from core.exceptions import DomainError, InvalidTransition
from reporting.models import Report
from reporting.selectors import report_due_at, reports_overdue, reports_pending
from reporting.services import (
    PermissionRefused,
    flash_report_open,
    report_create,
    report_review,
    report_submit,
    report_update,
)
from tests import factories as f
from tests.conftest import Mission

DAY = dt.date(2026, 6, 10)  # a Wednesday
MONDAY = dt.date(2026, 6, 8)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant of a mission day, mission time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


NOW = at(DAY, 20)


@pytest.fixture(autouse=True)
def deployed_since_spring(db: None) -> None:
    """Every CLA of the mission fixture arrived well before DAY, whatever today is."""
    Deployment.objects.update(start_date=DAY - dt.timedelta(days=60))


def coordinator_of(office: object) -> User:
    return f.UserFactory(role=Role.COORDINATOR, field_office=office)


def open_daily(mission: Mission, day: dt.date = DAY, **content: str) -> Report:
    values = {"security_level": "calm", "key_events": "Market day, nothing to report.", **content}
    return report_create(
        user=mission.cla,
        kind=Report.Kind.DAILY,
        location_id=mission.base_a.pk,
        period_start=day,
        now=NOW,
        **values,
    )


def submitted_daily(mission: Mission, day: dt.date = DAY) -> Report:
    report = open_daily(mission, day)
    return report_submit(user=mission.cla, report_id=report.pk, now=NOW)


# --- opening a report ---------------------------------------------------------------------


def test_a_cla_opens_a_daily_report_of_their_location_as_a_draft(mission: Mission) -> None:
    report = open_daily(mission)

    assert report.status == Report.Status.DRAFT
    assert report.origin == Report.Origin.WRITTEN
    assert report.scope == Report.Scope.LOCATION
    assert report.location == mission.base_a
    assert report.author == mission.cla
    assert (report.period_start, report.period_end) == (DAY, DAY)
    # Named by the system: stored in the report language, read in the reader's.
    assert report.title == "Rapport de situation quotidien - Ippy - 2026-06-10"
    assert report.display_title == "Daily situation report - Ippy - 2026-06-10"
    assert report.due_at == at(DAY + dt.timedelta(days=1), 9)


def test_the_day_s_alerts_of_the_location_are_attached_in_mission_time(mission: Mission) -> None:
    morning = f.AlertFactory(location=mission.base_a, reported_at=at(DAY, 8))
    late_evening = f.AlertFactory(location=mission.base_a, reported_at=at(DAY, 23, 30))
    f.AlertFactory(location=mission.base_a, reported_at=at(DAY + dt.timedelta(days=1), 0, 30))
    f.AlertFactory(location=mission.base_a, reported_at=at(DAY, 0) - dt.timedelta(minutes=1))
    f.AlertFactory(location=mission.base_b, reported_at=at(DAY, 10))

    report = open_daily(mission)

    assert set(report.alerts.all()) == {morning, late_evening}


def test_a_cla_cannot_write_for_a_location_they_are_not_deployed_to(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        report_create(
            user=mission.cla,
            kind=Report.Kind.DAILY,
            location_id=mission.base_b.pk,
            period_start=DAY,
            now=NOW,
        )

    assert refused.value.field == "location"
    assert "deployed to" in refused.value.message
    assert not Report.objects.exists()


def test_a_cla_whose_deployment_ended_cannot_write_for_that_location(mission: Mission) -> None:
    Deployment.objects.filter(cla__user=mission.cla).update(end_date=DAY - dt.timedelta(days=1))

    with pytest.raises(DomainError) as refused:
        open_daily(mission)

    assert refused.value.field == "location"


def test_a_report_of_a_day_before_the_cla_arrived_is_refused(mission: Mission) -> None:
    Deployment.objects.filter(cla__user=mission.cla).update(start_date=DAY)

    with pytest.raises(DomainError) as refused:
        open_daily(mission, DAY - dt.timedelta(days=1))

    assert refused.value.field == "period_start"
    assert "not deployed to Ippy yet" in refused.value.message


@pytest.mark.parametrize("role", ["coordinator", "hq", "force"])
def test_only_clas_open_daily_reports(mission: Mission, role: str) -> None:
    with pytest.raises(PermissionRefused):
        report_create(
            user=mission.user(role),
            kind=Report.Kind.DAILY,
            location_id=mission.base_a.pk,
            period_start=DAY,
            now=NOW,
        )


def test_a_report_of_a_future_day_is_refused(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        open_daily(mission, DAY + dt.timedelta(days=1))

    assert refused.value.field == "period_start"
    assert "future" in refused.value.message


def test_a_second_daily_report_for_the_same_day_and_location_is_refused(mission: Mission) -> None:
    open_daily(mission)
    colleague = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(
        cla=f.CLAFactory(user=colleague),
        location=mission.base_a,
        start_date=DAY - dt.timedelta(days=5),
    )

    with pytest.raises(DomainError) as refused:
        report_create(
            user=colleague,
            kind=Report.Kind.DAILY,
            location_id=mission.base_a.pk,
            period_start=DAY,
            now=NOW,
        )

    assert refused.value.field == "period_start"
    assert "already exists" in refused.value.message
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
def test_two_clas_opening_the_same_day_at_once_get_one_report_and_one_clear_refusal(
    mission: Mission,
) -> None:
    colleague = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(
        cla=f.CLAFactory(user=colleague),
        location=mission.base_a,
        start_date=DAY - dt.timedelta(days=5),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def open_as(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            report_create(
                user=user,
                kind=Report.Kind.DAILY,
                location_id=mission.base_a.pk,
                period_start=DAY,
                now=NOW,
            )
            outcomes.append("created")
        except DomainError as exc:
            outcomes.append(exc.field or "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_as, args=(u,)) for u in (mission.cla, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "period_start"]
    assert Report.objects.count() == 1


def test_the_next_day_s_report_is_a_new_one(mission: Mission) -> None:
    open_daily(mission, DAY - dt.timedelta(days=1))

    assert open_daily(mission).period_start == DAY


@pytest.mark.parametrize("kind", [Report.Kind.FLASH, Report.Kind.ANNUAL, "monthly"])
def test_only_daily_and_weekly_reports_are_opened_by_hand(mission: Mission, kind: str) -> None:
    with pytest.raises(DomainError) as refused:
        report_create(
            user=mission.cla,
            kind=kind,
            location_id=mission.base_a.pk,
            period_start=DAY,
            now=NOW,
        )

    assert refused.value.field == "kind"


def test_a_weekly_analysis_covers_monday_to_sunday(mission: Mission) -> None:
    sunday_alert = f.AlertFactory(
        location=mission.base_a, reported_at=at(MONDAY + dt.timedelta(days=6), 22)
    )
    f.AlertFactory(location=mission.base_a, reported_at=at(MONDAY + dt.timedelta(days=7), 8))

    report = report_create(
        user=mission.cla,
        kind=Report.Kind.WEEKLY,
        location_id=mission.base_a.pk,
        period_start=MONDAY,
        narrative="Tension is rising around the market.",
        now=NOW,
    )

    assert report.period_end == dt.date(2026, 6, 14)
    assert report.due_at == at(dt.date(2026, 6, 15), 9)
    assert list(report.alerts.all()) == [sunday_alert]


def test_a_weekly_analysis_must_start_on_a_monday(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        report_create(
            user=mission.cla,
            kind=Report.Kind.WEEKLY,
            location_id=mission.base_a.pk,
            period_start=DAY,
            now=NOW,
        )

    assert refused.value.field == "period_start"
    assert "Monday" in refused.value.message


def test_a_weekly_analysis_with_another_end_is_refused(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        report_create(
            user=mission.cla,
            kind=Report.Kind.WEEKLY,
            location_id=mission.base_a.pk,
            period_start=MONDAY,
            period_end=MONDAY + dt.timedelta(days=4),
            now=NOW,
        )

    assert refused.value.field == "period_end"


def test_a_daily_report_covers_one_day(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        report_create(
            user=mission.cla,
            kind=Report.Kind.DAILY,
            location_id=mission.base_a.pk,
            period_start=DAY - dt.timedelta(days=1),
            period_end=DAY,
            now=NOW,
        )

    assert refused.value.field == "period_end"


def test_a_daily_and_a_weekly_report_may_start_the_same_day(mission: Mission) -> None:
    open_daily(mission, MONDAY)

    weekly = report_create(
        user=mission.cla,
        kind=Report.Kind.WEEKLY,
        location_id=mission.base_a.pk,
        period_start=MONDAY,
        now=NOW,
    )

    assert weekly.kind == Report.Kind.WEEKLY


def test_an_unknown_security_level_is_refused(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        open_daily(mission, security_level="apocalyptic")

    assert refused.value.field == "security_level"


def test_text_longer_than_the_field_allows_is_refused(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        open_daily(mission, needs="x" * 5001)

    assert refused.value.field == "needs"
    assert not Report.objects.exists()


# --- editing and submitting ---------------------------------------------------------------


def test_the_author_edits_a_draft_and_alerts_logged_since_are_attached(mission: Mission) -> None:
    report = open_daily(mission)
    later = f.AlertFactory(location=mission.base_a, reported_at=at(DAY, 21))

    report = report_update(user=mission.cla, report_id=report.pk, needs="Phone credit")

    report.refresh_from_db()
    assert report.needs == "Phone credit"
    assert report.key_events == "Market day, nothing to report."
    assert list(report.alerts.all()) == [later]


def test_another_cla_of_the_location_cannot_edit_the_report(mission: Mission) -> None:
    report = open_daily(mission)
    colleague = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=colleague), location=mission.base_a)

    with pytest.raises(PermissionRefused):
        report_update(user=colleague, report_id=report.pk, needs="Fuel")


def test_the_coordinator_cannot_edit_or_submit_a_cla_s_report(mission: Mission) -> None:
    report = open_daily(mission)

    with pytest.raises(PermissionRefused):
        report_update(user=mission.coordinator, report_id=report.pk, needs="Fuel")
    with pytest.raises(PermissionRefused):
        report_submit(user=mission.coordinator, report_id=report.pk)


def test_a_report_outside_the_user_s_scope_is_not_found(mission: Mission) -> None:
    report = open_daily(mission)

    with pytest.raises(Http404):
        report_update(user=mission.cla_b, report_id=report.pk, needs="Fuel")
    with pytest.raises(Http404):
        report_submit(user=mission.cla_b, report_id=report.pk)


def test_submitting_sets_the_time_and_attaches_the_period_s_alerts(mission: Mission) -> None:
    report = open_daily(mission)
    alert = f.AlertFactory(location=mission.base_a, reported_at=at(DAY, 19))

    report = report_submit(user=mission.cla, report_id=report.pk, now=NOW)

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_at == NOW
    assert list(report.alerts.all()) == [alert]


@pytest.mark.parametrize(
    ("missing", "field"),
    [({"security_level": ""}, "security_level"), ({"key_events": "  "}, "key_events")],
)
def test_an_incomplete_daily_report_cannot_be_submitted(
    mission: Mission, missing: dict[str, str], field: str
) -> None:
    report = open_daily(mission, **missing)

    with pytest.raises(DomainError) as refused:
        report_submit(user=mission.cla, report_id=report.pk)

    assert refused.value.field == field
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_a_weekly_analysis_needs_its_analysis_to_be_submitted(mission: Mission) -> None:
    report = report_create(
        user=mission.cla,
        kind=Report.Kind.WEEKLY,
        location_id=mission.base_a.pk,
        period_start=MONDAY,
        now=NOW,
    )

    with pytest.raises(DomainError) as refused:
        report_submit(user=mission.cla, report_id=report.pk)

    assert refused.value.field == "narrative"


def test_a_submitted_report_can_no_longer_be_changed_or_submitted(mission: Mission) -> None:
    report = submitted_daily(mission)

    with pytest.raises(InvalidTransition):
        report_update(user=mission.cla, report_id=report.pk, needs="Fuel")
    with pytest.raises(InvalidTransition):
        report_submit(user=mission.cla, report_id=report.pk)


def test_a_compiled_report_cannot_be_edited_or_submitted(mission: Mission) -> None:
    compiled = f.ReportFactory(
        origin=Report.Origin.COMPILED,
        scope=Report.Scope.MISSION,
        location=None,
        status=Report.Status.PUBLISHED,
    )

    with pytest.raises(Http404):
        report_update(user=mission.hq, report_id=compiled.pk, needs="x")
    with pytest.raises(Http404):
        report_review(user=mission.hq, report_id=compiled.pk, decision="accept")


# --- review -------------------------------------------------------------------------------


def test_the_coordinator_of_the_area_accepts_a_submitted_report(mission: Mission) -> None:
    report = submitted_daily(mission)

    report = report_review(
        user=mission.coordinator, report_id=report.pk, decision="accept", now=NOW
    )

    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.reviewed_by == mission.coordinator
    assert report.reviewed_at == NOW


def test_returning_a_report_requires_a_comment(mission: Mission) -> None:
    report = submitted_daily(mission)

    with pytest.raises(DomainError) as refused:
        report_review(user=mission.coordinator, report_id=report.pk, decision="return", comment=" ")

    assert refused.value.field == "comment"
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_returned_report_is_corrected_and_submitted_again(mission: Mission) -> None:
    report = submitted_daily(mission)

    report_review(
        user=mission.coordinator,
        report_id=report.pk,
        decision="return",
        comment="Say which villages the men came from.",
    )
    report_update(user=mission.cla, report_id=report.pk, key_events="Men from Zeré and Bakala.")
    report = report_submit(user=mission.cla, report_id=report.pk, now=NOW)
    report = report_review(user=mission.coordinator, report_id=report.pk, decision="accept")

    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.key_events == "Men from Zeré and Bakala."


def test_hq_may_review_any_report(mission: Mission) -> None:
    report = submitted_daily(mission)

    report = report_review(user=mission.hq, report_id=report.pk, decision="accept")

    assert report.status == Report.Status.ACCEPTED


def test_a_coordinator_of_another_field_office_cannot_see_the_report(mission: Mission) -> None:
    report = submitted_daily(mission)

    with pytest.raises(Http404):
        report_review(user=coordinator_of(mission.office_b), report_id=report.pk, decision="accept")
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


@pytest.mark.parametrize("role", ["cla"])
def test_a_cla_cannot_review(mission: Mission, role: str) -> None:
    report = submitted_daily(mission)

    with pytest.raises(PermissionRefused):
        report_review(user=mission.user(role), report_id=report.pk, decision="accept")


def test_a_force_officer_does_not_see_written_reports(mission: Mission) -> None:
    report = submitted_daily(mission)

    with pytest.raises(Http404):
        report_review(user=mission.force, report_id=report.pk, decision="accept")


@pytest.mark.parametrize(
    "status", [Report.Status.DRAFT, Report.Status.ACCEPTED, Report.Status.RETURNED]
)
def test_only_a_submitted_report_can_be_reviewed(mission: Mission, status: str) -> None:
    report = open_daily(mission)
    Report.objects.filter(pk=report.pk).update(status=status)

    with pytest.raises(InvalidTransition):
        report_review(user=mission.coordinator, report_id=report.pk, decision="accept")


def test_an_unknown_decision_is_refused(mission: Mission) -> None:
    report = submitted_daily(mission)

    with pytest.raises(DomainError) as refused:
        report_review(user=mission.coordinator, report_id=report.pk, decision="maybe")

    assert refused.value.field == "decision"


def test_nobody_reviews_their_own_report(mission: Mission) -> None:
    alert = f.AlertFactory(location=mission.base_a, logged_by=mission.coordinator)
    report = flash_report_open(alert=alert)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.SUBMITTED, security_level="critical"
    )

    with pytest.raises(PermissionRefused) as refused:
        report_review(user=mission.coordinator, report_id=report.pk, decision="accept")

    assert "your own" in refused.value.message


# --- flash reports ------------------------------------------------------------------------


def test_the_cla_completes_and_submits_the_flash_report_of_their_alert(mission: Mission) -> None:
    alert = f.AlertFactory(location=mission.base_a, logged_by=mission.cla)
    f.AlertFactory(location=mission.base_a, reported_at=alert.reported_at)
    report = flash_report_open(alert=alert)
    assert report.key_events == alert.description

    report_update(user=mission.cla, report_id=report.pk, security_level="critical")
    report = report_submit(user=mission.cla, report_id=report.pk)

    assert report.status == Report.Status.SUBMITTED
    assert list(report.alerts.all()) == [alert]


# --- what is due and what is late ---------------------------------------------------------


def _overdue(user: User, day: dt.date = DAY, now: dt.datetime = NOW) -> set[tuple]:
    return {
        (p.location.name, p.kind, p.period_start)
        for p in reports_overdue(user=user, day=day, now=now)
    }


def test_a_daily_report_not_submitted_by_9_the_next_morning_is_late(mission: Mission) -> None:
    yesterday = DAY - dt.timedelta(days=1)
    submitted_daily(mission, yesterday)

    late = _overdue(mission.hq, DAY, at(DAY, 10))

    assert ("Baboua", "daily", yesterday) in late
    assert ("Ippy", "daily", yesterday) not in late
    assert ("Ippy", "daily", DAY) not in late  # due tomorrow morning
    assert not any(name in ("Bambari", "Bouar") for name, *_ in late)  # nobody deployed


def test_before_9_yesterday_s_report_is_due_not_late(mission: Mission) -> None:
    yesterday = DAY - dt.timedelta(days=1)

    pending = {
        (p.location.name, p.period_start): p.is_late
        for p in reports_pending(user=mission.cla, day=DAY, now=at(DAY, 8, 59))
    }

    assert pending[("Ippy", yesterday)] is False
    assert pending[("Ippy", DAY)] is False
    assert pending[("Ippy", DAY - dt.timedelta(days=2))] is True
    assert report_due_at(yesterday) == at(DAY, 9)


def test_the_overdue_list_looks_back_seven_days(mission: Mission) -> None:
    late = _overdue(mission.cla)

    assert {day for _name, _kind, day in late} == {DAY - dt.timedelta(days=n) for n in range(1, 7)}


def test_a_draft_not_submitted_is_late_and_points_to_the_draft(mission: Mission) -> None:
    draft = open_daily(mission, DAY - dt.timedelta(days=2))

    rows = [p for p in reports_overdue(user=mission.cla, day=DAY, now=NOW) if p.report]

    assert [row.report.pk for row in rows] == [draft.pk]


def test_returned_and_accepted_reports_count_as_delivered(mission: Mission) -> None:
    first = submitted_daily(mission, DAY - dt.timedelta(days=1))
    second = submitted_daily(mission, DAY - dt.timedelta(days=2))
    report_review(user=mission.coordinator, report_id=first.pk, decision="return", comment="More.")
    report_review(user=mission.coordinator, report_id=second.pk, decision="accept")

    late = _overdue(mission.cla)

    assert ("Ippy", "daily", first.period_start) not in late
    assert ("Ippy", "daily", second.period_start) not in late


def test_no_report_is_expected_before_a_cla_arrives_or_after_they_leave(mission: Mission) -> None:
    Deployment.objects.filter(cla__user=mission.cla).update(
        start_date=DAY - dt.timedelta(days=3), end_date=DAY - dt.timedelta(days=2)
    )

    late = {day for name, _kind, day in _overdue(mission.hq) if name == "Ippy"}

    assert late == {DAY - dt.timedelta(days=3), DAY - dt.timedelta(days=2)}


def test_one_daily_report_is_expected_per_location_whatever_the_number_of_clas(
    mission: Mission,
) -> None:
    f.DeploymentFactory(
        cla=f.CLAFactory(), location=mission.base_a, start_date=DAY - dt.timedelta(days=30)
    )

    rows = [
        p
        for p in reports_overdue(user=mission.hq, day=DAY, now=NOW)
        if p.location == mission.base_a
    ]

    assert len(rows) == 6


def test_a_flash_report_not_submitted_within_the_hour_is_late(mission: Mission) -> None:
    late = f.ReportFactory(
        kind=Report.Kind.FLASH,
        location=mission.base_a,
        period_start=DAY,
        period_end=DAY,
        due_at=at(DAY, 18),
        title="Flash late",
    )
    f.ReportFactory(
        kind=Report.Kind.FLASH,
        location=mission.base_a,
        period_start=DAY,
        period_end=DAY,
        due_at=at(DAY, 17),
        status=Report.Status.SUBMITTED,
        title="Flash sent",
    )
    not_yet = f.ReportFactory(
        kind=Report.Kind.FLASH,
        location=mission.base_a,
        period_start=DAY,
        period_end=DAY,
        due_at=at(DAY, 20, 30),
        title="Flash due soon",
    )

    flash = {
        p.report.title: p.is_late
        for p in reports_pending(user=mission.cla, day=DAY, now=NOW)
        if p.kind == Report.Kind.FLASH
    }

    assert flash == {late.title: True, not_yet.title: False}
    assert [
        p.report for p in reports_overdue(user=mission.cla, day=DAY, now=NOW) if p.kind == "flash"
    ] == [late]


def test_a_past_day_is_seen_as_at_its_end(mission: Mission) -> None:
    past = DAY - dt.timedelta(days=3)

    late = {day for name, _kind, day in _overdue(mission.cla, past, NOW)}

    assert max(late) == past - dt.timedelta(days=1)


def test_late_reports_are_scoped_like_the_locations(mission: Mission) -> None:
    def names(user: User) -> set[str]:
        return {name for name, _kind, _day in _overdue(user)}

    assert names(mission.hq) == {"Ippy", "Baboua"}
    assert names(mission.coordinator) == {"Ippy"}
    assert names(coordinator_of(mission.office_b)) == {"Baboua"}
    assert names(mission.cla) == {"Ippy"}
    assert names(mission.force) == set()


def test_an_inactive_location_expects_no_report(mission: Mission) -> None:
    mission.base_b.is_active = False
    mission.base_b.save()

    assert "Baboua" not in {name for name, _kind, _day in _overdue(mission.hq)}
