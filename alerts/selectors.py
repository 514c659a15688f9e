"""Reads for alerts and queues, with what each user may see built in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from alerts import permissions
from alerts.geo import near_base_q
from alerts.models import (
    Alert,
    AlertDispatch,
    DutyShift,
    IdentityView,
    Severity,
    ThreatCategory,
    TriangulationQueue,
    Urgency,
)
from clas.models import CLA, CommunityAlertNetwork, Deployment, FocalPoint, Location, Role, User
from clas.selectors import focal_point_list, location_list, network_list, scoped_location_ids
from core.metrics import DispatchBacklog


def alert_list(*, user: User) -> QuerySet[Alert]:
    """Alerts the user may see.

    CLA: alerts of their location, those they logged and those logged on their behalf (heard
    from them by phone or radio). Coordinator: their area. Force officer: alerts in the queues
    of their sector, and those they logged (before routing puts them on a queue). HQ and
    admin: all.
    """
    qs = Alert.objects.select_related(
        "location__sector",
        "category",
        "queue",
        "logged_by",
        "assigned_to",
        "case_lead",
        "nearest_base",
    )
    if user.is_mission_wide:
        return qs
    if user.role == Role.FORCE:
        if not user.sector_id:
            return qs.filter(logged_by=user)
        return qs.filter(Q(queue__sector_id=user.sector_id) | Q(logged_by=user))
    ids = scoped_location_ids(user) or []
    if user.role == Role.CLA:
        return qs.filter(Q(location__in=ids) | Q(logged_by=user) | Q(received_from_cla__user=user))
    return qs.filter(location__in=ids)


def my_alert_list(*, user: User) -> QuerySet[Alert]:
    """The alerts a user follows: those they logged and those logged on their behalf."""
    return alert_list(user=user).filter(Q(logged_by=user) | Q(received_from_cla__user=user))


def alert_followers(alert: Alert) -> list[User]:
    """Who is told what happens to an alert (signals.news_for_cla): the CLA who logged it and
    the CLA it was logged on behalf of (heard by phone or radio), if their accounts are active.
    """
    people = Q(pk=alert.logged_by_id, role=Role.CLA)
    if alert.received_from_cla_id:
        people |= Q(cla_profile__pk=alert.received_from_cla_id)
    return list(User.objects.filter(people, is_active=True).order_by("pk"))


def case_members(*, alert: Alert) -> list[Alert]:
    """The case an alert belongs to, its lead first then the alerts merged into it by
    reference; [] for an alert in no case. Not scoped: the pages link only to the members the
    reader may see (alert_list), and show the others' reference and status alone."""
    lead = alert.case_lead if alert.case_lead_id else alert
    followers = list(
        Alert.objects.filter(case_lead_id=lead.pk)
        .select_related("logged_by")
        .order_by("reported_at", "pk")
    )
    return [lead, *followers] if followers else []


def queue_order() -> tuple[Any, ...]:
    """The order of a triangulation queue: most urgent first; among the same urgency, alerts
    near a base (alerts.geo.NEAR_BASE_KM) first, then the most severe; among equals, the one
    waiting longest."""
    near_first = Case(When(near_base_q(), then=Value(0)), default=Value(1))
    return ("urgency_rank", near_first, "severity_rank", "reported_at", "pk")


def queue_list(*, user: User) -> QuerySet[TriangulationQueue]:
    qs = TriangulationQueue.objects.select_related("sector")
    if user.is_mission_wide:
        return qs
    if user.role == Role.FORCE:
        return qs.filter(sector_id=user.sector_id) if user.sector_id else qs.none()
    return qs.none()


def category_list() -> QuerySet[ThreatCategory]:
    return ThreatCategory.objects.filter(is_active=True)


# --- what an alert may be logged with -----------------------------------------------------


@dataclass(frozen=True)
class IntakeChoices:
    """The rows a user may pick in a new alert, on the page form and in the API alike."""

    locations: QuerySet[Location]
    categories: QuerySet[ThreatCategory]
    networks: QuerySet[CommunityAlertNetwork]
    # Whom an alert heard by phone or radio may be logged on behalf of (received_from).
    clas: QuerySet[CLA]
    focal_points: QuerySet[FocalPoint]


def intake_choices(*, user: User | AnonymousUser | None) -> IntakeChoices:
    """Active locations of the user's scope, active categories, networks of the scope not
    dissolved, and whom a call may be logged for (relay_clas, relay_focal_points); nothing
    without a signed-in user."""
    if user is None or not user.is_authenticated:
        return IntakeChoices(
            locations=Location.objects.none(),
            categories=ThreatCategory.objects.none(),
            networks=CommunityAlertNetwork.objects.none(),
            clas=CLA.objects.none(),
            focal_points=FocalPoint.objects.none(),
        )
    return IntakeChoices(
        locations=location_list(user=user).filter(is_active=True),
        categories=category_list(),
        networks=network_list(user=user).exclude(status=CommunityAlertNetwork.Status.DISSOLVED),
        clas=relay_clas(user=user),
        focal_points=relay_focal_points(user=user),
    )


