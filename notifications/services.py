"""Writes of the notifications: what the CLA is told about their alerts, in the pages and by
email, and what they have read.

`alert_news_notify` runs in a worker for an event of alerts.signals.news_for_cla. It does
nothing twice whatever runs it again: one row per event and recipient (a unique constraint),
and each email claimed by a conditional update in the transaction that sends it, so an email
that fails is sent by the task's next try and one that went out is never sent again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alerts import signals
from alerts.models import Alert, AlertEvent
from alerts.selectors import alert_followers
from clas.models import Role, User
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


def alert_news_sweep(
    *,
    within: dt.timedelta = dt.timedelta(hours=6),
    older_than: dt.timedelta = dt.timedelta(minutes=2),
    limit: int = 500,
) -> dict[str, int]:
    """News of the last `within` that nobody was told about: the action was committed while
    the broker was down, so its news_for_cla never reached a worker. Announced again (page,
    email and SMS alike do nothing twice). Only alerts a CLA follows; `older_than` leaves the
    news still on their way alone."""
    now = timezone.now()
    missed = (
        AlertEvent.objects.filter(
            kind__in=list(NEWS), at__gte=now - within, at__lte=now - older_than
        )
        .filter(Q(alert__logged_by__role=Role.CLA) | Q(alert__received_from_cla__isnull=False))
        .exclude(Exists(Notification.objects.filter(event=OuterRef("pk"))))
        .order_by("at")
        .values_list("pk", "alert_id")[:limit]
    )
    announced = 0
    for event_id, alert_id in missed:
        for _receiver, outcome in signals.news_for_cla.send_robust(
            sender=Alert, alert_id=alert_id, event_id=event_id
        ):
            if isinstance(outcome, Exception):
                logger.warning("News of event %s not announced again: %r", event_id, outcome)
        announced += 1
    if announced:
        logger.info("Announced again the news of %d event(s) nobody was told about", announced)
    return {"announced_again": announced}
