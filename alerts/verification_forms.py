"""Forms of the alert page's verification: record a check, give the Admiralty grade.

They only type the input; alerts.services.verification decides, and its field errors come
back on these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import (
    Alert,
    InformationCredibility,
    SourceReliability,
    Triangulation,
    VerificationCheck,
)
from alerts.services.verification import may_verify
from alerts.transitions import OPEN_STATES
from clas.models import User


class VerificationForm(forms.Form):
    """Carries the alert's version: a form sent from a page out of date is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": alert.version})
        super().__init__(*args, **kwargs)
        self.alert = alert


class CheckForm(VerificationForm):
    prefix = "check"

    method = forms.ChoiceField(
        label=_("How it was checked"),
        choices=Triangulation.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it was checked.")},
    )
    result = forms.ChoiceField(
        label=_("What the check found"),
        choices=VerificationCheck.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the check found.")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Who was asked or what was seen. Never the name of who reported the alert."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GradeForm(VerificationForm):
    prefix = "grade"

    source_reliability = forms.ChoiceField(
        label=_("Reliability of the source"),
        choices=SourceReliability.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the reliability of the source, from A to F."),
            "invalid_choice": _("Choose the reliability of the source, from A to F."),
        },
    )
    information_credibility = forms.TypedChoiceField(
        label=_("Credibility of the information"),
        choices=InformationCredibility.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the credibility of the information, from 1 to 6."),
            "invalid_choice": _("Choose the credibility of the information, from 1 to 6."),
        },
    )

    def __init__(self, *args: Any, alert: Alert, **kwargs: Any) -> None:
        if alert.grade:
            kwargs.setdefault(
                "initial",
                {
                    "version": alert.version,
                    "source_reliability": alert.source_reliability,
                    "information_credibility": alert.information_credibility,
                },
            )
        super().__init__(*args, alert=alert, **kwargs)


def verification_panel(
    user: User, alert: Alert, *, bound: VerificationForm | None = None
) -> dict[str, Any]:
    """What the alert page shows of the verification: the checks, and the forms for who may
    record them (the one just sent kept bound, with its errors)."""
    panel: dict[str, Any] = {
        "checks": list(alert.checks.select_related("checked_by")),
        "forms": [],
    }
    if alert.status in OPEN_STATES and may_verify(user, alert):
        for form_class in (CheckForm, GradeForm):
            keep = bound is not None and isinstance(bound, form_class)
            panel["forms"].append(bound if keep else form_class(alert=alert))
    return panel
