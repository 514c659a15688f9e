"""The HQ dashboard's reads: the mission at a glance, for a period, within the user's scope.

The page, its CSV downloads and the API call the same two selectors, `dashboard_figures`
and `dashboard_map`. Every aggregate is computed by the database (GROUP BY, conditional
counts, and on PostgreSQL the percentiles too), so the number of queries does not grow with
the number of alerts, and the whole figure set is cached per scope and filters for a minute.

Figures reuse reporting.figures (period, response times, confirmed share, networks, plan
reviews): a dashboard and a compiled report of the same period and scope agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Greatest, TruncWeek
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from alerts.geo import filter_near_base, near_base_km
from alerts.models import Alert, Channel, ThreatCategory
from alerts.selectors import alert_list
from clas.models import CommunityAlertNetwork, Deployment, Gender, Location, Role, User
from clas.selectors import location_list
from core.cache import cache_get_or_compute
from protection_plans.models import ProtectionPlan
from protection_plans.selectors import plan_list
from reporting.figures import (
    community_informed,
    networks_summary,
    period_alerts,
    plan_reviews_due,
    response_times,
)
from reporting.selectors import mission_today, mission_tz

DEFAULT_DAYS = 90  # the period shown when none is asked for: the last 90 days, today included
CACHE_SECONDS = 60
CACHE_VERSION = 4  # bump when the shape of the cached figures changes

CONFIRMED = (Alert.Outcome.CONFIRMED, Alert.Outcome.PARTLY)

# Not acknowledged yet: waiting to be routed, or in a queue nobody has taken note of.
UNACKNOWLEDGED = (Alert.Status.NEW, Alert.Status.QUEUED)

# Time from logging to acknowledgement, in buckets: [lower, upper) in minutes, None = open.
ACK_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("lt_15m", 0, 15),
    ("15_60m", 15, 60),
    ("1_6h", 60, 6 * 60),
    ("6_24h", 6 * 60, 24 * 60),
    ("gt_24h", 24 * 60, None),
)


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard shows: reported from `start` to `end` (whole mission days)."""

    start: dt.date
    end: dt.date
    sector_id: int | None = None
    category_id: int | None = None

    def key(self) -> str:
        return f"{self.start}:{self.end}:{self.sector_id or '-'}:{self.category_id or '-'}"

    def alert_params(self) -> dict[str, Any]:
        """The filters of the alert list that show the alerts behind the figures."""
        params: dict[str, Any] = {
            "reported_after": self.start.isoformat(),
            "reported_before": self.end.isoformat(),
        }
        if self.sector_id:
            params["sector"] = self.sector_id
        if self.category_id:
            params["category"] = self.category_id
        return params


def dashboard_default_filters(*, today: dt.date | None = None) -> DashboardFilters:
    end = today or mission_today()
    return DashboardFilters(start=end - dt.timedelta(days=DEFAULT_DAYS - 1), end=end)


def _scope_key(user: User) -> str:
    if user.is_mission_wide:
        return "mission"
    if user.role == Role.COORDINATOR:
        return f"office-{user.field_office_id or 0}"
    if user.role == Role.FORCE:
        return f"sector-{user.sector_id or 0}"
    return f"user-{user.pk}"


def _cache_key(user: User, filters: DashboardFilters) -> str:
    return f"reporting:dashboard:{CACHE_VERSION}:{_scope_key(user)}:{filters.key()}"


