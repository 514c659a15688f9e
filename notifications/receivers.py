"""The work alerts.signals asks of the notifications, handed to a worker.

Connected by NotificationsConfig.ready()."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from alerts import signals as alert_signals
from alerts.models import Alert
from notifications.tasks import notify_alert_news

logger = logging.getLogger("notifications.services")


@receiver(
    alert_signals.news_for_cla, sender=Alert, dispatch_uid="notifications.receivers.alert_news"
)
def enqueue_alert_news(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    try:
        notify_alert_news.delay(event_id)
    except Exception as exc:  # the broker is down: the action stands, the CLA is not told
        logger.warning("Notification of event %s not queued: %s", event_id, exc)
