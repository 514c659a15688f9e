"""Reads for people and places, with what each user may see built in.

Scope by role: a CLA sees their own location (open deployment); a coordinator the area of
their field office; a Force officer their sector; HQ staff and admins the whole mission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    DeploymentEvent,
    FocalPoint,
    Gender,
    Location,
    Role,
    Sector,
    Training,
    User,
)
from clas.permissions import may_see_focal_points

_CACHE_ATTR = "_scoped_location_ids"


def scoped_location_ids(user: User) -> list[int] | None:
    """Ids of the locations the user works on, or None for the whole mission.

    Cached on the user object: one query per request however many selectors ask.
    """
    if not user.is_authenticated:
        return []
    if user.is_mission_wide:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.role == Role.CLA:
        ids = list(
            Deployment.objects.filter(cla__user=user, end_date__isnull=True).values_list(
                "location_id", flat=True
            )
        )
    elif user.role == Role.COORDINATOR and user.field_office_id:
        ids = list(
            Location.objects.filter(
                Q(pk=user.field_office_id) | Q(field_office_id=user.field_office_id)
            ).values_list("pk", flat=True)
        )
    elif user.role == Role.FORCE and user.sector_id:
        ids = list(Location.objects.filter(sector_id=user.sector_id).values_list("pk", flat=True))
    else:
        ids = []
    setattr(user, _CACHE_ATTR, ids)
    return ids


def _in_scope(qs: QuerySet, user: User, field: str) -> QuerySet:
    ids = scoped_location_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def sector_list(*, user: User) -> QuerySet[Sector]:
    qs = Sector.objects.all()
    if user.is_mission_wide:
        return qs
    if user.role == Role.FORCE:
        return qs.filter(pk=user.sector_id)
    return qs.filter(locations__in=scoped_location_ids(user) or []).distinct()


def location_list(*, user: User) -> QuerySet[Location]:
    return _in_scope(Location.objects.select_related("sector", "field_office"), user, "pk")


def cla_list(*, user: User) -> QuerySet[CLA]:
    """CLAs with an open deployment in the user's scope (all CLAs for the whole mission)."""
    qs = CLA.objects.select_related("user").prefetch_related("languages")
    ids = scoped_location_ids(user)
    if ids is None:
        return qs
    return qs.filter(deployments__end_date__isnull=True, deployments__location__in=ids).distinct()


def deployment_list(*, user: User) -> QuerySet[Deployment]:
    qs = Deployment.objects.select_related("cla__user", "location")
    if user.role == Role.CLA and not user.is_mission_wide:
        return qs.filter(Q(cla__user=user) | Q(location__in=scoped_location_ids(user)))
    return _in_scope(qs, user, "location")


def training_list(*, user: User) -> QuerySet[Training]:
    qs = Training.objects.select_related("location")
    ids = scoped_location_ids(user)
    if ids is None:
        return qs
    if user.role == Role.CLA:
        return qs.filter(Q(participants__user=user) | Q(location__in=ids)).distinct()
    return qs.filter(location__in=ids)


def network_list(*, user: User) -> QuerySet[CommunityAlertNetwork]:
    return _in_scope(
        CommunityAlertNetwork.objects.select_related("location", "established_by__user"),
        user,
        "location",
    )


def focal_point_list(*, user: User) -> QuerySet[FocalPoint]:
    if not may_see_focal_points(user):
        return FocalPoint.objects.none()
    return _in_scope(FocalPoint.objects.select_related("network"), user, "network__location")


def open_deployment_for(user: User) -> Deployment | None:
    return (
        Deployment.objects.select_related("location__sector")
        .filter(cla__user=user, end_date__isnull=True)
        .first()
    )


def with_open_deployment(qs: QuerySet[CLA]) -> QuerySet[CLA]:
    """CLA rows carrying their open deployment (`open_deployments`, zero or one) in one query."""
    return qs.prefetch_related(
        Prefetch(
            "deployments",
            queryset=Deployment.objects.filter(end_date__isnull=True).select_related("location"),
            to_attr="open_deployments",
        )
    )


