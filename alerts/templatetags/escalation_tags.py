"""The escalation of the alerts on a page (alerts.services.escalation.escalation_states)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django import template

from alerts.models import Alert
from alerts.services.escalation import EscalationState, escalation_states

register = template.Library()


@register.simple_tag
def escalations(
    rows: Sequence[Alert], now: dt.datetime | None = None
) -> dict[int, EscalationState]:
    """By alert id, the escalation of each urgent queued alert among the rows."""
    return escalation_states(rows, now=now)


@register.filter
def escalation_of(states: dict[int, EscalationState], alert: Alert) -> EscalationState | None:
    return states.get(alert.pk)
