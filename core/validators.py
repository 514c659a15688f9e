"""Validators shared by forms, filters, serializers and services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Dates far outside these years are typing errors (and near the ends date arithmetic overflows).
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def validate_plausible_year(value: dt.date) -> None:
    """Refuse a date whose year is surely mistyped (0202, 20026)."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_("Check the year of this date."), code="implausible_year")
