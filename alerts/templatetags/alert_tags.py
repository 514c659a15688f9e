"""Display helpers of the alert pages: durations, status badges, who did what."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import texts
from alerts.models import Alert, AlertEvent
from alerts.timing import waiting_time
from clas.models import User
from core.formatting import duration_text

register = template.Library()

_STATUS_BADGES = {
    Alert.Status.NEW: "badge-muted",
    Alert.Status.QUEUED: "badge-warn",
    Alert.Status.ACKNOWLEDGED: "",
    Alert.Status.TRIANGULATING: "",
    Alert.Status.VERIFIED: "badge-ok",
    Alert.Status.RESPONDED: "badge-ok",
    Alert.Status.CLOSED: "badge-muted",
}


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A short, readable duration, as everywhere (core.formatting): "45 s", "12 min",
    "2 h 05 min", "3 d 4 h"."""
    return duration_text(value)


@register.filter
def waiting(alert: Alert, now: dt.datetime | None = None) -> str:
    return duration(waiting_time(alert, now))


@register.filter
def status_badge(status: str) -> str:
    """The badge class of an alert status."""
    return _STATUS_BADGES.get(status, "")


@register.filter
def person(user: User | None) -> str:
    """A user's name on the timeline; events without an actor are the system's."""
    if user is None:
        return _("System")
    return user.get_full_name() or user.username


@register.filter
def overdue_at(alert: Alert) -> dt.datetime | None:
    """When a queued alert passes the time limit of its queue for an acknowledgement."""
    if alert.status != Alert.Status.QUEUED or alert.queue is None:
        return None
    start = alert.routed_at or alert.created_at
    return start + dt.timedelta(minutes=alert.queue.ack_limit_minutes)


@register.filter
def overdue(alert: Alert, now: dt.datetime | None = None) -> bool:
    """Still not acknowledged after the time limit of its queue."""
    due = overdue_at(alert)
    return due is not None and (now or timezone.now()) > due


@register.filter
def status_label(status: str) -> str:
    """The label of a status code stored on a timeline event."""
    try:
        return str(Alert.Status(status).label)
    except ValueError:
        return status


@register.filter
def event_detail(event: AlertEvent) -> str:
    """What an event says besides its kind, in the reader's language (AlertEvent.detail)."""
    return event.detail


@register.filter
def link_reason(reason: str) -> str:
    """Why two alerts were linked, in the reader's language (the system's reasons are codes)."""
    return texts.link_reason(reason)
