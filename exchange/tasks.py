"""Export tasks on the `reports` queue: thin wrappers over exchange.services."""

from __future__ import annotations

from celery import shared_task

from core.periodic import single_run
from exchange import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_export(export_id: int) -> dict[str, int]:
    return services.export_build(export_id=export_id)


@shared_task
@single_run("exchange.sweep_exports", timeout=600)
def sweep_exports() -> dict[str, int]:
    return services.exports_sweep()
