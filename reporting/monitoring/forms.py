"""The period of the monitoring and evaluation tables, read the same way by the page and the
API: a value that cannot be read is an error on its field, and the default period is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_year
from core.widgets import DateInput
from reporting.selectors import mission_today

# The default period of the monitoring tables: the last 30 days, today included.
DEFAULT_PERIOD_DAYS = 30


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or mission_today()
    return today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


class MonitoringPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("First day of the period (mission time). Default: 30 days ago."),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("Last day of the period (mission time). Default: today."),
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or mission_today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start", "end"):
            value = data.get(name)
            if value and value > self.today:
                self.add_error(name, _("This day is still to come: choose today or earlier."))
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="period_order"
            )
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The period asked for; the default one when nothing valid was asked.

        Only a start: from then to today. Only an end: the 30 days up to it."""
        default_start, default_end = default_period(self.today)
        if not self.is_bound or not self.is_valid():
            return default_start, default_end
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and not end:
            end = default_end
        elif end and not start:
            start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        elif not start:
            start, end = default_start, default_end
        return start, end