def with_participant_count(qs: QuerySet[Training]) -> QuerySet[Training]:
    """Training rows with `participants_count`, counted apart from any filter on participants."""
    through = Training.participants.through
    count = (
        through.objects.filter(training_id=OuterRef("pk"))
        .order_by()
        .values("training_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        participants_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
    )


# --- The deployment board ----------------------------------------------------------------

# A deployment ending within this many days is a gap to fill soon.
ENDING_SOON_DAYS = 30

# The gaps the board counts, in the order it shows them.
GAP_NO_CLA = "no_cla"
GAP_SOLE_CIVILIAN = "sole_civilian"
GAP_NO_WOMAN = "no_woman"
GAP_ON_LEAVE = "on_leave"
GAP_ENDING = "ending"
GAPS = (GAP_NO_CLA, GAP_SOLE_CIVILIAN, GAP_NO_WOMAN, GAP_ON_LEAVE, GAP_ENDING)


@dataclass
class BoardRow:
    location: Location
    deployments: list[Deployment]
    gaps: set[str] = field(default_factory=set)


@dataclass
class Board:
    rows: list[BoardRow]
    # How many of each gap the user's scope has (before the filters).
    gap_counts: dict[str, int]
    sectors_without_women: list[Sector]


def current_deployments(*, today: dt.date) -> QuerySet[Deployment]:
    """Deployments the CLA is still on: open, or ending today or later."""
    return Deployment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def board_rows(
    *,
    user: User,
    today: dt.date,
    name: str = "",
    sector: str = "",
    prefecture: str = "",
    kind: str = "",
    gap: str = "",
) -> Board:
    """Every active location of the user's scope with the CLAs on it and its gaps.

    Two queries whatever the number of locations; the gaps are counted over the whole scope,
    the filters (sector by code, kind and gap by choice, name and prefecture as typed) then
    pick the rows.
    """
    deployments = (
        current_deployments(today=today).select_related("cla__user").order_by("start_date", "pk")
    )
    locations = list(
        location_list(user=user)
        .filter(is_active=True)
        .prefetch_related(Prefetch("deployments", queryset=deployments, to_attr="current"))
        .order_by("sector__name", "name")
    )
    women_in: set[int] = set()
    for location in locations:
        if any(d.cla.gender == Gender.FEMALE for d in location.current):
            women_in.add(location.sector_id)
    sectors_without_women = sorted(
        {loc.sector for loc in locations if loc.sector_id not in women_in}, key=lambda s: s.name
    )
    ending_by = today + dt.timedelta(days=ENDING_SOON_DAYS)
    rows = []
    for location in locations:
        current = location.current
        gaps = set()
        if not current and location.kind != Location.Kind.HQ:
            gaps.add(GAP_NO_CLA)
        if location.kind == Location.Kind.TEMPORARY and len(current) == 1:
            gaps.add(GAP_SOLE_CIVILIAN)
        if location.sector_id not in women_in:
            gaps.add(GAP_NO_WOMAN)
        if any(d.status == Deployment.Status.ON_LEAVE for d in current):
            gaps.add(GAP_ON_LEAVE)
        if any(d.end_date is not None and d.end_date <= ending_by for d in current):
            gaps.add(GAP_ENDING)
        rows.append(BoardRow(location=location, deployments=current, gaps=gaps))
    # Locations without CLA or with a lone CLA, sectors without a woman, CLAs on leave and
    # deployments ending soon: each gap counted in what it is about.
    current = [d for row in rows for d in row.deployments]
    counts = {
        GAP_NO_CLA: sum(1 for row in rows if GAP_NO_CLA in row.gaps),
        GAP_SOLE_CIVILIAN: sum(1 for row in rows if GAP_SOLE_CIVILIAN in row.gaps),
        GAP_NO_WOMAN: len(sectors_without_women),
        GAP_ON_LEAVE: sum(1 for d in current if d.status == Deployment.Status.ON_LEAVE),
        GAP_ENDING: sum(1 for d in current if d.end_date is not None and d.end_date <= ending_by),
    }
    name = name.strip().casefold()
    prefecture = prefecture.strip().casefold()
    rows = [
        row
        for row in rows
        if (
            not name or name in row.location.name.casefold() or name in row.location.code.casefold()
        )
        and (not sector or row.location.sector.code == sector)
        and (not prefecture or row.location.prefecture.casefold() == prefecture)
        and (not kind or row.location.kind == kind)
        and (not gap or gap in row.gaps)
    ]
    return Board(rows=rows, gap_counts=counts, sectors_without_women=sectors_without_women)


def assignable_clas(*, user: User) -> QuerySet[CLA]:
    """CLAs the user may deploy: those of their scope, and those deployed nowhere."""
    free = CLA.objects.exclude(deployments__end_date__isnull=True)
    scoped = cla_list(user=user)
    if scoped_location_ids(user) is None:
        return scoped
    return (
        CLA.objects.select_related("user")
        .filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=free.values("pk")))
        .distinct()
    )


def deployment_events(*, user: User, cla: CLA) -> QuerySet[DeploymentEvent]:
    """The history of a CLA's deployments, newest first; nothing for a CLA out of scope."""
    return DeploymentEvent.objects.filter(
        cla=cla, cla__in=cla_list(user=user).values("pk")
    ).select_related("actor", "deployment__location")
