"""How reporting follows the alert pipeline, which announces and never imports reporting.

Connected by ReportingConfig.ready().
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from alerts.models import Alert
from alerts.signals import flash_alert_routed
from reporting.services import flash_report_open
from reporting.tasks import compile_flash_digest

logger = logging.getLogger(__name__)


@receiver(flash_alert_routed, dispatch_uid="reporting.receivers.open_flash_report")
def open_flash_report(sender: Any, *, alert: Alert, **kwargs: Any) -> None:
    """A flash alert was routed: its flash report opens in the same transaction, and the
    sector's flash digest is compiled once that transaction is committed."""
    flash_report_open(alert=alert)
    transaction.on_commit(lambda: flash_digest_enqueue(alert_id=alert.pk))


def flash_digest_enqueue(*, alert_id: int) -> None:
    try:
        compile_flash_digest.delay(alert_id)
    except Exception as exc:  # broker down: routing is done; the day's digests cover the alert
        logger.warning("Flash digest of alert %s not queued: %s", alert_id, exc)
