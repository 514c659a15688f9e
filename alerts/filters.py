"""Filters of the alert list in the API.

The choices a filter offers (sectors, locations, queues) come from the user's scope, so a
filter can never be used to learn that an object outside it exists. A value that cannot be
read is a 400 naming the filter; a category code nobody uses simply matches nothing.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from alerts.geo import filter_near_base
from alerts.models import Alert, Channel, Severity, TriangulationQueue, Urgency
from alerts.search import SEARCH_MAX_LENGTH, alert_search
from alerts.selectors import queue_list
from alerts.serializers import MAX_ID
from clas.models import Location, Sector
from clas.selectors import location_list, sector_list
from core.pages import scoped_choices
from core.validators import validate_plausible_year


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, mission time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AlertFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label=_("Search"),
        help_text=_(
            "Words of the description or the place (French and English forms), or a reference."
        ),
    )
    status = filters.ChoiceFilter(choices=Alert.Status.choices, label=_("Status"))
    category = filters.CharFilter(
        method="filter_category",
        max_length=40,
        label=_("Threat category"),
        help_text=_("Id or code of a threat category."),
    )
    location = filters.ModelChoiceFilter(
        queryset=scoped_choices(location_list, Location), label=_("Location")
    )
    sector = filters.ModelChoiceFilter(
        queryset=scoped_choices(sector_list, Sector),
        field_name="location__sector",
        label=_("Sector"),
    )
    queue = filters.ModelChoiceFilter(
        queryset=scoped_choices(queue_list, TriangulationQueue), label=_("Queue")
    )
    urgency = filters.ChoiceFilter(choices=Urgency.choices, label=_("Urgency"))
    channel = filters.ChoiceFilter(
        choices=Channel.choices, label=_("Channel"), help_text=_("How the alert came in.")
    )
    severity = filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    # A choice rather than a BooleanFilter, whose widget reads any other word as "not given".
    near_base = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_near_base",
        label=_("Near a base"),
        help_text=_(
            "true: alerts within NEAR_BASE_KM (5 km unless configured) of a base; false: the "
            "others, farther or without coordinates."
        ),
    )
    reported_after = filters.DateFilter(
        method="filter_reported_after",
        validators=[validate_plausible_year],
        label=_("Reported on or after"),
        help_text=_("ISO date (YYYY-MM-DD), mission time."),
    )
    reported_before = filters.DateFilter(
        method="filter_reported_before",
        validators=[validate_plausible_year],
        label=_("Reported on or before"),
        help_text=_("ISO date (YYYY-MM-DD), mission time; the whole day is included."),
    )

    class Meta:
        model = Alert
        fields = [
            "q",
            "status",
            "category",
            "location",
            "sector",
            "queue",
            "urgency",
            "severity",
            "channel",
            "near_base",
            "reported_after",
            "reported_before",
        ]

    def filter_q(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet:
        return alert_search(queryset, value)

    def filter_category(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet:
        value = value.strip()
        if re.fullmatch(r"[0-9]{1,18}", value):
            number = int(value)
            return queryset.filter(category_id=number) if number <= MAX_ID else queryset.none()
        return queryset.filter(category__code=value)

    def filter_near_base(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet:
        return filter_near_base(queryset, value == "true")

    def filter_reported_after(
        self, queryset: QuerySet[Alert], name: str, value: dt.date
    ) -> QuerySet:
        return queryset.filter(reported_at__gte=start_of(value))

    def filter_reported_before(
        self, queryset: QuerySet[Alert], name: str, value: dt.date
    ) -> QuerySet:
        return queryset.filter(reported_at__lt=start_of(value + dt.timedelta(days=1)))
