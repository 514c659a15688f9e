"""On-duty rotas: who of a queue's officers is on duty when, and who may plan it.

A shift runs from `starts_at` (included) to `ends_at` (excluded), so two shifts that meet
(one ends at 06:00, the next starts at 06:00) hand over without a gap or a double. Shifts of
a queue never overlap: every write locks the queue's row first, so two officers planning the
same night at once are checked one after the other. A shift that is over is history: only
its hand-over note may still change.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import permissions
from alerts.models import DutyShift, TriangulationQueue
from clas.models import User
from core.exceptions import PermissionRefused

logger = logging.getLogger("alerts.services")

MAX_SHIFT = dt.timedelta(hours=24)
# Far enough ahead for any rota; also keeps absurd dates out of the arithmetic below.
MAX_PLANNED_AHEAD = dt.timedelta(days=366)
MAX_NOTE_LENGTH = 2000
# What the pages list besides what is coming: the shifts of the last week.
PAST_DAYS = 7


def mission_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _mission_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment, mission_tz()).strftime("%Y-%m-%d %H:%M")


def _name(user: User) -> str:
    return user.get_full_name() or user.username


# --- who is on duty -----------------------------------------------------------------------


def current_shift(queue: TriangulationQueue, *, at: dt.datetime) -> DutyShift | None:
    """The shift of the queue running at `at`, if its officer still works the queue."""
    return (
        DutyShift.objects.filter(
            queue=queue,
            starts_at__lte=at,
            ends_at__gt=at,
            officer__is_active=True,
            officer__queues=queue,
        )
        .select_related("officer")
        .first()
    )


def duty_officer(queue: TriangulationQueue, at: dt.datetime | None = None) -> User | None:
    """The officer on duty on the queue at `at` (now by default), None when nobody is."""
    shift = current_shift(queue, at=at or timezone.now())
    return shift.officer if shift is not None else None


# --- who may plan the rota ----------------------------------------------------------------


def may_edit_rota(user: User, queue: TriangulationQueue) -> bool:
    """The queue's senior officer, its officers, and mission admins (as for escalation)."""
    return permissions.works_queue(user, queue, senior_officer_too=True)


def check_may_edit_rota(user: User, queue: TriangulationQueue) -> None:
    if not may_edit_rota(user, queue):
        raise PermissionRefused(
            _(
                "Only the officers of this queue, its senior officer and mission admins plan its rota."
            )
        )


# --- planning shifts ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftInput:
    officer_id: int | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    handover_note: str = ""


