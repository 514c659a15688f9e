"""On-duty rotas: who is on duty at a moment (shift boundaries in mission time), the rules of
planning a shift, and who escalation and the flash email tell first."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from alerts import services
from alerts.models import AlertEvent, DutyShift
from alerts.selectors import queues_without_duty
from alerts.services import rota
from alerts.services.rota import ShiftInput
from clas.models import Role, User
from core.exceptions import PermissionRefused
from tests import factories as f
from tests.alerts.support import flash_emails, log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

BANGUI = ZoneInfo("Africa/Bangui")  # UTC+1 all year


def bangui(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026 on the mission's wall clock."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BANGUI)


# Before every shift of these tests: none of them is over or started.
BEFORE = bangui(1, 8)


@pytest.fixture
def second(mission: Mission) -> User:
    """A second officer of queue A."""
    officer = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(officer)
    return officer


def plan(
    mission: Mission,
    officer: User,
    starts: dt.datetime,
    ends: dt.datetime,
    *,
    note: str = "",
    now: dt.datetime = BEFORE,
    user: User | None = None,
) -> DutyShift:
    return rota.shift_create(
        user=user or mission.force,
        queue_id=mission.queue_a.pk,
        data=ShiftInput(officer.pk, starts, ends, note),
        now=now,
    )


def errors(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# --- who is on duty -----------------------------------------------------------------------


def test_a_night_shift_across_the_utc_date_starts_exactly_and_ends_just_before_its_end(
    mission: Mission,
) -> None:
    # 22:00 to 06:00 in Bangui is 21:00 to 05:00 UTC; 00:30 in Bangui is still the 1st in UTC.
    night = plan(mission, mission.force, bangui(1, 22), bangui(2, 6))
    queue = mission.queue_a

    assert night.starts_at == dt.datetime(2026, 3, 1, 21, tzinfo=dt.UTC)
    assert rota.duty_officer(queue, bangui(1, 21, 59)) is None
    assert rota.duty_officer(queue, bangui(1, 22)) == mission.force
    assert rota.duty_officer(queue, dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)) == mission.force
    assert rota.duty_officer(queue, bangui(2, 6) - dt.timedelta(microseconds=1)) == mission.force
    assert rota.duty_officer(queue, bangui(2, 6)) is None


def test_shifts_that_meet_hand_over_at_the_exact_minute(mission: Mission, second: User) -> None:
    plan(mission, mission.force, bangui(1, 18), bangui(2, 6))
    plan(mission, second, bangui(2, 6), bangui(2, 18))

    assert rota.duty_officer(mission.queue_a, bangui(2, 5, 59)) == mission.force
    assert rota.duty_officer(mission.queue_a, bangui(2, 6)) == second
    assert DutyShift.objects.count() == 2


def test_nobody_is_on_duty_once_the_officer_leaves_the_queue_or_is_deactivated(
    mission: Mission, second: User
) -> None:
    plan(mission, second, bangui(1, 18), bangui(2, 6))
    at = bangui(1, 20)
    assert rota.duty_officer(mission.queue_a, at) == second

    mission.queue_a.officers.remove(second)
    assert rota.duty_officer(mission.queue_a, at) is None

    mission.queue_a.officers.add(second)
    User.objects.filter(pk=second.pk).update(is_active=False)
    assert rota.duty_officer(mission.queue_a, at) is None


def test_hq_sees_the_queues_with_nobody_on_duty_and_when_the_next_shift_starts(
    mission: Mission,
) -> None:
    plan(mission, mission.force, bangui(1, 18), bangui(2, 6))
    plan(mission, mission.force, bangui(2, 18), bangui(3, 6))

    at_night = queues_without_duty(user=mission.hq, at=bangui(1, 23))
    assert [q.code for q in at_night] == ["sb-default"]
    assert at_night[0].next_shift_at is None

    by_day = {
        q.code: q.next_shift_at for q in queues_without_duty(user=mission.hq, at=bangui(2, 9))
    }
    assert by_day == {"sa-default": bangui(2, 18), "sb-default": None}
    # A Force officer's scope is their sector.
    assert [q.code for q in queues_without_duty(user=mission.force, at=bangui(2, 9))] == [
        "sa-default"
    ]


# --- planning shifts ----------------------------------------------------------------------


def test_an_overlapping_shift_is_refused_naming_the_other_officer_and_times(
    mission: Mission, second: User
) -> None:
    plan(mission, mission.force, bangui(1, 22), bangui(2, 6))

    with pytest.raises(ValidationError) as caught:
        plan(mission, second, bangui(2, 5), bangui(2, 17))

    message = errors(caught)["starts_at"][0]
    assert mission.force.get_full_name() in message
    assert "2026-03-01 22:00" in message and "2026-03-02 06:00" in message
    assert DutyShift.objects.count() == 1


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (bangui(2, 6), bangui(2, 6), "ends_at"),  # empty
        (bangui(2, 6), bangui(1, 22), "ends_at"),  # backwards
        (bangui(2, 6), bangui(3, 6, 1), "ends_at"),  # over 24 hours
        (bangui(1, 2), bangui(1, 7), "ends_at"),  # over before it is planned
        (None, bangui(2, 6), "starts_at"),
    ],
)
def test_a_shift_that_is_empty_too_long_or_over_is_refused(
    mission: Mission, starts: dt.datetime | None, ends: dt.datetime, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        plan(mission, mission.force, starts, ends)  # type: ignore[arg-type]

    assert set(errors(caught)) == {field}
    assert not DutyShift.objects.exists()


def test_a_shift_of_exactly_24_hours_is_allowed(mission: Mission) -> None:
    plan(mission, mission.force, bangui(2, 6), bangui(3, 6))

    assert DutyShift.objects.count() == 1


def test_the_database_refuses_a_shift_that_ends_before_it_starts(mission: Mission) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyShift.objects.create(
            queue=mission.queue_a,
            officer=mission.force,
            starts_at=bangui(2, 6),
            ends_at=bangui(2, 6),
        )


def test_only_an_active_officer_of_the_queue_can_be_on_duty(mission: Mission) -> None:
    same_sector = f.UserFactory(username="force-a3", role=Role.FORCE, sector=mission.sector_a)
    gone = f.UserFactory(username="force-gone", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(gone)
    User.objects.filter(pk=gone.pk).update(is_active=False)

    for officer in (same_sector, gone, mission.cla):
        with pytest.raises(ValidationError) as caught:
            plan(mission, officer, bangui(2, 6), bangui(2, 18))
        assert set(errors(caught)) == {"officer"}
    assert not DutyShift.objects.exists()


def test_a_shift_that_is_over_keeps_everything_but_its_note(mission: Mission, second: User) -> None:
    shift = plan(mission, mission.force, bangui(1, 18), bangui(2, 6))
    later = bangui(2, 7)

    with pytest.raises(ValidationError) as caught:
        rota.shift_update(
            user=mission.force,
            shift_id=shift.pk,
            data=ShiftInput(second.pk, shift.starts_at, bangui(2, 8), "x"),
            now=later,
        )
    assert set(errors(caught)) == {"officer", "ends_at"}

    rota.shift_update(
        user=mission.force,
        shift_id=shift.pk,
        data=ShiftInput(shift.officer_id, shift.starts_at, shift.ends_at, "Quiet night."),
        now=later,
    )
    shift.refresh_from_db()
    assert (shift.officer_id, shift.ends_at, shift.handover_note) == (
        mission.force.pk,
        bangui(2, 6),
        "Quiet night.",
    )


def test_a_started_shift_keeps_its_officer_and_start_but_can_end_now(
    mission: Mission, second: User
) -> None:
    shift = plan(mission, mission.force, bangui(1, 18), bangui(2, 6))
    during = bangui(1, 23, 10)

    with pytest.raises(ValidationError) as caught:
        rota.shift_update(
            user=mission.force,
            shift_id=shift.pk,
            data=ShiftInput(second.pk, bangui(1, 19), bangui(2, 6)),
            now=during,
        )
    assert set(errors(caught)) == {"officer", "starts_at"}

    rota.shift_update(
        user=mission.force,
        shift_id=shift.pk,
        data=ShiftInput(mission.force.pk, shift.starts_at, bangui(1, 23, 10)),
        now=during,
    )
    shift.refresh_from_db()
    assert shift.ends_at == bangui(1, 23, 10)


def test_only_a_shift_not_yet_started_is_taken_off_the_rota(mission: Mission) -> None:
    shift = plan(mission, mission.force, bangui(1, 18), bangui(2, 6))

    for now in (bangui(1, 19), bangui(2, 7)):
        with pytest.raises(ValidationError):
            rota.shift_delete(user=mission.force, shift_id=shift.pk, now=now)
        assert DutyShift.objects.filter(pk=shift.pk).exists()

    rota.shift_delete(user=mission.force, shift_id=shift.pk, now=bangui(1, 17))
    assert not DutyShift.objects.exists()


def test_a_shift_deleted_meanwhile_is_a_404_not_a_500(mission: Mission) -> None:
    shift = plan(mission, mission.force, bangui(1, 18), bangui(2, 6))
    rota.shift_delete(user=mission.force, shift_id=shift.pk, now=bangui(1, 17))

    with pytest.raises(Http404):
        rota.shift_delete(user=mission.force, shift_id=shift.pk, now=bangui(1, 17))
    with pytest.raises(Http404):
        rota.shift_update(
            user=mission.force,
            shift_id=shift.pk,
            data=ShiftInput(
                officer_id=mission.force.pk,
                starts_at=bangui(1, 18),
                ends_at=bangui(2, 6),
                handover_note="",
            ),
            now=bangui(1, 17),
        )


def test_the_queue_s_officers_senior_officer_and_admins_plan_its_rota(
    mission: Mission, second: User
) -> None:
    senior = f.UserFactory(username="force-senior", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.senior_officer = senior
    mission.queue_a.save()
    planners = [second, senior, mission.admin]
    for n, user in enumerate(planners):
        plan(mission, mission.force, bangui(2 + n, 6), bangui(2 + n, 18), user=user)

    other_sector = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    not_on_queue = f.UserFactory(username="force-a4", role=Role.FORCE, sector=mission.sector_a)
    for user in (mission.hq, mission.cla, mission.coordinator, other_sector, not_on_queue):
        with pytest.raises(PermissionRefused):
            plan(mission, mission.force, bangui(10, 6), bangui(10, 18), user=user)
    assert DutyShift.objects.count() == len(planners)


# --- escalation and the flash email ------------------------------------------------------


def on_duty_around(mission: Mission, officer: User, at: dt.datetime, *, hours: int = 2) -> None:
    rota.shift_create(
        user=mission.admin,
        queue_id=mission.queue_a.pk,
        data=ShiftInput(officer.pk, at - dt.timedelta(hours=hours), at + dt.timedelta(hours=hours)),
        now=at - dt.timedelta(hours=hours),
    )


def escalated_to(alert_id: int, at: dt.datetime) -> list[str]:
    mail.outbox.clear()
    services.alert_escalate(alert_id=alert_id, now=at)
    return sorted(address for m in mail.outbox if "ESCALA" in m.subject for address in m.to)


def test_the_on_duty_tier_tells_the_rota_s_officer_at_the_moment_of_the_step(
    mission: Mission, second: User
) -> None:
    alert = log(mission, urgency="Immediate")
    step_at = alert.routed_at + dt.timedelta(minutes=10)
    on_duty_around(mission, second, step_at)

    assert escalated_to(alert.pk, step_at) == [second.email]
    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert event.data["user_ids"] == [second.pk]
    assert event.data["fallback"] is False


def test_with_nobody_on_duty_the_on_duty_tier_tells_the_sector_s_officers(
    mission: Mission, second: User
) -> None:
    alert = log(mission, urgency="Immediate")
    step_at = alert.routed_at + dt.timedelta(minutes=10)
    # A shift that ended before the step does not count.
    on_duty_around(mission, second, step_at - dt.timedelta(hours=3), hours=1)

    assert escalated_to(alert.pk, step_at) == sorted([mission.force.email, second.email])


def test_the_flash_email_goes_to_the_officer_on_duty_first_and_names_them(
    mission: Mission, second: User
) -> None:
    User.objects.update(language="en")  # one email for everyone
    on_duty_around(mission, second, timezone.now())
    mail.outbox.clear()

    alert = log(mission, urgency="Immediate")
    services.alert_notify_flash(alert_id=alert.pk)

    [email] = flash_emails()
    assert email.to[0] == second.email
    # The others are still told.
    assert set(email.to) == {second.email, mission.force.email, mission.coordinator.email}
    assert f"Officer on duty: {second.get_full_name()}" in email.body


def test_without_an_officer_on_duty_the_flash_email_names_nobody(mission: Mission) -> None:
    User.objects.update(language="en")
    mail.outbox.clear()

    alert = log(mission, urgency="Immediate")
    services.alert_notify_flash(alert_id=alert.pk)

    [email] = flash_emails()
    assert email.to == sorted(email.to)
    assert "Officer on duty" not in email.body
