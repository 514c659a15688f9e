"""Reads for alerts and queues, with what each user may see built in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from alerts.models import (
    Alert,
    AlertDispatch,
    Severity,
    ThreatCategory,
    TriangulationQueue,
    Urgency,
)
from clas.models import CommunityAlertNetwork, Location, Role, User
from clas.selectors import location_list, network_list, scoped_location_ids
from core.metrics import DispatchBacklog


def alert_list(*, user: User) -> QuerySet[Alert]:
    """Alerts the user may see.

    CLA: alerts of their location and those they logged. Coordinator: their area.
    Force officer: alerts in the queues of their sector. HQ and admin: all.
    """
    qs = Alert.objects.select_related(
        "location__sector", "category", "queue", "logged_by", "assigned_to"
    )
    if user.is_mission_wide:
        return qs
    if user.role == Role.FORCE:
        return qs.filter(queue__sector_id=user.sector_id) if user.sector_id else qs.none()
    ids = scoped_location_ids(user) or []
    if user.role == Role.CLA:
        return qs.filter(Q(location__in=ids) | Q(logged_by=user))
    return qs.filter(location__in=ids)


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


def intake_choices(*, user: User | AnonymousUser | None) -> IntakeChoices:
    """Active locations of the user's scope, active categories, networks of the scope not
    dissolved; nothing without a signed-in user."""
    if user is None or not user.is_authenticated:
        return IntakeChoices(
            locations=Location.objects.none(),
            categories=ThreatCategory.objects.none(),
            networks=CommunityAlertNetwork.objects.none(),
        )
    return IntakeChoices(
        locations=location_list(user=user).filter(is_active=True),
        categories=category_list(),
        networks=network_list(user=user).exclude(status=CommunityAlertNetwork.Status.DISSOLVED),
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


def urgent_unacknowledged() -> int:
    """Queued alerts nobody has acknowledged that are Immediate or Extreme (flash alerts)."""
    return (
        Alert.objects.filter(status=Alert.Status.QUEUED)
        .filter(Q(urgency=Urgency.IMMEDIATE) | Q(severity=Severity.EXTREME))
        .count()
    )
