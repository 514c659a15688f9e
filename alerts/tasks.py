"""Alert tasks: thin wrappers that load by id and call a service (all idempotent)."""

from __future__ import annotations

from celery import shared_task

from alerts import services
from core.periodic import RETRYING_TASK, single_run


@shared_task(**RETRYING_TASK, retry_backoff=2)
def route_alert(alert_id: int) -> bool:
    return services.alert_route(alert_id=alert_id)


@shared_task(**RETRYING_TASK, retry_backoff=10)
def notify_flash_alert(alert_id: int) -> bool:
    return services.alert_notify_flash(alert_id=alert_id)


@shared_task
@single_run("alerts.sweep_pending", timeout=300)
def sweep_pending_alerts() -> dict[str, int]:
    return services.alert_dispatch_sweep()


@shared_task
@single_run("alerts.escalate_overdue", timeout=300)
def escalate_overdue_alerts() -> dict[str, int]:
    return services.alert_escalate_overdue()
