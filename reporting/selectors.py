"""Reads for reports, scoped like the locations they cover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from alerts.models import Alert
from clas.models import Deployment, Location, Role, User
from clas.selectors import scoped_location_ids
from reporting.models import Report
from reporting.permissions import readable_reports


def report_list(*, user: User) -> QuerySet[Report]:
    """The reports the user may read (reporting.permissions.readable_reports)."""
    return Report.objects.select_related("location", "sector", "author").filter(
        readable_reports(user)
    )


# --- written reports: what is due and what is late ----------------------------------------

# A daily report covers one mission day and is due by 09:00 mission time the next morning;
# a weekly analysis covers Monday to Sunday and is due by 09:00 on the following Monday.
REPORT_DUE_TIME = dt.time(9, 0)
# How many days back the listings of due and late daily reports look.
PENDING_WINDOW_DAYS = 7
# A report counts as delivered once it reached the coordinator, even if it was sent back.
DELIVERED_STATUSES = (Report.Status.SUBMITTED, Report.Status.RETURNED, Report.Status.ACCEPTED)


def report_is_late(report: Report, now: dt.datetime | None = None) -> bool:
    """A written report past its due time and not delivered yet."""
    return (
        report.origin == Report.Origin.WRITTEN
        and report.due_at is not None
        and report.status not in DELIVERED_STATUSES
        and report.due_at <= (now or timezone.now())
    )


def mission_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def mission_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), mission_tz()).date()


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[midnight at the start of `start`, midnight after `end`), mission time."""
    tz = mission_tz()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def report_due_at(period_end: dt.date) -> dt.datetime:
    """When a written daily or weekly report is due: 09:00 mission time, the morning after
    the last day it covers."""
    return dt.datetime.combine(period_end + dt.timedelta(days=1), REPORT_DUE_TIME, mission_tz())


def report_period_alerts(report: Report) -> QuerySet[Alert]:
    """The alerts a written report covers: a flash report its own alert; a daily or weekly
    report every alert reported at its location during its period (mission days)."""
    if report.kind == Report.Kind.FLASH:
        return Alert.objects.filter(pk=report.alert_id) if report.alert_id else Alert.objects.none()
    lower, upper = day_bounds(report.period_start, report.period_end)
    return Alert.objects.filter(
        location_id=report.location_id, reported_at__gte=lower, reported_at__lt=upper
    )


@dataclass(frozen=True)
class PendingReport:
    """A written report expected and not delivered yet; `report` is the draft, if any."""

    location: Location
    kind: str
    period_start: dt.date
    due_at: dt.datetime
    is_late: bool
    report: Report | None = None

    def get_kind_display(self) -> str:
        return str(Report.Kind(self.kind).label)


def reports_pending(
    *,
    user: User,
    day: dt.date,
    now: dt.datetime | None = None,
    days: int = PENDING_WINDOW_DAYS,
) -> list[PendingReport]:
    """Written reports expected in the user's locations and not delivered, as of `day`.

    The rules:
    - a daily report is expected for every mission day on which a CLA was deployed at an
      active location (deployment from/to covering that day), one per location whatever
      the number of CLAs; it is due at 09:00 mission time the next morning
      (`report_due_at`). Days from `day - days + 1` to `day` are looked at.
    - a flash report (opened by an Immediate or Extreme alert) is expected by its `due_at`,
      one hour after the alert; flash reports not delivered are listed whatever their age.
    - a report is delivered once submitted (submitted, returned for changes or accepted).

    "As of `day`" means at `now` when `day` is today, else at the end of `day`: a report is
    late when its due time has passed by then. Force officers get nothing (CLAs' reports
    are not theirs); CLAs their own location; coordinators their area; HQ everything.
    """
    if not user.is_authenticated or (user.role == Role.FORCE and not user.is_mission_wide):
        return []
    as_of = min(now or timezone.now(), day_bounds(day, day)[1])
    first = day - dt.timedelta(days=max(days, 1) - 1)
    ids = scoped_location_ids(user)
    locations = Location.objects.filter(is_active=True)
    if ids is not None:
        locations = locations.filter(pk__in=ids)
    pending = [
        *_pending_daily(locations, first=first, day=day, as_of=as_of),
        *_pending_flash(locations, day=day, as_of=as_of),
    ]
    pending.sort(key=lambda p: (p.due_at, p.location.name, p.kind))
    return pending


def _days_deployed(
    locations: QuerySet[Location], *, first: dt.date, day: dt.date
) -> set[tuple[int, dt.date]]:
    """(location, day) for every day from `first` to `day` a CLA was deployed there."""
    deployments = (
        Deployment.objects.filter(location__in=locations, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("location_id", "start_date", "end_date")
    )
    expected: set[tuple[int, dt.date]] = set()
    for location_id, start, end in deployments:
        current = max(start, first)
        last = min(end or day, day)
        while current <= last:
            expected.add((location_id, current))
            current += dt.timedelta(days=1)
    return expected


def _pending_daily(
    locations: QuerySet[Location], *, first: dt.date, day: dt.date, as_of: dt.datetime
) -> list[PendingReport]:
    expected = _days_deployed(locations, first=first, day=day)
    written = Report.objects.filter(
        origin=Report.Origin.WRITTEN,
        kind=Report.Kind.DAILY,
        location__in=locations,
        period_start__gte=first,
        period_start__lte=day,
    ).only("pk", "location_id", "period_start", "status", "title", "system_title", "kind")
    drafts: dict[tuple[int, dt.date], Report] = {}
    for report in written:
        key = (report.location_id, report.period_start)
        if report.status in DELIVERED_STATUSES:
            expected.discard(key)
        else:
            drafts[key] = report
    by_id = {loc.pk: loc for loc in locations.filter(pk__in={k[0] for k in expected})}
    pending = []
    for location_id, period_start in expected:
        due = report_due_at(period_start)
        pending.append(
            PendingReport(
                location=by_id[location_id],
                kind=Report.Kind.DAILY,
                period_start=period_start,
                due_at=due,
                is_late=due <= as_of,
                report=drafts.get((location_id, period_start)),
            )
        )
    return pending


def _pending_flash(
    locations: QuerySet[Location], *, day: dt.date, as_of: dt.datetime
) -> list[PendingReport]:
    flash = (
        Report.objects.filter(
            kind=Report.Kind.FLASH,
            origin=Report.Origin.WRITTEN,
            location__in=locations,
            due_at__isnull=False,
            period_start__lte=day,
        )
        .exclude(status__in=DELIVERED_STATUSES)
        .select_related("location")
    )
    return [
        PendingReport(
            location=report.location,
            kind=Report.Kind.FLASH,
            period_start=report.period_start,
            due_at=report.due_at,
            is_late=report.due_at <= as_of,
            report=report,
        )
        for report in flash
    ]


def reports_overdue(
    *,
    user: User,
    day: dt.date,
    now: dt.datetime | None = None,
    days: int = PENDING_WINDOW_DAYS,
) -> list[PendingReport]:
    """The late ones among `reports_pending` (same rules): daily reports not submitted by
    09:00 mission time the morning after their day, flash reports not submitted within the
    hour after their alert."""
    return [p for p in reports_pending(user=user, day=day, now=now, days=days) if p.is_late]
