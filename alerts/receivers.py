"""Work the alert services ask for and leave to the Celery workers (see alerts.signals).

Connected by AlertsConfig.ready(). An error here (the broker is down) goes back to the
service that sent the signal, which keeps the alert for the periodic sweep.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from alerts import signals
from alerts.services.escalation import escalation_schedule
from alerts.tasks import notify_flash_alert, route_alert


@receiver(signals.routing_requested, dispatch_uid="alerts.receivers.enqueue_routing")
def enqueue_routing(sender: Any, *, alert_id: int, **kwargs: Any) -> None:
    route_alert.delay(alert_id)


@receiver(
    signals.flash_notification_requested,
    dispatch_uid="alerts.receivers.enqueue_flash_notification",
)
def enqueue_flash_notification(sender: Any, *, alert_id: int, **kwargs: Any) -> None:
    notify_flash_alert.delay(alert_id)


@receiver(signals.flash_alert_routed, dispatch_uid="alerts.receivers.schedule_escalation")
def schedule_escalation(sender: Any, *, alert: Any, **kwargs: Any) -> None:
    """In the routing transaction: when the alert escalates if nobody acknowledges it."""
    escalation_schedule(alert=alert)
