"""Filters of the people and places lists, shared by the pages and the API.

Every choice a filter offers (sectors, locations) comes from the user's scope, so a filter
can never be used to learn that an object outside it exists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    Gender,
    Language,
    Location,
    Sector,
    Training,
)
from clas.selectors import location_list, sector_list
from core.pages import scoped_choices

ANY = _("Any")


class _BooleanWidget(BooleanWidget):
    """Like django-filter's, but keeps a value it does not know so the field can refuse it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ANY), ("true", _("Yes")), ("false", _("No"))]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        known = super().value_from_datadict(data, files, name)
        return known if known is not None or value in (None, "") else value


class _StrictBooleanField(forms.NullBooleanField):
    widget = _BooleanWidget

    def to_python(self, value: Any) -> bool | None:
        if value is True or value is False:
            return value
        if value in (None, ""):
            return None
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    """A yes/no filter that answers "maybe" with an error instead of ignoring it."""

    field_class = _StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _BooleanWidget)
        super().__init__(*args, **kwargs)


def _field_offices(request: HttpRequest | None) -> QuerySet[Location]:
    return scoped_choices(location_list, Location)(request).filter(kind=Location.Kind.PERMANENT)


class SectorFilter(filters.FilterSet):
    code = filters.CharFilter(lookup_expr="iexact", label=_("Code"))

    class Meta:
        model = Sector
        fields = ["code"]


class LocationFilter(filters.FilterSet):
    sector = filters.ModelChoiceFilter(
        empty_label=ANY, queryset=scoped_choices(sector_list, Sector), label=_("Sector")
    )
    kind = filters.ChoiceFilter(empty_label=ANY, choices=Location.Kind.choices, label=_("Kind"))
    prefecture = filters.CharFilter(lookup_expr="iexact", label=_("Prefecture"))
    field_office = filters.ModelChoiceFilter(
        empty_label=ANY, queryset=_field_offices, label=_("Field office")
    )
    is_active = StrictBooleanFilter(label=_("Active"))

    class Meta:
        model = Location
        fields = ["sector", "kind", "prefecture", "field_office", "is_active"]


class CLAFilter(filters.FilterSet):
    location = extend_schema_field(OpenApiTypes.INT)(
        filters.ModelChoiceFilter(
            empty_label=ANY,
            queryset=scoped_choices(location_list, Location),
            method="filter_location",
            label=_("Deployed at"),
        )
    )
    gender = filters.ChoiceFilter(empty_label=ANY, choices=Gender.choices, label=_("Gender"))
    connectivity = filters.ChoiceFilter(
        empty_label=ANY, choices=CLA.Connectivity.choices, label=_("Connectivity")
    )
    language = filters.ModelChoiceFilter(
        empty_label=ANY,
        queryset=Language.objects.all(),
        field_name="languages",
        to_field_name="code",
        label=_("Speaks"),
    )

    class Meta:
        model = CLA
        fields = ["location", "gender", "connectivity", "language"]

    def filter_location(self, queryset: QuerySet[CLA], name: str, value: Location) -> QuerySet:
        return queryset.filter(
            pk__in=Deployment.objects.filter(location=value, end_date__isnull=True).values("cla")
        )


class DeploymentFilter(filters.FilterSet):
    # By id for API clients; people filter by name or staff number (`person`).
    cla = filters.NumberFilter(field_name="cla", label=_("CLA (id)"), widget=forms.HiddenInput)
    person = filters.CharFilter(
        method="filter_person", label=_("CLA (name or staff number)"), max_length=100
    )
    location = filters.ModelChoiceFilter(
        empty_label=ANY, queryset=scoped_choices(location_list, Location), label=_("Location")
    )
    open = StrictBooleanFilter(
        field_name="end_date",
        lookup_expr="isnull",
        label=_("Open"),
        help_text=_("True: deployments without an end date; false: ended ones."),
    )

    class Meta:
        model = Deployment
        fields = ["cla", "person", "location", "open"]

    def filter_person(self, queryset: QuerySet[Deployment], name: str, value: str) -> QuerySet:
        words = value.split()
        if not words:
            return queryset
        match = Q(cla__staff_number__iexact=value.strip())
        by_name = Q()
        for word in words:
            by_name &= (
                Q(cla__user__first_name__icontains=word)
                | Q(cla__user__last_name__icontains=word)
                | Q(cla__user__username__icontains=word)
            )
        return queryset.filter(match | by_name)


class NetworkFilter(filters.FilterSet):
    sector = filters.ModelChoiceFilter(
        empty_label=ANY,
        queryset=scoped_choices(sector_list, Sector),
        field_name="location__sector",
        label=_("Sector"),
    )
    location = filters.ModelChoiceFilter(
        empty_label=ANY, queryset=scoped_choices(location_list, Location), label=_("Location")
    )
    status = filters.ChoiceFilter(
        empty_label=ANY, choices=CommunityAlertNetwork.Status.choices, label=_("Status")
    )

    class Meta:
        model = CommunityAlertNetwork
        fields = ["sector", "location", "status"]


class TrainingFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(empty_label=ANY, choices=Training.Kind.choices, label=_("Kind"))
    audience = filters.ChoiceFilter(
        empty_label=ANY, choices=Training.Audience.choices, label=_("Audience")
    )
    location = filters.ModelChoiceFilter(
        empty_label=ANY, queryset=scoped_choices(location_list, Location), label=_("Location")
    )
    held_after = filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("Held on or after")
    )
    held_before = filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("Held on or before")
    )

    class Meta:
        model = Training
        fields = ["kind", "audience", "location", "held_after", "held_before"]
