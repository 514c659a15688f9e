"""Display helpers of the notifications page."""

from __future__ import annotations

from django import template

from alerts.models import AlertEvent
from notifications.selectors import headline

register = template.Library()


@register.filter
def notification_headline(event: AlertEvent) -> str:
    """What happened, in the reader's language: "ALT-2026-000123 acknowledged."."""
    return headline(event)
