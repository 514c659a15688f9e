"""The form of a queue's escalation policy: the policy's own fields and one row per tier.

The forms only type the input; the rules (at least one tier, delays increasing, who may be
told on this queue) are alerts.services.escalation's, shared with the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alerts.models import EscalationRecipients, TriangulationQueue
from alerts.services.escalation import (
    MAX_TIERS,
    Policy,
    PolicyInput,
    PolicyInvalid,
)

# Empty rows offered below the tiers: a tier is added by filling one (works without script).
EXTRA_ROWS = 2


class EscalationPolicyForm(forms.Form):
    repeat_minutes = forms.IntegerField(
        label=_("Repeat the last tier every (minutes)"),
        help_text=_("Until someone acknowledges the alert. At least 5 minutes."),
        required=False,
    )
    operations_centre_email = forms.EmailField(
        label=_("Operations centre email"),
        help_text=_("Needed for a tier that tells the sector's operations centre."),
        required=False,
    )
    operations_centre_language = forms.ChoiceField(
        label=_("Language of the operations centre"), choices=settings.LANGUAGES
    )


class TierForm(forms.Form):
    delay_minutes = forms.IntegerField(label=_("After (minutes)"), required=False)
    recipients = forms.ChoiceField(
        label=_("Who is told"),
        choices=[("", "—"), *EscalationRecipients.choices],
        required=False,
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("delay_minutes") is None and not data.get("recipients")


TierFormSet = forms.formset_factory(
    TierForm, extra=EXTRA_ROWS, can_delete=True, max_num=MAX_TIERS + EXTRA_ROWS
)


def policy_forms(
    queue: TriangulationQueue, policy: Policy, data: Any = None
) -> tuple[EscalationPolicyForm, Any]:
    """The two forms, bound to `data` or filled from the policy."""
    initial = {
        "repeat_minutes": policy.repeat_minutes,
        "operations_centre_email": queue.operations_centre_email,
        "operations_centre_language": queue.operations_centre_language,
    }
    tiers = [{"delay_minutes": t.delay_minutes, "recipients": t.recipients} for t in policy.tiers]
    if data is None:
        return EscalationPolicyForm(initial=initial), TierFormSet(initial=tiers, prefix="tier")
    return EscalationPolicyForm(data), TierFormSet(data, prefix="tier")


def policy_input(form: EscalationPolicyForm, formset: Any) -> tuple[PolicyInput, list[Any]]:
    """What the valid forms say, and the tier rows kept in the order given (blank and
    removed rows left out), to put the service's row errors back on them."""
    rows = [
        row for row in formset.forms if not row.cleaned_data.get("DELETE") and not row.is_blank()
    ]
    data = form.cleaned_data
    return (
        PolicyInput(
            repeat_minutes=data["repeat_minutes"],
            tiers=[
                (row.cleaned_data["delay_minutes"], row.cleaned_data["recipients"]) for row in rows
            ],
            operations_centre_email=data["operations_centre_email"] or "",
            operations_centre_language=data["operations_centre_language"],
        ),
        rows,
    )


def add_policy_errors(form: EscalationPolicyForm, rows: list[Any], exc: PolicyInvalid) -> list[str]:
    """Put the service's errors on the fields they concern; returns those about the tiers as
    a whole."""
    for name, messages in exc.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
    for index, errors in exc.rows.items():
        for name, messages in errors.items():
            for message in messages:
                rows[index].add_error(name, message)
    return list(exc.fields.get("tiers", []))
