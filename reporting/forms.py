"""Forms of the report pages. They only type and bound the input: the rules (period, location,
one report per day, who reviews) are reporting.services', whose field errors the views put
back on these forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.validators import validate_plausible_year
from core.widgets import DateInput
from reporting.models import Report
from reporting.services import ReviewDecision

# What each kind of report asks for, in the order the form shows it.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Report.Kind.DAILY: ("security_level", "key_events", "can_activity", "needs"),
    Report.Kind.WEEKLY: ("security_level", "key_events", "narrative", "needs"),
    Report.Kind.FLASH: ("security_level", "key_events", "narrative", "needs"),
}

_LABELS: dict[str, dict[str, tuple[Promise, Promise]]] = {
    Report.Kind.DAILY: {
        "key_events": (
            _("Key events of the day"),
            _("Incidents, movements, meetings. If the day was calm, write so."),
        ),
        "can_activity": (
            _("Alert network activity"),
            _("Calls and messages from the network, focal points who could not be reached."),
        ),
        "needs": (_("Needs"), _("Radios, phone credit, batteries, transport...")),
    },
    Report.Kind.WEEKLY: {
        "key_events": (_("Main events of the week"), _("The events that mattered most.")),
        "narrative": (
            _("Analysis"),
            _("Trends, threats building up, what the community expects, what should be done."),
        ),
        "needs": (_("Needs"), _("Radios, phone credit, batteries, transport...")),
    },
    Report.Kind.FLASH: {
        "key_events": (
            _("What happened"),
            _("Prefilled from the alert: complete it with what you learned since."),
        ),
        "narrative": (
            _("Analysis and response"),
            _("Risk for the population, what the Force and the community did or should do."),
        ),
        "needs": (_("Needs"), _("What is needed right now.")),
    },
}


def last_week_monday(today: dt.date) -> dt.date:
    """The Monday of the week a weekly analysis written today most likely covers: the
    current week from Tuesday on, the week just ended on a Monday."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday - dt.timedelta(days=7) if today.weekday() == 0 else monday


class ReportForm(forms.Form):
    """The text of a written report; the period too when the report is opened."""

    period_start = forms.DateField(
        label=_("Day"), widget=DateInput, validators=[validate_plausible_year]
    )
    security_level = forms.ChoiceField(
        label=_("Security situation"),
        choices=[("", _("Choose...")), *Report.SecurityLevel.choices],
        required=False,
    )
    key_events = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=Report._meta.get_field("key_events").max_length,
    )
    can_activity = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=Report._meta.get_field("can_activity").max_length,
    )
    needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=Report._meta.get_field("needs").max_length,
    )
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=Report._meta.get_field("narrative").max_length,
    )

    def __init__(self, *args: Any, kind: str, with_period: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {*KIND_FIELDS[kind], *(("period_start",) if with_period else ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.order_fields(["period_start", *KIND_FIELDS[kind]])
        for name, (label, help_text) in _LABELS[kind].items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        if with_period and kind == Report.Kind.WEEKLY:
            self.fields["period_start"].label = _("Week starting on (Monday)")

    def content(self) -> dict[str, str]:
        """The typed text, as report_create and report_update take it."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "period_start"}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment to the CLA"),
        help_text=_("Required to return the report: say what to change."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=Report._meta.get_field("review_comment").max_length,
    )


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("As of"), required=False, widget=DateInput, validators=[validate_plausible_year]
    )
