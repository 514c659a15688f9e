"""Response times of one alert, measured from the moment it was logged.

The time from alert to response is the system's headline outcome: these are the figures the
alert page shows. They are computed from the alert's own timestamps, so no query is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert

# (key, timestamp field, label), in the order of the lifecycle.
MILESTONES: tuple[tuple[str, str, str | Promise], ...] = (
    ("acknowledge", "acknowledged_at", _("Time to acknowledge")),
    ("outcome", "outcome_at", _("Time to outcome")),
    ("response", "responded_at", _("Time to response")),
    ("close", "closed_at", _("Time to close")),
)


@dataclass(frozen=True)
class ResponseTime:
    key: str
    label: str | Promise
    duration: dt.timedelta | None  # None: not reached yet


def response_times(alert: Alert) -> dict[str, dt.timedelta | None]:
    """Time from logging to each milestone, None for those not reached yet."""
    start = alert.created_at
    times: dict[str, dt.timedelta | None] = {}
    for key, field, _label in MILESTONES:
        reached = getattr(alert, field)
        times[key] = max(reached - start, dt.timedelta(0)) if reached and start else None
    return times


def response_time_rows(alert: Alert) -> list[ResponseTime]:
    """The same figures with their labels, for display."""
    times = response_times(alert)
    return [ResponseTime(key, label, times[key]) for key, _field, label in MILESTONES]


def waiting_time(alert: Alert, now: dt.datetime | None = None) -> dt.timedelta:
    """How long the alert has been waiting for an acknowledgement (or waited, once given)."""
    end = alert.acknowledged_at or now or timezone.now()
    return max(end - alert.created_at, dt.timedelta(0))
