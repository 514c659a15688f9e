"""The figures of a period and scope, computed the same way for reports, dashboards and the API.

Percentiles use linear interpolation between closest ranks (PostgreSQL's percentile_cont).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from alerts.models import Alert
from clas.models import CommunityAlertNetwork
from protection_plans.models import ProtectionPlan

SILENT_AFTER = dt.timedelta(days=30)  # an active network with no sign of life for this long
REVIEW_HORIZON = dt.timedelta(days=14)  # plan reviews due within this horizon are listed


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` (0..1) percentile of values by linear interpolation, None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower, upper = math.floor(position), math.ceil(position)
    if lower == upper:
        return float(ordered[lower])
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _durations(qs: QuerySet[Alert], end_field: str) -> list[float]:
    rows = qs.filter(**{f"{end_field}__isnull": False}).values_list("created_at", end_field)
    return [max((end - start).total_seconds(), 0.0) for start, end in rows]


def response_times(qs: QuerySet[Alert]) -> dict[str, dict[str, float | int | None]]:
    """Median and 90th percentile (seconds) from logging to acknowledgement and to response."""
    result: dict[str, dict[str, float | int | None]] = {}
    for key, field in (("acknowledge", "acknowledged_at"), ("response", "responded_at")):
        values = _durations(qs, field)
        result[key] = {
            "count": len(values),
            "median": percentile(values, 0.5),
            "p90": percentile(values, 0.9),
        }
    return result


def community_informed(qs: QuerySet[Alert]) -> dict[str, float | int | None]:
    """Of the closed alerts, how many had their community informed (the CLA recorded it), and
    the median and 90th percentile time (seconds) from logging to the first time it was."""
    closed = qs.filter(status=Alert.Status.CLOSED)
    values = _durations(closed, "community_informed_at")
    total = closed.count()
    return {
        "closed": total,
        "informed": len(values),
        "share": len(values) / total if total else None,
        "median": percentile(values, 0.5),
        "p90": percentile(values, 0.9),
    }


def grade_counts(qs: QuerySet[Alert]) -> dict[str, Any]:
    """Alerts per Admiralty grade ("B2"), in the scale's order, and how many are not graded."""
    rows = (
        qs.exclude(source_reliability="")
        .values_list("source_reliability", "information_credibility")
        .annotate(n=Count("pk"))
        .order_by("source_reliability", "information_credibility")
    )
    by_grade = [{"grade": f"{r}{c}", "count": n} for r, c, n in rows]
    graded = sum(row["count"] for row in by_grade)
    return {"by_grade": by_grade, "ungraded": qs.count() - graded}


def confirmed_share(qs: QuerySet[Alert]) -> float | None:
    """Confirmed or partly confirmed, among alerts with a recorded outcome."""
    counts = qs.exclude(outcome="").aggregate(
        total=Count("pk"), confirmed=Count("pk", filter=Q(outcome__in=["confirmed", "partly"]))
    )
    return counts["confirmed"] / counts["total"] if counts["total"] else None


def networks_summary(
    networks: QuerySet[CommunityAlertNetwork], *, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """New (established in the period), active (a sign of life in the last 30 days of the period:
    an alert from it or recorded activity) and silent (active status but no sign of life).

    The networks heard from are found through the alerts of those 30 days (the index on
    reported_at), not by counting every alert of every network.
    """
    since = end - SILENT_AFTER
    recent = period_alerts(
        Alert.objects.filter(source_can__in=networks.values("pk")),
        start=since + dt.timedelta(days=1),
        end=end,
    )
    heard_from = set(recent.order_by().values_list("source_can_id", flat=True).distinct())
    rows = list(
        networks.exclude(status=CommunityAlertNetwork.Status.DISSOLVED).values(
            "pk", "name", "location__name", "status", "established_on", "last_activity_on"
        )
    )
    new = [r for r in rows if start <= r["established_on"] <= end]
    alive = {
        r["pk"]
        for r in rows
        if r["established_on"] <= end
        and (
            r["pk"] in heard_from
            or (r["last_activity_on"] and since < r["last_activity_on"] <= end)
        )
    }
    silent = [
        r
        for r in rows
        if r["status"] == CommunityAlertNetwork.Status.ACTIVE
        and r["established_on"] <= end
        and r["pk"] not in alive
    ]
    return {
        "new": len(new),
        "active": len(alive),
        "silent": len(silent),
        "silent_networks": [{"name": r["name"], "location": r["location__name"]} for r in silent],
    }


def plan_reviews_due(plans: QuerySet[ProtectionPlan], *, end: dt.date) -> list[dict[str, Any]]:
    horizon = end + REVIEW_HORIZON
    rows = (
        plans.exclude(status=ProtectionPlan.Status.ARCHIVED)
        .filter(next_review_due__lte=horizon)
        .order_by("next_review_due")
        .values("location__name", "next_review_due")
    )
    return [
        {
            "location": r["location__name"],
            "due": r["next_review_due"].isoformat(),
            "overdue": r["next_review_due"] < end,
        }
        for r in rows
    ]


def period_alerts(qs: QuerySet[Alert], *, start: dt.date, end: dt.date) -> QuerySet[Alert]:
    """Alerts reported in [start, end] (whole days in the mission's time zone)."""
    tz = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return qs.filter(reported_at__gte=lower, reported_at__lt=upper)


def alert_figures(qs: QuerySet[Alert]) -> dict[str, Any]:
    # Cases, not copies: an alert merged into another's case is counted with its lead.
    qs = qs.filter(case_lead__isnull=True)
    by_category = list(
        qs.values("category__code", "category__name_en", "category__name_fr")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    by_location = list(
        qs.values("location__name").annotate(n=Count("pk")).order_by("-n", "location__name")
    )
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "total": sum(by_status.values()),
        "by_category": [
            {
                "code": r["category__code"],
                "name_en": r["category__name_en"],
                "name_fr": r["category__name_fr"],
                "count": r["n"],
            }
            for r in by_category
        ],
        "by_location": [{"location": r["location__name"], "count": r["n"]} for r in by_location],
        "by_status": by_status,
        "response_times": response_times(qs),
        "confirmed_share": confirmed_share(qs),
        "community_informed": community_informed(qs),
        "grades": grade_counts(qs),
    }
