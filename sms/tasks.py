"""SMS tasks, on the `sms` queue (CELERY_TASK_ROUTES): thin wrappers that take an id and call
a service. Every service is idempotent, so a task delivered twice does no harm."""

from __future__ import annotations

from celery import shared_task

from core.periodic import RETRYING_TASK, single_run
from sms import services


@shared_task(**RETRYING_TASK, retry_backoff=2)
def process_incoming_sms(message_id: int) -> str:
    return services.incoming_process(message_id=message_id)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_sms(self: object, message_id: int) -> str:
    # The service keeps count of the attempts and decides when to give up (the dead
    # letters); Celery only waits the delay it asks for.
    outcome = services.outgoing_send(message_id=message_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)  # type: ignore[attr-defined]
    return outcome.state


@shared_task(**RETRYING_TASK, retry_backoff=2)
def notify_flash_sms(alert_id: int) -> int:
    return services.sms_notify_flash(alert_id=alert_id)


@shared_task(**RETRYING_TASK, retry_backoff=2)
def notify_escalation_sms(alert_id: int) -> int:
    return services.sms_notify_escalation(alert_id=alert_id)


@shared_task(**RETRYING_TASK, retry_backoff=2)
def notify_news_sms(event_id: int) -> int:
    return services.sms_notify_news(event_id=event_id)


@shared_task
@single_run("sms.sweep", timeout=300)
def sweep_sms() -> dict[str, int]:
    return services.sms_sweep()
