"""Writes of the notifications: what the CLA is told about their alerts, in the pages and by
email, and what they have read.

`alert_news_notify` runs in a worker for an event of alerts.signals.news_for_cla. It does
nothing twice whatever runs it again: one row per event and recipient (a unique constraint),
and each email claimed by a conditional update in the transaction that sends it, so an email
that fails is sent by the task's next try and one that went out is never sent again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from alerts.models import AlertEvent
from alerts.selectors import alert_followers
from clas.models import User
from core.logging import log_bind, log_context
from notifications import emails
from notifications.models import Notification
from notifications.selectors import NEWS

logger = logging.getLogger("notifications.services")


@log_context()
def alert_news_notify(*, event_id: int) -> int:
    """Tell the followers of the event's alert, but not who did it: a notification on their
    page and an email. Returns how many notifications were added this time."""
    event = (
        AlertEvent.objects.select_related("alert__location", "alert__category", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.kind not in NEWS:
        return 0
    log_bind(alert=event.alert.reference)
    added = 0
    for person in alert_followers(event.alert):
        if person.pk == event.actor_id:
            continue
        _notification, created = Notification.objects.get_or_create(
            event=event,
            recipient=person,
            defaults={"alert": event.alert, "created_at": event.at},
        )
        added += created
    waiting = (
        Notification.objects.filter(event=event, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient")
    )
    for notification in waiting:
        _email(notification, event)
    return added


def _email(notification: Notification, event: AlertEvent) -> None:
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            # An error here undoes the claim: the task's next try sends it.
            emails.send_alert_news(event=event, recipient=notification.recipient)


def notification_mark_read(*, user: User, notification_id: int) -> int:
    """Mark one of the user's notifications read; another's is left alone (0)."""
    return Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
