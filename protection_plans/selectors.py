"""Reads for Community Protection Plans, scoped to the user's locations."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from clas.models import User
from clas.selectors import scoped_location_ids
from protection_plans.models import IN_FORCE, ProtectionPlan


def plan_list(*, user: User) -> QuerySet[ProtectionPlan]:
    qs = ProtectionPlan.objects.select_related("location__sector")
    ids = scoped_location_ids(user)
    return qs if ids is None else qs.filter(location__in=ids)


def plan_for_location(*, user: User, location_id: int) -> ProtectionPlan | None:
    """The plan of a location the user may see, or None (no plan, or out of scope)."""
    return plan_list(user=user).filter(location=location_id).first()


def plan_detail_queryset(*, user: User) -> QuerySet[ProtectionPlan]:
    return plan_list(user=user).prefetch_related(
        "threats__category", "vulnerable_groups", "measures", "versions"
    )


def with_review_overdue(qs: QuerySet[ProtectionPlan]) -> QuerySet[ProtectionPlan]:
    """Plan rows with `review_overdue`: in force and past their next review date."""
    overdue = Q(status__in=IN_FORCE, next_review_due__lt=timezone.localdate())
    return qs.annotate(
        review_overdue=Case(
            When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
