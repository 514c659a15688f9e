"""Filters of the report archive, shared by the page and the API.

The sector and location choices come from the user's scope, so a filter never tells that a
report outside it exists; a value that makes no sense is a form error (the page shows no
rows, the API answers 400), never a server error.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from clas.models import Location, Sector
from clas.selectors import location_list, sector_list
from core.pages import scoped_choices
from core.validators import validate_plausible_year
from core.widgets import DateInput
from reporting.models import Report

SEARCH_MAX_LENGTH = 200


class ReportFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        label=_("Search"),
        help_text=_("Words in the title, the key events or the analysis."),
    )
    kind = filters.ChoiceFilter(choices=Report.Kind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=Report.Status.choices, label=_("Status"))
    origin = filters.ChoiceFilter(choices=Report.Origin.choices, label=_("Written or compiled"))
    sector = filters.ModelChoiceFilter(
        queryset=scoped_choices(sector_list, Sector), method="filter_sector", label=_("Sector")
    )
    location = filters.ModelChoiceFilter(
        queryset=scoped_choices(location_list, Location), label=_("Location")
    )
    period_after = filters.DateFilter(
        field_name="period_end",
        lookup_expr="gte",
        label=_("Period from"),
        help_text=_("Reports covering this day or later."),
        validators=[validate_plausible_year],
        widget=DateInput,
    )
    period_before = filters.DateFilter(
        field_name="period_start",
        lookup_expr="lte",
        label=_("Period to"),
        help_text=_("Reports covering this day or earlier."),
        validators=[validate_plausible_year],
        widget=DateInput,
    )

    class Meta:
        model = Report
        fields = [
            "q",
            "kind",
            "status",
            "origin",
            "sector",
            "location",
            "period_after",
            "period_before",
        ]

    def filter_text(self, queryset: QuerySet[Report], name: str, value: str) -> QuerySet[Report]:
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(key_events__icontains=word)
                | Q(narrative__icontains=word)
            )
        return queryset

    def filter_sector(
        self, queryset: QuerySet[Report], name: str, value: Sector
    ) -> QuerySet[Report]:
        return queryset.filter(Q(sector=value) | Q(location__sector=value))
