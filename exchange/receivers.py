"""Queues the exports the services asked for. Connected by ExchangeConfig.ready()."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from exchange.signals import export_requested
from exchange.tasks import build_export

logger = logging.getLogger(__name__)


@receiver(export_requested, dispatch_uid="exchange.receivers.queue_export")
def queue_export(sender: Any, *, export_id: int, **kwargs: Any) -> None:
    try:
        build_export.delay(export_id)
    except Exception as exc:  # broker down: the sweep queues waiting exports again
        logger.warning("Export %s not queued: %s", export_id, exc)
