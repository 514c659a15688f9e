"""The forms of the CLA's follow-up on the alert page: a note, and "community informed".

They only type the input; alerts.services.follow_up checks it (the API sends the same fields
to the same service), and its errors come back on the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.forms import DateTimeLocalInput
from alerts.models import InformedHow
from alerts.services.follow_up import MAX_INFORMED_BY, MAX_NOTE


class FollowUpForm(forms.Form):
    """Shared by both forms: the service's errors go on the fields they name."""

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def _note(*, required: bool, label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,  # the service strips and counts
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_NOTE}),
        error_messages={"required": _("Write the note.")},
    )


class FollowUpNoteForm(FollowUpForm):
    note = _note(required=True, label=_("Your note"))


class CommunityInformedForm(FollowUpForm):
    informed_at = forms.DateTimeField(
        label=_("When was the community informed?"),
        widget=DateTimeLocalInput,
        help_text=_("Mission time."),
        error_messages={
            "required": _("Enter when the community was informed."),
            "invalid": _("Enter a date and time, e.g. 2026-05-12 14:30."),
        },
    )
    how = forms.ChoiceField(
        label=_("How?"),
        choices=InformedHow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the community was informed."),
            "invalid_choice": _("Choose how the community was informed."),
        },
    )
    informed_by = forms.CharField(
        label=_("By whom?"),
        required=False,
        help_text=_("Leave it empty if you informed them yourself."),
        widget=forms.TextInput(attrs={"maxlength": MAX_INFORMED_BY, "autocomplete": "off"}),
    )
    note = _note(required=False, label=_("Note (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "informed_at", timezone.localtime().replace(second=0, microsecond=0)
            )