def _check(
    queue: TriangulationQueue,
    data: ShiftInput,
    *,
    now: dt.datetime,
    shift: DutyShift | None = None,
) -> None:
    """Raise ValidationError with every error of the input, field by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if len(data.handover_note) > MAX_NOTE_LENGTH:
        add(
            "handover_note",
            _("Keep the hand-over note under %(max)s characters.") % {"max": MAX_NOTE_LENGTH},
        )
    if shift is not None and shift.ends_at <= now:
        # History: only the note may change.
        over = _("This shift is over: only its hand-over note can be changed.")
        if data.officer_id != shift.officer_id:
            add("officer", over)
        if data.starts_at != shift.starts_at:
            add("starts_at", over)
        if data.ends_at != shift.ends_at:
            add("ends_at", over)
        if errors:
            raise ValidationError(errors)
        return
    started = shift is not None and shift.starts_at <= now
    if data.officer_id is None:
        add("officer", _("Choose the officer on duty."))
    elif started and data.officer_id != shift.officer_id:  # type: ignore[union-attr]
        add("officer", _("This shift has started: its officer cannot change."))
    elif not queue.officers.filter(pk=data.officer_id, is_active=True).exists():
        add("officer", _("Choose an active officer of this queue."))
    starts, ends = data.starts_at, data.ends_at
    if starts is None:
        add("starts_at", _("Enter when the shift starts."))
    elif started and starts != shift.starts_at:  # type: ignore[union-attr]
        add("starts_at", _("This shift has started: its start cannot change."))
    elif starts > now + MAX_PLANNED_AHEAD:
        add("starts_at", _("Plan shifts at most a year ahead."))
    if ends is None:
        add("ends_at", _("Enter when the shift ends."))
    elif starts is not None and ends <= starts:
        add("ends_at", _("The shift must end after it starts."))
    elif starts is not None and ends - starts > MAX_SHIFT:
        add("ends_at", _("A shift lasts at most 24 hours."))
    elif ends < now.replace(second=0, microsecond=0):
        add("ends_at", _("A shift cannot end in the past."))
    if errors:
        raise ValidationError(errors)
    assert starts is not None and ends is not None
    other = (
        DutyShift.objects.filter(queue=queue, starts_at__lt=ends, ends_at__gt=starts)
        .exclude(pk=shift.pk if shift is not None else None)
        .select_related("officer")
        .order_by("starts_at")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "starts_at": [
                    _(
                        "This shift overlaps the shift of %(officer)s from %(start)s to "
                        "%(end)s (mission time)."
                    )
                    % {
                        "officer": _name(other.officer),
                        "start": _mission_time(other.starts_at),
                        "end": _mission_time(other.ends_at),
                    }
                ]
            }
        )


def _locked_queue(queue_id: int) -> TriangulationQueue:
    return TriangulationQueue.objects.select_for_update().get(pk=queue_id)


@transaction.atomic
def shift_create(
    *, user: User, queue_id: int, data: ShiftInput, now: dt.datetime | None = None
) -> DutyShift:
    """Put an officer on duty on a queue. Nothing is saved if anything is wrong."""
    now = now or timezone.now()
    queue = _locked_queue(queue_id)
    check_may_edit_rota(user, queue)
    _check(queue, data, now=now)
    shift = DutyShift.objects.create(
        queue=queue,
        officer_id=data.officer_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        handover_note=data.handover_note.strip(),
        created_by=user,
        created_at=now,
    )
    logger.info("Duty shift %s on queue %s added by user %s", shift.pk, queue.code, user.pk)
    return shift


def _shift_queue_id(shift_id: int) -> int:
    queue_id = DutyShift.objects.filter(pk=shift_id).values_list("queue_id", flat=True).first()
    if queue_id is None:
        raise Http404
    return queue_id


def _shift(shift_id: int) -> DutyShift:
    """The shift, read again under its queue's lock: someone may have deleted it meanwhile."""
    shift = DutyShift.objects.filter(pk=shift_id).first()
    if shift is None:
        raise Http404
    return shift


@transaction.atomic
def shift_update(
    *, user: User, shift_id: int, data: ShiftInput, now: dt.datetime | None = None
) -> DutyShift:
    """Change a shift; one that is over keeps everything but its hand-over note."""
    now = now or timezone.now()
    queue = _locked_queue(_shift_queue_id(shift_id))
    check_may_edit_rota(user, queue)
    shift = _shift(shift_id)
    _check(queue, data, now=now, shift=shift)
    shift.officer_id = data.officer_id
    shift.starts_at = data.starts_at
    shift.ends_at = data.ends_at
    shift.handover_note = data.handover_note.strip()
    shift.save(update_fields=["officer", "starts_at", "ends_at", "handover_note"])
    logger.info("Duty shift %s on queue %s changed by user %s", shift.pk, queue.code, user.pk)
    return shift


@transaction.atomic
def shift_delete(*, user: User, shift_id: int, now: dt.datetime | None = None) -> None:
    """Take a shift off the rota before it starts; one that has started is ended instead."""
    now = now or timezone.now()
    queue = _locked_queue(_shift_queue_id(shift_id))
    check_may_edit_rota(user, queue)
    shift = _shift(shift_id)
    if shift.ends_at <= now:
        raise ValidationError(_("This shift is over and stays on the rota."))
    if shift.starts_at <= now:
        raise ValidationError(_("This shift has started: change its end instead."))
    shift.delete()
    logger.info("Duty shift %s on queue %s deleted by user %s", shift_id, queue.code, user.pk)
