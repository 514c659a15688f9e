"""The form of a duty shift. It only types the input; the rules (no overlap, an officer of the
queue, at most 24 hours, nothing changed after the shift) are alerts.services.rota's, shared
with the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.forms import DateTimeLocalInput
from alerts.models import DutyShift, TriangulationQueue
from alerts.services.rota import MAX_NOTE_LENGTH, ShiftInput
from clas.models import User


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ShiftForm(forms.Form):
    officer = OfficerChoiceField(
        label=_("Officer on duty"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the officer on duty."),
            "invalid_choice": _("Choose an active officer of this queue."),
        },
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=DateTimeLocalInput,
        help_text=_("Mission time."),
        error_messages={
            "required": _("Enter when the shift starts."),
            "invalid": _("Enter a date and time, like 2026-03-01 18:00."),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=DateTimeLocalInput,
        help_text=_("Mission time. At most 24 hours after the start."),
        error_messages={
            "required": _("Enter when the shift ends."),
            "invalid": _("Enter a date and time, like 2026-03-02 06:00."),
        },
    )
    handover_note = forms.CharField(
        label=_("Hand-over note"),
        help_text=_("What the next officer must know."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_NOTE_LENGTH,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        queue: TriangulationQueue,
        shift: DutyShift | None = None,
        now: dt.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.shift = shift
        now = now or timezone.now()
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        people = Q(pk__in=queue.officers.filter(is_active=True).values("pk"))
        if shift is not None:
            people |= Q(pk=shift.officer_id)
        officer.queryset = User.objects.filter(people).order_by(
            "first_name", "last_name", "username"
        )
        if shift is not None and shift.ends_at <= now:
            # History: only the note can change.
            for name in ("officer", "starts_at", "ends_at"):
                del self.fields[name]
        elif shift is not None and shift.starts_at <= now:
            self.fields["officer"].disabled = True
            self.fields["starts_at"].disabled = True

    @classmethod
    def for_shift(
        cls, shift: DutyShift, data: Any = None, *, now: dt.datetime | None = None
    ) -> ShiftForm:
        initial = {
            "officer": shift.officer_id,
            "starts_at": shift.starts_at,
            "ends_at": shift.ends_at,
            "handover_note": shift.handover_note,
        }
        return cls(data, queue=shift.queue, shift=shift, initial=initial, now=now)

    @property
    def note_only(self) -> bool:
        return "starts_at" not in self.fields

    def shift_input(self) -> ShiftInput:
        data = self.cleaned_data
        note = data.get("handover_note") or ""
        if self.note_only:
            assert self.shift is not None
            return ShiftInput(
                officer_id=self.shift.officer_id,
                starts_at=self.shift.starts_at,
                ends_at=self.shift.ends_at,
                handover_note=note,
            )
        return ShiftInput(
            officer_id=data["officer"].pk,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            handover_note=note,
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for name, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
