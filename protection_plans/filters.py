"""Filters of the protection plan list, shared by the page and the API."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from clas.filters import ANY, StrictBooleanFilter, scoped_choices
from clas.models import Sector
from clas.selectors import sector_list
from protection_plans.models import ProtectionPlan

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


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        empty_label=ANY, choices=ProtectionPlan.Status.choices, label=_("Status")
    )
    sector = filters.ModelChoiceFilter(
        empty_label=ANY,
        queryset=scoped_choices(sector_list, Sector),
        field_name="location__sector",
        label=_("Sector"),
    )
    review_overdue = StrictBooleanFilter(
        method="filter_review_overdue",
        label=_("Review overdue"),
        help_text=_("True: plans in force whose next review date has passed."),
    )

    class Meta:
        model = ProtectionPlan
        fields = ["status", "sector", "review_overdue"]

    def filter_review_overdue(
        self, queryset: QuerySet[ProtectionPlan], name: str, value: bool
    ) -> QuerySet[ProtectionPlan]:
        return queryset.filter(review_overdue=value)
