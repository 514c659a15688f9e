"""Filters of the protection plan list, shared by the page and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from clas.filters import ANY, StrictBooleanFilter
from clas.models import Sector
from clas.selectors import sector_list
from core.pages import scoped_choices
from protection_plans.models import ProtectionPlan


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
