"""The forms of the likely duplicates of an alert on its page (confirm into one case, or
reject), and what the page shows of the case the alert belongs to.

The forms only type the input; alerts.services.cases decides, as for the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from alerts import permissions
from alerts.models import Alert, AlertLink
from alerts.selectors import alert_list, case_members
from alerts.services.cases import default_lead
from clas.models import User


class DuplicateConfirmForm(forms.Form):
    """Merge the alert of the page and a likely duplicate: which of the two leads the case."""

    lead = forms.TypedChoiceField(
        label=_("Which report leads the case?"),
        help_text=_("The Force works the lead; the other follows its outcome."),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose which report leads the case."),
            "invalid_choice": _("Choose which report leads the case."),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, alert: Alert, other: Alert, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"duplicate-{other.pk}")
        earliest = min((alert, other), key=lambda a: (a.reported_at, a.pk))
        proposed = default_lead(alert, other)
        kwargs.setdefault("initial", {"lead": proposed.pk, "version": alert.version})
        super().__init__(*args, **kwargs)
        self.other = other
        self.fields["lead"].choices = [
            (one.pk, _label(one, earliest=one == earliest)) for one in (alert, other)
        ]


def _label(alert: Alert, *, earliest: bool) -> str:
    reported = date_format(localtime(alert.reported_at), "Y-m-d H:i")
    if earliest:
        return str(_("%(reference)s, reported %(at)s (first reported)")) % {
            "reference": alert.reference,
            "at": reported,
        }
    return str(_("%(reference)s, reported %(at)s")) % {"reference": alert.reference, "at": reported}


def case_context(user: User, alert: Alert, *, bound: DuplicateConfirmForm | None = None) -> dict:
    """What the alert page shows of cases: the members of the alert's case (linked when the
    reader may see them), and for an officer of its queue the likely duplicates still to
    decide, each with its confirm form (the one just sent kept bound)."""
    members = case_members(alert=alert)
    visible = set(
        alert_list(user=user).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True)
    )
    suggestions: list[tuple[Alert, AlertLink, DuplicateConfirmForm]] = []
    if permissions.may_decide_duplicates(user, alert) and alert.case_lead_id is None:
        links = AlertLink.objects.filter(
            decision=AlertLink.Decision.SUGGESTED, kind=AlertLink.Kind.DUPLICATE
        ).select_related("from_alert", "to_alert")
        pairs = [(link.to_alert, link) for link in links.filter(from_alert=alert)]
        pairs += [(link.from_alert, link) for link in links.filter(to_alert=alert)]
        scoped = set(
            alert_list(user=user)
            .filter(pk__in=[o.pk for o, _l in pairs])
            .values_list("pk", flat=True)
        )
        for other, link in sorted(pairs, key=lambda p: (p[0].reported_at, p[0].pk)):
            # A report merged into a case is decided on through its case's lead.
            if other.pk not in scoped or other.case_lead_id is not None:
                continue
            keep = bound is not None and bound.other.pk == other.pk
            form = bound if keep else DuplicateConfirmForm(alert=alert, other=other)
            suggestions.append((other, link, form))
    return {
        "case_members": [(m, m.pk in visible) for m in members],
        "case_lead": members[0] if members else None,
        "duplicate_suggestions": suggestions,
    }
