"""The form of a digest asked for now. It only types the input: the rules (role, period,
scope) are reporting.on_demand.services', whose field errors the view puts back here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clas.models import User
from core.validators import validate_plausible_year
from core.widgets import DateInput
from reporting.models import CompileRequest
from reporting.on_demand.selectors import compile_sectors

MISSION = "mission"


class CompileForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Digest"),
        choices=CompileRequest._meta.get_field("kind").choices,
        widget=forms.RadioSelect,
    )
    period_start = forms.DateField(
        label=_("Day"),
        help_text=_("A weekly digest covers the week of this day, Monday to Sunday."),
        widget=DateInput,
        validators=[validate_plausible_year],
    )
    scope = forms.ChoiceField(label=_("Covering"))
    distribute = forms.BooleanField(
        label=_("Send it to the distribution lists once compiled"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sectors = [(str(s.pk), s.name) for s in compile_sectors(user=user)]
        choices = [(MISSION, _("The whole mission"))] if user.is_mission_wide else []
        self.fields["scope"].choices = [*choices, *sectors]
        if len(self.fields["scope"].choices) == 1:
            self.fields["scope"].initial = self.fields["scope"].choices[0][0]

    def sector_id(self) -> int | None:
        scope = self.cleaned_data["scope"]
        return None if scope == MISSION else int(scope)


def initial_values(*, today: dt.date) -> dict[str, Any]:
    """Yesterday's daily digest: the most asked for (today's is compiled this evening)."""
    return {"kind": "daily", "period_start": today - dt.timedelta(days=1)}
