"""Notification tasks: thin wrappers that take an id and call a service (idempotent)."""

from __future__ import annotations

from celery import shared_task

from core.periodic import RETRYING_TASK, single_run
from notifications import services


@shared_task(**RETRYING_TASK, retry_backoff=10)
def notify_alert_news(event_id: int) -> int:
    return services.alert_news_notify(event_id=event_id)


@shared_task
@single_run("notifications.sweep_news", timeout=300)
def sweep_alert_news() -> dict[str, int]:
    return services.alert_news_sweep()
