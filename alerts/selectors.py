"""Reads for alerts and queues, with what each user may see built in."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alerts.models import Alert, ThreatCategory, TriangulationQueue
from clas.models import Role, User
from clas.selectors import scoped_location_ids


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


def can_see_source_identity(user: User, alert: Alert) -> bool:
    """Who reported to the CLA: that CLA, coordinators, and HQ staff given the permission."""
    if not user.is_authenticated or user.role == Role.FORCE:
        return False
    if alert.logged_by_id == user.pk:
        return True
    if user.role == Role.COORDINATOR:
        return True
    return user.role in (Role.HQ, Role.ADMIN) and user.can_view_source_identity


def category_list() -> QuerySet[ThreatCategory]:
    return ThreatCategory.objects.filter(is_active=True)