def url_or_empty(url_name: str, params: dict[str, Any] | None = None) -> str:
    """A page's URL with a query string, or "" when that page does not exist."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def _alerts_url(filters: DashboardFilters, **extra: Any) -> str:
    return url_or_empty("alerts:alert_list", {**filters.alert_params(), **extra})


# --- the alerts behind the figures --------------------------------------------------------


def dashboard_alerts(*, user: User, filters: DashboardFilters) -> QuerySet[Alert]:
    """The alerts the figures count: in the user's scope, reported in the period; cases, not
    copies (an alert merged into another's case is counted with its lead)."""
    qs = alert_list(user=user).select_related(None).order_by().filter(case_lead__isnull=True)
    if filters.sector_id:
        qs = qs.filter(location__sector_id=filters.sector_id)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    with timezone.override(mission_tz()):
        return period_alerts(qs, start=filters.start, end=filters.end)


def _locations(*, user: User, filters: DashboardFilters) -> QuerySet[Location]:
    qs = location_list(user=user).select_related(None).filter(is_active=True)
    return qs.filter(sector_id=filters.sector_id) if filters.sector_id else qs


PERCENTILES = (0.5, 0.9)  # the median and the 90th percentile


class _Percentiles(Aggregate):
    """PostgreSQL's percentile_cont of PERCENTILES, one sort for all of them: linear
    interpolation, like reporting.figures.percentile."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, **extra: Any) -> None:
        fractions = ", ".join(repr(float(f)) for f in PERCENTILES)
        super().__init__(
            expression, fractions=fractions, output_field=ArrayField(FloatField()), **extra
        )


class _EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _seconds_between(start_field: str, end_field: str) -> Any:
    # Never negative, as in reporting.figures: a clock a little behind is not a negative delay.
    elapsed = ExpressionWrapper(F(end_field) - F(start_field), output_field=DurationField())
    return Greatest(_EpochSeconds(elapsed), Value(0.0))


def _percentiles(qs: QuerySet[Alert]) -> dict[str, Any]:
    """Aggregates of the median and 90th percentile delays (PostgreSQL only)."""
    aggregates: dict[str, Any] = {}
    for key, field in (("acknowledge", "acknowledged_at"), ("response", "responded_at")):
        present = Q(**{f"{field}__isnull": False})
        seconds = _seconds_between("created_at", field)
        aggregates[f"{key}_count"] = Count("pk", filter=present)
        aggregates[f"{key}_percentiles"] = _Percentiles(seconds, filter=present)
    return aggregates


def _times_from(row: dict[str, Any]) -> dict[str, dict[str, float | int | None]]:
    times: dict[str, dict[str, float | int | None]] = {}
    for key in ("acknowledge", "response"):
        median, p90 = row[f"{key}_percentiles"] or (None, None)
        times[key] = {"count": row[f"{key}_count"], "median": median, "p90": p90}
    return times


def _response_times(qs: QuerySet[Alert]) -> dict[str, dict[str, float | int | None]]:
    """Median and 90th percentile (seconds) to acknowledgement and to response.

    PostgreSQL computes them in the query; elsewhere (the embedded SQLite) the reports' own
    function does it in Python. Both interpolate the same way (tests hold them equal)."""
    if connection.vendor != "postgresql":
        return response_times(qs)
    return _times_from(qs.aggregate(**_percentiles(qs)))


def _near_base_times(qs: QuerySet[Alert], filters: DashboardFilters) -> dict[str, Any]:
    """Response times of the alerts near a base (alerts.geo.NEAR_BASE_KM: urgent, on the
    shortest escalation) and of the others (farther, or without coordinates), apart."""
    return {
        "radius_km": float(near_base_km()),
        "near_base": {
            **_response_times(filter_near_base(qs, True)),
            "alerts_url": _alerts_url(filters, near_base="true"),
        },
        "others": {
            **_response_times(filter_near_base(qs, False)),
            "alerts_url": _alerts_url(filters, near_base="false"),
        },
    }


def _ack_bucket_filter(lower: int, upper: int | None) -> Q:
    q = Q(acknowledged_at__isnull=False)
    if lower:
        q &= Q(acknowledged_at__gte=F("created_at") + dt.timedelta(minutes=lower))
    if upper is not None:
        q &= Q(acknowledged_at__lt=F("created_at") + dt.timedelta(minutes=upper))
    return q


def _alert_summary(qs: QuerySet[Alert], filters: DashboardFilters) -> dict[str, Any]:
    """Totals, statuses, the confirmed share, delays and their buckets: one pass over the
    alerts of the period (two more for the delays on SQLite)."""
    aggregates: dict[str, Any] = {"total": Count("pk")}
    for status in Alert.Status.values:
        aggregates[f"status_{status}"] = Count("pk", filter=Q(status=status))
    for channel in Channel.values:
        aggregates[f"channel_{channel}"] = Count("pk", filter=Q(channel=channel))
    for name, lower, upper in ACK_BUCKETS:
        aggregates[f"ack_{name}"] = Count("pk", filter=_ack_bucket_filter(lower, upper))
    # As reporting.figures.confirmed_share: confirmed or partly, among those with an outcome.
    aggregates["with_outcome"] = Count("pk", filter=~Q(outcome=""))
    aggregates["confirmed"] = Count("pk", filter=Q(outcome__in=CONFIRMED))
    # As reporting.figures.community_informed: closed alerts whose community was informed.
    informed = Q(status=Alert.Status.CLOSED, community_informed_at__isnull=False)
    aggregates["informed"] = Count("pk", filter=informed)
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates.update(_percentiles(qs))
        aggregates["informed_percentiles"] = _Percentiles(
            _seconds_between("created_at", "community_informed_at"), filter=informed
        )
    row = qs.aggregate(**aggregates)
    times = _times_from(row) if postgres else response_times(qs)
    if postgres:
        informed_median, informed_p90 = row["informed_percentiles"] or (None, None)
    else:
        python = community_informed(qs)
        informed_median, informed_p90 = python["median"], python["p90"]
    closed = row[f"status_{Alert.Status.CLOSED}"]
    acknowledged = sum(row[f"ack_{name}"] for name, _lower, _upper in ACK_BUCKETS)
    return {
        "total": row["total"],
        "alerts_url": _alerts_url(filters),
        "unacknowledged": sum(row[f"status_{s}"] for s in UNACKNOWLEDGED),
        "unacknowledged_url": _alerts_url(filters, status=Alert.Status.QUEUED),
        "confirmed_share": (
            row["confirmed"] / row["with_outcome"] if row["with_outcome"] else None
        ),
        # The loop back to the community: measured from the alert being logged.
        "community": {
            "closed": closed,
            "informed": row["informed"],
            "share": row["informed"] / closed if closed else None,
            "time_to_informed": {
                "count": row["informed"],
                "median": informed_median,
                "p90": informed_p90,
            },
            "closed_url": _alerts_url(filters, status=Alert.Status.CLOSED),
        },
        "by_status": [
            {
                "status": status,
                "count": row[f"status_{status}"],
                "alerts_url": _alerts_url(filters, status=status),
            }
            for status in Alert.Status.values
        ],
        # How the alerts came in (web, offline replay, API, SMS, phone, radio).
        "by_channel": [
            {
                "channel": channel,
                "count": row[f"channel_{channel}"],
                "alerts_url": _alerts_url(filters, channel=channel),
            }
            for channel in Channel.values
        ],
        "times": times,
        "histogram": [
            {
                "bucket": name,
                "min_minutes": lower,
                "max_minutes": upper,
                "count": row[f"ack_{name}"],
                "share": row[f"ack_{name}"] / acknowledged if acknowledged else None,
                "alerts_url": _alerts_url(filters),
            }
            for name, lower, upper in ACK_BUCKETS
        ],
    }


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _per_week(qs: QuerySet[Alert], filters: DashboardFilters) -> list[dict[str, Any]]:
    """Alerts per week (Monday to Sunday, mission time), every week of the period listed."""
    tz = mission_tz()
    rows = (
        qs.annotate(week=TruncWeek("reported_at", tzinfo=tz))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    counts = {timezone.localtime(r["week"], tz).date(): r["n"] for r in rows}
    weeks = []
    monday = _week_start(filters.start)
    while monday <= filters.end:
        first = max(monday, filters.start)
        last = min(monday + dt.timedelta(days=6), filters.end)
        weeks.append(
            {
                "week": monday,
                "start": first,
                "end": last,
                "count": counts.get(monday, 0),
                "alerts_url": _alerts_url(
                    filters, reported_after=first.isoformat(), reported_before=last.isoformat()
                ),
            }
        )
        monday += dt.timedelta(days=7)
    return weeks


def _groups(qs: QuerySet[Alert]) -> list[dict[str, Any]]:
    """Alerts and unacknowledged alerts per category and location: one row per pair, grouped
    on the ids alone (names are read from the small tables afterwards)."""
    return list(
        qs.values("category_id", "location_id")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(status__in=UNACKNOWLEDGED)))
        .order_by()
    )


def _by_category(rows: list[dict[str, Any]], filters: DashboardFilters) -> list[dict[str, Any]]:
    counts: dict[int, int] = {}
    for r in rows:
        counts[r["category_id"]] = counts.get(r["category_id"], 0) + r["n"]
    categories = ThreatCategory.objects.filter(pk__in=list(counts)).values(
        "pk", "code", "name_en", "name_fr", "sort_order"
    )
    ordered = sorted(categories, key=lambda c: (-counts[c["pk"]], c["sort_order"], c["code"]))
    return [
        {
            "id": c["pk"],
            "code": c["code"],
            "name_en": c["name_en"],
            "name_fr": c["name_fr"],
            "count": counts[c["pk"]],
            "alerts_url": _alerts_url(filters, category=c["pk"]),
        }
        for c in ordered
    ]


def _by_location(rows: list[dict[str, Any]]) -> dict[int, dict[str, int]]:
    locations: dict[int, dict[str, int]] = {}
    for r in rows:
        entry = locations.setdefault(r["location_id"], {"n": 0, "waiting": 0})
        entry["n"] += r["n"]
        entry["waiting"] += r["waiting"]
    return locations


def _places(
    *, user: User, filters: DashboardFilters, counts: dict[int, dict[str, int]]
) -> dict[int, dict[str, Any]]:
    """The active locations in scope, and any other location alerts in scope came from (a
    Force officer's queues may hold alerts of a location in another sector)."""
    in_scope = _locations(user=user, filters=filters).values("pk")
    rows = (
        Location.objects.filter(Q(pk__in=in_scope) | Q(pk__in=list(counts)))
        .order_by("name")
        .values("pk", "name", "kind", "prefecture", "latitude", "longitude")
    )
    return {r["pk"]: r for r in rows}


def _by_prefecture(
    counts: dict[int, dict[str, int]],
    places: dict[int, dict[str, Any]],
    filters: DashboardFilters,
) -> list[dict[str, Any]]:
    prefectures: dict[str, dict[str, Any]] = {}
    for location_id, r in counts.items():
        place = places[location_id]
        entry = prefectures.setdefault(
            place["prefecture"], {"prefecture": place["prefecture"], "count": 0, "locations": []}
        )
        entry["count"] += r["n"]
        entry["locations"].append(
            {
                "id": location_id,
                "name": place["name"],
                "count": r["n"],
                "alerts_url": _alerts_url(filters, location=location_id),
            }
        )
    for entry in prefectures.values():
        entry["locations"].sort(key=lambda loc: (-loc["count"], loc["name"]))
    return sorted(prefectures.values(), key=lambda p: (-p["count"], p["prefecture"]))


def _networks(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """Alert network coverage of the field locations (permanent and temporary bases)."""
    field_locations = _locations(user=user, filters=filters).exclude(kind=Location.Kind.HQ)
    has_network = Exists(
        CommunityAlertNetwork.objects.filter(location=OuterRef("pk")).exclude(
            status=CommunityAlertNetwork.Status.DISSOLVED
        )
    )
    coverage = field_locations.aggregate(
        locations=Count("pk"), covered=Count("pk", filter=Q(has_network))
    )
    networks = CommunityAlertNetwork.objects.filter(
        location__in=_locations(user=user, filters=filters)
    )
    totals = networks.exclude(status=CommunityAlertNetwork.Status.DISSOLVED).aggregate(
        networks=Count("pk"),
        women=Sum("volunteers_women"),
        men=Sum("volunteers_men"),
    )
    with timezone.override(mission_tz()):
        activity = networks_summary(networks, start=filters.start, end=filters.end)
    sector = filters.sector_id or ""
    return {
        "locations": coverage["locations"],
        "locations_with_network": coverage["covered"],
        "coverage": coverage["covered"] / coverage["locations"] if coverage["locations"] else None,
        "networks": totals["networks"],
        "volunteers": [
            {"gender": Gender.FEMALE, "count": totals["women"] or 0},
            {"gender": Gender.MALE, "count": totals["men"] or 0},
        ],
        "new": activity["new"],
        "active": activity["active"],
        "silent": activity["silent"],
        "silent_networks": activity["silent_networks"],
        "networks_url": url_or_empty("clas:network_list", {"sector": sector}),
    }


def _clas(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """Deployed CLAs (one open deployment each) by gender and by kind of location."""
    rows = (
        Deployment.objects.filter(
            end_date__isnull=True, location__in=_locations(user=user, filters=filters)
        )
        .values("cla__gender", "location__kind")
        .annotate(n=Count("cla_id", distinct=True))
        .order_by()
    )
    by_gender = dict.fromkeys(Gender.values, 0)
    by_kind = dict.fromkeys(Location.Kind.values, 0)
    for r in rows:
        by_gender[r["cla__gender"]] = by_gender.get(r["cla__gender"], 0) + r["n"]
        by_kind[r["location__kind"]] = by_kind.get(r["location__kind"], 0) + r["n"]
    sector = filters.sector_id or ""
    return {
        "total": sum(by_gender.values()),
        "by_gender": [
            {
                "gender": gender,
                "count": n,
                "clas_url": url_or_empty("clas:cla_list", {"gender": gender}),
            }
            for gender, n in by_gender.items()
        ],
        "by_location_kind": [
            {
                "kind": kind,
                "count": n,
                "locations_url": url_or_empty(
                    "clas:location_list", {"kind": kind, "sector": sector}
                ),
            }
            for kind, n in by_kind.items()
        ],
    }


def _plans(*, user: User, filters: DashboardFilters, today: dt.date) -> dict[str, Any]:
    plans = plan_list(user=user).select_related(None)
    if filters.sector_id:
        plans = plans.filter(location__sector_id=filters.sector_id)
    counts = dict(plans.values_list("status").annotate(n=Count("pk")).order_by())
    due = plan_reviews_due(plans, end=today)
    sector = filters.sector_id or ""
    return {
        "total": sum(counts.values()),
        "by_status": [
            {
                "status": status,
                "count": counts.get(status, 0),
                "plans_url": url_or_empty(
                    "protection_plans:plan_list", {"status": status, "sector": sector}
                ),
            }
            for status in ProtectionPlan.Status.values
        ],
        "reviews_overdue": sum(1 for r in due if r["overdue"]),
        "reviews_due": due,
        "overdue_url": url_or_empty(
            "protection_plans:plan_list", {"review_overdue": "true", "sector": sector}
        ),
    }


def _only_civilian(
    *, user: User, filters: DashboardFilters, counts: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Temporary operating bases, where the CLA is the only civilian, with their CLAs."""
    bases = (
        _locations(user=user, filters=filters)
        .filter(kind=Location.Kind.TEMPORARY)
        .select_related("sector")
        .prefetch_related(
            Prefetch(
                "deployments",
                queryset=Deployment.objects.filter(end_date__isnull=True)
                .select_related("cla__user")
                .order_by("cla__user__last_name", "cla__user__first_name"),
                to_attr="open_deployments",
            )
        )
        .order_by("name")
    )
    return [
        {
            "id": base.pk,
            "name": base.name,
            "prefecture": base.prefecture,
            "sector": base.sector.name,
            "clas": [
                {
                    "id": d.cla_id,
                    "name": d.cla.user.get_full_name() or d.cla.user.username,
                    "gender": d.cla.gender,
                }
                for d in base.open_deployments
            ],
            "alerts": counts.get(base.pk, {}).get("n", 0),
            "alerts_url": _alerts_url(filters, location=base.pk),
        }
        for base in bases
    ]


def _map(
    counts: dict[int, dict[str, int]],
    places: dict[int, dict[str, Any]],
    filters: DashboardFilters,
) -> dict[str, Any]:
    """GeoJSON: one point per location with its alert counts, not one per alert."""
    features = []
    for location_id, p in places.items():
        row = counts.get(location_id, {})
        features.append(
            {
                "type": "Feature",
                "id": location_id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(p["longitude"]), float(p["latitude"])],
                },
                "properties": {
                    "name": p["name"],
                    "kind": p["kind"],
                    "prefecture": p["prefecture"],
                    "alerts": row.get("n", 0),
                    "unacknowledged": row.get("waiting", 0),
                    "alerts_url": _alerts_url(filters, location=location_id),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "period": {"start": filters.start, "end": filters.end},
        "features": features,
    }


def _compute(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    today = mission_today()
    alerts = dashboard_alerts(user=user, filters=filters)
    groups = _groups(alerts)
    counts = _by_location(groups)
    places = _places(user=user, filters=filters, counts=counts)
    summary = _alert_summary(alerts, filters)
    figures = {
        "period": {"start": filters.start, "end": filters.end},
        "filters": {"sector": filters.sector_id, "category": filters.category_id},
        "generated_at": timezone.now(),
        "alerts": {
            key: summary[key]
            for key in (
                "total",
                "alerts_url",
                "unacknowledged",
                "unacknowledged_url",
                "confirmed_share",
                "by_status",
                "by_channel",
            )
        },
        "alerts_per_week": _per_week(alerts, filters),
        "alerts_by_category": _by_category(groups, filters),
        "alerts_by_prefecture": _by_prefecture(counts, places, filters),
        "response_times": {**summary["times"], "acknowledge_histogram": summary["histogram"]},
        "response_times_near_base": _near_base_times(alerts, filters),
        "community_informed": summary["community"],
        "networks": _networks(user=user, filters=filters),
        "clas": _clas(user=user, filters=filters),
        "plans": _plans(user=user, filters=filters, today=today),
        "only_civilian_locations": _only_civilian(user=user, filters=filters, counts=counts),
    }
    return {"figures": figures, "map": _map(counts, places, filters)}


def _cached(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """The figures and the map of a scope and filters, kept 60 s: the map the page's script
    asks for right after the page comes from the same entry. Computed on every request while
    the cache is down: slower, but the dashboard still answers."""
    return cache_get_or_compute(
        _cache_key(user, filters), lambda: _compute(user=user, filters=filters), CACHE_SECONDS
    )


def dashboard_figures(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """Every figure of the dashboard for the user's scope and the filters."""
    return _cached(user=user, filters=filters)["figures"]


def dashboard_map(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """The locations in scope as GeoJSON points with their alert counts for the filters."""
    return _cached(user=user, filters=filters)["map"]
