"""Who is told, and when: the flash notification of Immediate and Extreme alerts, and the
escalation of urgent alerts nobody acknowledged in time.

Both happen once per alert whatever runs them (a task delivered twice, the periodic sweep):
the notification is recorded on the timeline under the alert's lock, the escalation is
claimed by a conditional update.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts import notifications, signals, texts
from alerts.models import Alert, AlertEvent, TriangulationQueue, Urgency
from alerts.notifications import Recipient
from clas.models import Role, User
from core import metrics
from core.logging import log_bind, log_context

# One logger for the whole alert pipeline: operators follow "alerts.services" in the logs.
logger = logging.getLogger("alerts.services")


# --- flash notification -------------------------------------------------------------------


def flash_recipients(alert: Alert) -> list[Recipient]:
    """The queue's officers and the coordinators of the alert's field office, each with the
    language they read."""
    people = User.objects.none()
    if alert.queue_id:
        people = alert.queue.officers.exclude(email="")
    office_id = alert.location.field_office_id or alert.location_id
    coordinators = User.objects.filter(
        role=Role.COORDINATOR, field_office_id=office_id, is_active=True
    ).exclude(email="")
    rows = [
        *people.values_list("email", "language"),
        *coordinators.values_list("email", "language"),
    ]
    # One email per address, whoever else has it.
    return sorted({email: Recipient(email, language) for email, language in rows}.values())


def flash_notification_enqueue(*, alert_id: int) -> None:
    """After the routing of a flash alert is committed: queue its notification."""
    try:
        signals.flash_notification_requested.send(sender=Alert, alert_id=alert_id)
    except Exception as exc:  # broker down: the sweep notifies unsent flash alerts later
        logger.warning("Flash notification of alert %s deferred: %s", alert_id, exc)


@log_context()
def alert_notify_flash(*, alert_id: int) -> bool:
    """Email the officers and coordinators about an Immediate or Extreme alert, once."""
    with transaction.atomic():
        alert = (
            # Only the alert row: PostgreSQL cannot lock the nullable side of the queue join.
            Alert.objects.select_for_update(of=("self",), no_key=True)
            .select_related("location", "category", "queue")
            .get(pk=alert_id)
        )
        log_bind(alert=alert.reference)
        if alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).exists():
            return False
        recipients = flash_recipients(alert)
        if recipients:
            notifications.send_flash_alert_email(alert=alert, recipients=recipients)
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.NOTIFIED,
            data={
                "recipients": len(recipients),
                **texts.coded(texts.NOTIFIED, count=len(recipients)),
            },
        )
    return True


# --- escalation ---------------------------------------------------------------------------


def alert_escalate_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate Immediate alerts nobody acknowledged within their queue's limit, once each."""
    now = now or timezone.now()
    escalated = 0
    for queue in TriangulationQueue.objects.select_related("senior_officer"):
        cutoff = now - dt.timedelta(minutes=queue.ack_limit_minutes)
        overdue = Alert.objects.filter(
            queue=queue,
            status=Alert.Status.QUEUED,
            urgency=Urgency.IMMEDIATE,
            escalated_at__isnull=True,
            routed_at__lte=cutoff,
        ).values_list("pk", flat=True)
        for alert_id in list(overdue[:200]):
            if alert_escalate(alert_id=alert_id, now=now):
                escalated += 1
    return {"escalated": escalated}


@log_context()
def alert_escalate(*, alert_id: int, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        # Claimed by a conditional update: two sweeps never escalate the same alert twice.
        claimed = Alert.objects.filter(
            pk=alert_id, escalated_at__isnull=True, status=Alert.Status.QUEUED
        ).update(escalated_at=now, version=F("version") + 1)
        if not claimed:
            return False
        alert = Alert.objects.select_related("queue__senior_officer", "location", "category").get(
            pk=alert_id
        )
        log_bind(alert=alert.reference)
        senior = alert.queue.senior_officer if alert.queue_id else None
        if senior is not None and senior.email:
            notifications.send_escalation_email(
                alert=alert, recipient=Recipient(senior.email, senior.language)
            )
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.ESCALATED,
            at=now,
            from_status=alert.status,
            to_status=alert.status,
            data={
                "senior_officer_id": senior.pk if senior else None,
                **texts.coded(texts.ESCALATED, minutes=alert.queue.ack_limit_minutes),
            },
        )
    metrics.alert_escalated()
    return True
