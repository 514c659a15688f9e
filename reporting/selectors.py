"""Reads for reports, scoped like the locations they cover."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clas.models import Role, User
from clas.selectors import scoped_location_ids
from reporting.models import Report


def report_list(*, user: User) -> QuerySet[Report]:
    """CLAs and coordinators: reports of their locations; Force: compiled reports of their
    sector and the mission; HQ and admin: all."""
    qs = Report.objects.select_related("location", "sector", "author")
    if user.is_mission_wide:
        return qs
    if user.role == Role.FORCE:
        return qs.filter(origin=Report.Origin.COMPILED).filter(
            Q(scope=Report.Scope.MISSION) | Q(sector_id=user.sector_id)
        )
    ids = scoped_location_ids(user) or []
    return qs.filter(Q(location__in=ids) | Q(author=user))
