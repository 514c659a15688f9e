"""Reads for Community Protection Plans, scoped to the user's locations."""

from __future__ import annotations

from django.db.models import QuerySet

from clas.models import User
from clas.selectors import scoped_location_ids
from protection_plans.models import ProtectionPlan


def plan_list(*, user: User) -> QuerySet[ProtectionPlan]:
    qs = ProtectionPlan.objects.select_related("location__sector")
    ids = scoped_location_ids(user)
    return qs if ids is None else qs.filter(location__in=ids)


def plan_detail_queryset(*, user: User) -> QuerySet[ProtectionPlan]:
    return plan_list(user=user).prefetch_related(
        "threats__category", "vulnerable_groups", "measures", "versions"
    )
