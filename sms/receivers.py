"""The SMS work the services ask for, handed to the `sms` queue (see sms.signals), and the SMS
notifications of what the alert services announce (alerts.signals, and the escalation event
written on an alert's timeline)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from alerts import signals as alert_signals
from alerts.models import Alert, AlertEvent
from sms import signals
from sms.tasks import (
    notify_escalation_sms,
    notify_flash_sms,
    notify_news_sms,
    process_incoming_sms,
    send_sms,
)

logger = logging.getLogger("sms.services")


@receiver(signals.incoming_received, dispatch_uid="sms.receivers.enqueue_incoming")
def enqueue_incoming(sender: Any, *, message_id: int, **kwargs: Any) -> None:
    process_incoming_sms.delay(message_id)


@receiver(signals.outgoing_queued, dispatch_uid="sms.receivers.enqueue_outgoing")
def enqueue_outgoing(sender: Any, *, message_id: int, countdown: int = 0, **kwargs: Any) -> None:
    send_sms.apply_async((message_id,), countdown=countdown or None)


def _enqueue_notification(task: Any, alert_id: int) -> None:
    # Never in the way of the alert's own notification (email): a broker that is down leaves
    # the SMS to the sweep (sms.services.sms_sweep catches up on the last hour).
    try:
        task.delay(alert_id)
    except Exception as exc:
        logger.warning("SMS notification of alert %s left for the sweep: %s", alert_id, exc)


@receiver(
    alert_signals.flash_notification_requested,
    sender=Alert,
    dispatch_uid="sms.receivers.notify_flash",
)
def notify_flash(sender: Any, *, alert_id: int, **kwargs: Any) -> None:
    _enqueue_notification(notify_flash_sms, alert_id)


@receiver(post_save, sender=AlertEvent, dispatch_uid="sms.receivers.notify_escalation")
def notify_escalation(sender: Any, instance: AlertEvent, created: bool, **kwargs: Any) -> None:
    if created and instance.kind == AlertEvent.Kind.ESCALATED:
        alert_id = instance.alert_id
        transaction.on_commit(lambda: _enqueue_notification(notify_escalation_sms, alert_id))


@receiver(alert_signals.news_for_cla, sender=Alert, dispatch_uid="sms.receivers.notify_news")
def notify_news(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    try:
        notify_news_sms.delay(event_id)
    except Exception as exc:  # the broker is down: the page and the email still tell the CLA
        logger.warning("SMS news of event %s not queued: %s", event_id, exc)
