"""Reads for people and places, with what each user may see built in.

Scope by role: a CLA sees their own location (open deployment); a coordinator the area of
their field office; a Force officer their sector; HQ staff and admins the whole mission.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    FocalPoint,
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
