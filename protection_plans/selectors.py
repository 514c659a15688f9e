"""Reads for Community Protection Plans, scoped to the user's locations."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

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


# Plans in force whose periodic review should have started by now.
_IN_FORCE = (ProtectionPlan.Status.ACTIVE, ProtectionPlan.Status.UNDER_REVIEW)


def with_review_overdue(qs: QuerySet[ProtectionPlan]) -> QuerySet[ProtectionPlan]:
    """Plan rows with `review_overdue`: in force and past their next review date."""
    overdue = Q(status__in=_IN_FORCE, next_review_due__lt=timezone.localdate())
    return qs.annotate(
        review_overdue=Case(
            When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
