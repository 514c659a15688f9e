"""Monitoring and evaluation of CLAs, the reads: what each CLA did over a period, per CLA and
per location, for the page and the API alike.

A daily report is on time when it was submitted by 09:00 (mission time) the day after the
day it covers; a weekly one by 09:00 the Monday after its week.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts.models import Alert
from clas.models import CLA, Deployment, User
from clas.selectors import cla_list
from protection_plans.models import PlanVersion
from reporting.models import Report
from reporting.permissions import may_monitor_clas

ON_TIME_HOUR = 9


def _count(qs: QuerySet, group_by: str) -> Subquery:
    """Count the rows of a correlated subquery (grouped by its outer reference)."""
    return Coalesce(
        Subquery(qs.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]), 0
    )


def _deadline(day: dt.date, days_after: int) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(
        day + dt.timedelta(days=days_after), dt.time(ON_TIME_HOUR), tzinfo=tz
    )


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def cla_performance(*, user: User, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """One row per CLA in the user's scope, with a constant number of queries."""
    if not may_monitor_clas(user):
        return []
    on_time = _on_time_counts(start=start, end=end)
    locations = _current_locations()
    return [
        {
            "cla": cla,
            "name": str(cla),
            "gender": cla.get_gender_display(),
            "location": locations.get(cla.pk, ""),
            "alerts_logged": cla.alerts_logged,
            "daily_submitted": cla.daily_submitted,
            "daily_on_time": on_time.get((cla.user_id, Report.Kind.DAILY), 0),
            "weekly_submitted": cla.weekly_submitted,
            "weekly_on_time": on_time.get((cla.user_id, Report.Kind.WEEKLY), 0),
            "flash_submitted": cla.flash_submitted,
            "networks_set_up": cla.networks_set_up,
            "plan_updates": cla.plan_updates,
            "trainings_attended": cla.trainings_attended,
        }
        for cla in _clas_with_counts(user=user, start=start, end=end)
    ]


def _clas_with_counts(*, user: User, start: dt.date, end: dt.date) -> QuerySet[CLA]:
    """The CLAs in the user's scope, each annotated with what they did in the period."""
    lower, upper = _bounds(start, end)
    alerts = Alert.objects.filter(
        logged_by=OuterRef("user_id"), created_at__gte=lower, created_at__lt=upper
    )
    written = Report.objects.filter(
        author=OuterRef("user_id"),
        origin=Report.Origin.WRITTEN,
        period_start__gte=start,
        period_start__lte=end,
        submitted_at__isnull=False,
    )
    plan_updates = PlanVersion.objects.filter(
        created_by=OuterRef("user_id"), adopted_on__gte=start, adopted_on__lte=end
    )
    return (
        cla_list(user=user)
        .annotate(
            alerts_logged=_count(alerts, "logged_by"),
            daily_submitted=_count(written.filter(kind=Report.Kind.DAILY), "author"),
            weekly_submitted=_count(written.filter(kind=Report.Kind.WEEKLY), "author"),
            flash_submitted=_count(written.filter(kind=Report.Kind.FLASH), "author"),
            plan_updates=_count(plan_updates, "created_by"),
            networks_set_up=Count(
                "networks_established",
                filter=Q(
                    networks_established__established_on__gte=start,
                    networks_established__established_on__lte=end,
                ),
                distinct=True,
            ),
            trainings_attended=Count(
                "trainings",
                filter=Q(trainings__held_on__gte=start, trainings__held_on__lte=end),
                distinct=True,
            ),
        )
        .order_by("user__last_name", "user__first_name")
    )


def _on_time_counts(*, start: dt.date, end: dt.date) -> dict[tuple[int, str], int]:
    rows = Report.objects.filter(
        origin=Report.Origin.WRITTEN,
        kind__in=[Report.Kind.DAILY, Report.Kind.WEEKLY],
        period_start__gte=start,
        period_start__lte=end,
        submitted_at__isnull=False,
    ).values_list("author_id", "kind", "period_end", "submitted_at")
    counts: dict[tuple[int, str], int] = {}
    for author_id, kind, period_end, submitted_at in rows:
        if submitted_at <= _deadline(period_end, 1):
            counts[(author_id, kind)] = counts.get((author_id, kind), 0) + 1
    return counts


def _current_locations() -> dict[int, str]:
    """The location of each CLA's open deployment; CLAs without one are absent."""
    return dict(
        Deployment.objects.filter(end_date__isnull=True).values_list("cla_id", "location__name")
    )


def location_performance(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CLA rows summed per location."""
    totals: dict[str, dict[str, Any]] = {}
    keys = [k for k in rows[0] if isinstance(rows[0][k], int)] if rows else []
    for row in rows:
        entry = totals.setdefault(
            row["location"], {"location": row["location"], "clas": 0, **dict.fromkeys(keys, 0)}
        )
        entry["clas"] += 1
        for key in keys:
            entry[key] += row[key]
    return sorted(totals.values(), key=lambda r: r["location"])


def monitoring_rows(
    *, user: User, start: dt.date, end: dt.date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows per CLA and per location, for the page and the API alike."""
    rows = cla_performance(user=user, start=start, end=end)
    return rows, location_performance(rows)