def relay_clas(*, user: User) -> QuerySet[CLA]:
    """The CLAs a user may log an alert for, heard from them by phone or radio: a CLA only
    themselves; a coordinator the CLAs deployed in their area; a Force officer those deployed
    in their sector; HQ and admins any CLA deployed somewhere. Each carries the name of the
    location of their open deployment (`location_name`)."""
    open_deployment = Deployment.objects.filter(cla=OuterRef("pk"), end_date__isnull=True)
    qs = (
        CLA.objects.select_related("user")
        .filter(user__is_active=True)
        .annotate(location_name=Subquery(open_deployment.values("location__name")[:1]))
    )
    if user.role == Role.CLA and not user.is_mission_wide:
        return qs.filter(user=user)
    ids = scoped_location_ids(user)
    if ids is not None:
        open_deployment = open_deployment.filter(location_id__in=ids)
    return qs.filter(Exists(open_deployment))


def relay_focal_points(*, user: User) -> QuerySet[FocalPoint]:
    """The focal points a user may log an alert for: those of the networks of their scope
    that are not dissolved (for a CLA, the networks of their location). Never for the Force,
    who may not see focal points' names (clas.permissions.may_see_focal_points)."""
    return (
        focal_point_list(user=user)
        .exclude(network__status=CommunityAlertNetwork.Status.DISSOLVED)
        .select_related("network__location")
        .order_by("network__location__name", "network__name", "name", "pk")
    )


# --- the record of who was shown whose identity ------------------------------------------


def identity_view_list(
    *, user: User, shown_to: str = "", alert: str = ""
) -> QuerySet[IdentityView]:
    """Displays of a source's identity, newest first: mission admins only.

    `shown_to`: a username or a user id; `alert`: an alert's reference or id. Empty: all."""
    if not permissions.may_see_identity_views(user):
        return IdentityView.objects.none()
    qs = IdentityView.objects.select_related("user", "alert").order_by("-at", "-id")
    shown_to, alert = shown_to.strip(), alert.strip()
    if shown_to:
        user_id = _as_id(shown_to)
        qs = qs.filter(user_id=user_id) if user_id else qs.filter(user__username=shown_to)
    if alert:
        alert_id = _as_id(alert)
        qs = qs.filter(alert_id=alert_id) if alert_id else qs.filter(alert__reference=alert.upper())
    return qs


def _as_id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 16 else None


# --- on-duty rotas (alerts.services.rota) -------------------------------------------------


def _on_duty_at(at: dt.datetime) -> Q:
    """Shifts running at `at` whose officer still works the queue."""
    return Q(starts_at__lte=at, ends_at__gt=at, officer__is_active=True) & Q(
        officer__queues=F("queue")
    )


def shift_list(*, queue: TriangulationQueue, since: dt.datetime) -> QuerySet[DutyShift]:
    """The shifts of a queue that end after `since`, in order."""
    return (
        DutyShift.objects.filter(queue=queue, ends_at__gt=since)
        .select_related("officer")
        .order_by("starts_at", "pk")
    )


def duty_now(queues: Iterable[TriangulationQueue], *, at: dt.datetime) -> dict[int, DutyShift]:
    """The shift running at `at` on each of `queues`, by queue id (one query)."""
    ids = [queue.pk for queue in queues]
    shifts = DutyShift.objects.filter(_on_duty_at(at), queue_id__in=ids).select_related("officer")
    return {shift.queue_id: shift for shift in shifts}


def queues_without_duty(*, user: User, at: dt.datetime) -> QuerySet[TriangulationQueue]:
    """The queues the user sees with nobody on duty at `at`, each with `next_shift_at` (the
    start of its next shift, None when none is planned)."""
    running = DutyShift.objects.filter(_on_duty_at(at), queue=OuterRef("pk"))
    following = DutyShift.objects.filter(queue=OuterRef("pk"), starts_at__gt=at).order_by(
        "starts_at"
    )
    return (
        queue_list(user=user)
        .exclude(Exists(running))
        .annotate(next_shift_at=Subquery(following.values("starts_at")[:1]))
        .order_by("sector__name", "name", "pk")
    )


# --- the pipeline as operators watch it (registered with core.metrics by AlertsConfig) -----


def dispatch_backlog(now: dt.datetime | None = None) -> DispatchBacklog:
    """Alerts saved but not yet routed (outbox rows still pending), and the oldest one's age."""
    now = now or timezone.now()
    row = AlertDispatch.objects.filter(state=AlertDispatch.State.PENDING).aggregate(
        pending=Count("id"), oldest=Min("created_at")
    )
    oldest = row["oldest"]
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return DispatchBacklog(pending=row["pending"], oldest_seconds=round(age, 1))


# What escalates when nobody acknowledges it (alerts.services.escalation.is_urgent): Immediate,
# Extreme or near a base, never an alert merged into a case. NEAR_BASE_KM as read at start-up.
URGENT = Q(case_lead__isnull=True) & (
    Q(urgency=Urgency.IMMEDIATE) | Q(severity=Severity.EXTREME) | near_base_q()
)


def urgent_unacknowledged() -> int:
    """Queued alerts nobody has acknowledged that escalate: Immediate, Extreme or near a base
    (merged followers excluded: their case's lead counts)."""
    return Alert.objects.filter(status=Alert.Status.QUEUED).filter(URGENT).count()
