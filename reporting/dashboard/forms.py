"""The dashboard's filters, read the same way by the page and the API.

A value that cannot be read is reported on its field and replaced by its default: the page
shows the error and the default figures, the API answers 400 naming the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import ThreatCategory
from clas.models import Sector, User
from clas.selectors import sector_list
from core.validators import validate_plausible_year
from core.widgets import DateInput
from reporting.dashboard.selectors import DashboardFilters, dashboard_default_filters


class DashboardFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("Reported on or after this day (mission time). Default: the last 90 days."),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput,
        validators=[validate_plausible_year],
        help_text=_("Reported on or before this day (mission time). Default: today."),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Threat category"),
        queryset=ThreatCategory.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = dashboard_default_filters()
        self.fields["start"].initial = default.start
        self.fields["end"].initial = default.end
        self.fields["sector"].queryset = sector_list(user=user)
        self.fields["category"].queryset = ThreatCategory.objects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            del data["start"], data["end"]
            raise forms.ValidationError(
                _("The end of the period is before its start."), code="period_order"
            )
        return data

    def filters(self) -> DashboardFilters:
        """The filters to apply: the valid values, and the default for every other one.

        Only a start: from then to today. Only an end: the 90 days up to it."""
        default = dashboard_default_filters()
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and not end:
            end = max(default.end, start)
        elif end and not start:
            start = end - (default.end - default.start)
        elif not start:
            start, end = default.start, default.end
        sector, category = data.get("sector"), data.get("category")
        return DashboardFilters(
            start=start,
            end=end,
            sector_id=sector.pk if sector else None,
            category_id=category.pk if category else None,
        )
