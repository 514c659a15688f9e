"""What partner systems and exports read: alerts of the reader's scope, and their own exports."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from alerts.models import Alert, AlertEvent
from alerts.selectors import alert_list
from clas.models import User
from exchange.models import Export


def cap_alert_list(*, user: User, since: dt.datetime | None = None) -> QuerySet[Alert]:
    """The user's alerts, newest first, each with `last_change` (its latest timeline event):
    the time its current CAP message was sent. `since`: logged after that time."""
    latest_event = (
        AlertEvent.objects.filter(alert=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]
    )
    qs = alert_list(user=user).annotate(last_change=Subquery(latest_event))
    if since is not None:
        qs = qs.filter(created_at__gt=since)
    return qs.order_by("-created_at", "-pk")


def export_list(*, user: User) -> QuerySet[Export]:
    """A person's own exports: nobody else's, whatever their role."""
    return Export.objects.filter(requested_by=user)
