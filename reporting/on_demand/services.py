"""Writes of the digests compiled on demand.

`compile_request_create` checks what was asked (the role, the period, the scope), reuses the
request of the same digest still waiting or running, else saves one and queues its task;
`compile_request_run` (the task) claims it, compiles the report with reporting.services
`report_compile`, the same as the schedule, and sends it if asked.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clas.models import User
from clas.selectors import sector_list
from core.exceptions import DomainError, PermissionRefused
from reporting import services
from reporting.models import CompileRequest, Report
from reporting.permissions import may_compile_reports
from reporting.selectors import mission_today

logger = logging.getLogger(__name__)

ON_DEMAND_KINDS = (Report.Kind.DAILY, Report.Kind.WEEKLY, Report.Kind.FLASH)
# A request still waiting after this was lost with its task (broker down when asked); one
# running this long died with its worker. Either is given up, so that it blocks no new ask.
PENDING_GIVE_UP = dt.timedelta(minutes=15)
RUNNING_GIVE_UP = dt.timedelta(minutes=30)
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class CompileAsked:
    """What an ask gave: the request to follow, whether it is another's of the same digest
    still in progress, and what was changed in what was asked (translated, for the reader)."""

    request: CompileRequest
    reused: bool = False
    notices: list[str] = field(default_factory=list)


def compile_period(
    *, kind: str, period_start: dt.date, today: dt.date
) -> tuple[dt.date, dt.date, list[str]]:
    """The period of a digest: one day for a daily or flash digest, Monday to Sunday for a
    weekly one (a day of the week stands for its week). Never a day after `today`."""
    notices: list[str] = []
    if kind == Report.Kind.WEEKLY:
        monday = period_start - dt.timedelta(days=period_start.weekday())
        if monday != period_start:
            notices.append(
                _("A week runs from Monday to Sunday: the week of %(monday)s is compiled.")
                % {"monday": monday.isoformat()}
            )
        start, end = monday, monday + dt.timedelta(days=6)
    else:
        start = end = period_start
    if start > today:
        raise DomainError(
            _("This period has not begun: choose a day up to today."), field="period_start"
        )
    if end > today:
        notices.append(_("This week is not over: the digest covers its days up to today."))
    return start, end, notices


def _check_scope(*, user: User, sector_id: int | None) -> None:
    if sector_id is None:
        if not user.is_mission_wide:
            raise DomainError(
                _("Choose a sector of your area: only HQ compiles mission-wide digests."),
                field="sector",
            )
        return
    if not sector_list(user=user).filter(pk=sector_id).exists():
        raise DomainError(_("Choose one of the sectors offered."), field="sector")


def _give_up_abandoned(now: dt.datetime) -> None:
    lost = CompileRequest.objects.filter(
        status=CompileRequest.Status.PENDING, created_at__lt=now - PENDING_GIVE_UP
    )
    dead = CompileRequest.objects.filter(
        status=CompileRequest.Status.RUNNING, started_at__lt=now - RUNNING_GIVE_UP
    )
    for stale in (lost, dead):
        stale.update(
            status=CompileRequest.Status.FAILED,
            finished_at=now,
            error="Given up: no worker finished it in time.",
        )


def _open_request(
    *, kind: str, start: dt.date, end: dt.date, sector_id: int | None
) -> CompileRequest | None:
    return (
        CompileRequest.objects.filter(
            kind=kind,
            period_start=start,
            period_end=end,
            sector_id=sector_id,
            status__in=CompileRequest.OPEN_STATUSES,
        )
        .select_related("sector", "report")
        .first()
    )


def compile_request_create(
    *,
    user: User,
    kind: str,
    period_start: dt.date,
    sector_id: int | None = None,
    distribute: bool = False,
    now: dt.datetime | None = None,
) -> CompileAsked:
    """Ask for a digest now: HQ and admins of the mission or any sector, coordinators of a
    sector of their area. The same digest already waiting or being compiled is not compiled
    twice: its request is returned (and will also be sent if this ask says so)."""
    if not may_compile_reports(user):
        raise PermissionRefused(_("Only HQ, mission admins and coordinators compile digests."))
    if kind not in ON_DEMAND_KINDS:
        raise DomainError(_("Choose a daily, weekly or flash digest."), field="kind")
    now = now or timezone.now()
    start, end, notices = compile_period(
        kind=kind, period_start=period_start, today=mission_today(now)
    )
    _check_scope(user=user, sector_id=sector_id)
    _give_up_abandoned(now)
    key = {"kind": kind, "start": start, "end": end, "sector_id": sector_id}
    existing = _open_request(**key)
    if existing is None:
        try:
            with transaction.atomic():
                request = CompileRequest.objects.create(
                    requested_by=user,
                    kind=kind,
                    period_start=start,
                    period_end=end,
                    sector_id=sector_id,
                    distribute=distribute,
                    created_at=now,
                )
                transaction.on_commit(lambda: compile_enqueue(request_id=request.pk))
            return CompileAsked(request=request, notices=notices)
        except IntegrityError:
            # Asked at the same moment by someone else: follow theirs.
            existing = _open_request(**key)
            if existing is None:
                raise
    if distribute and not existing.distribute:
        CompileRequest.objects.filter(
            pk=existing.pk, status__in=CompileRequest.OPEN_STATUSES
        ).update(distribute=True)
        existing.distribute = True
    notices.append(_("This digest is already being compiled: follow it here."))
    return CompileAsked(request=existing, reused=True, notices=notices)


def compile_enqueue(*, request_id: int) -> None:
    # Not at the top: reporting.tasks imports the services of reporting.
    from reporting.tasks import compile_on_demand

    try:
        compile_on_demand.delay(request_id)
    except Exception as exc:  # broker down: the request waits, then is given up
        logger.warning("Compilation request %s not queued: %s", request_id, exc)


def compile_request_run(*, request_id: int) -> dict[str, int]:
    """Compile the digest of a request, once: a second delivery of the task finds it claimed."""
    claimed = CompileRequest.objects.filter(
        pk=request_id, status=CompileRequest.Status.PENDING
    ).update(
        status=CompileRequest.Status.RUNNING,
        started_at=timezone.now(),
        progress=5,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return {"skipped": 1}
    request = CompileRequest.objects.get(pk=request_id)

    def progress(percent: int) -> None:
        CompileRequest.objects.filter(pk=request_id).update(progress=percent)

    try:
        report = services.report_compile(
            kind=request.kind,
            start=request.period_start,
            end=request.period_end,
            sector_id=request.sector_id,
            progress=progress,
        )
        # Read again: the ask of someone else may have asked to send it meanwhile.
        distribute = CompileRequest.objects.filter(pk=request_id, distribute=True).exists()
        recipients = (
            services.report_distribute(report_id=report.pk, force=True) if distribute else 0
        )
    except Exception as exc:
        logger.exception("Compilation request %s failed", request_id)
        CompileRequest.objects.filter(pk=request_id).update(
            status=CompileRequest.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH],
        )
        return {"failed": 1}
    CompileRequest.objects.filter(pk=request_id).update(
        status=CompileRequest.Status.DONE,
        progress=100,
        report=report,
        finished_at=timezone.now(),
    )
    return {"report": report.pk, "recipients": recipients}
