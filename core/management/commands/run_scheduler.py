"""Run the periodic jobs of CELERY_BEAT_SCHEDULE in this process.

For the embedded default, where there is no broker and tasks run in-process; production
runs `celery beat` with the same schedule instead.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import current_app as app  # the project's app, made current when the settings load
from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs in-process (embedded default without a broker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks.")

    def handle(self, *args: Any, once: bool = False, tick: float = 5.0, **options: Any) -> None:
        app.loader.import_default_modules()
        entries = {
            name: (entry["task"], maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run: dict[str, Any] = {}
        if once:
            for name, (task, _) in entries.items():
                self._run(name, task)
            return
        self.stdout.write(f"Scheduler running {len(entries)} periodic jobs in-process.")
        now = timezone.now()
        for name in entries:
            last_run[name] = now
        while True:
            for name, (task, schedule) in entries.items():
                due, _next = schedule.is_due(last_run[name])
                if due:
                    last_run[name] = timezone.now()
                    self._run(name, task)
            time.sleep(tick)

    def _run(self, name: str, task: str) -> None:
        try:
            result = app.tasks[task].apply().get(propagate=True)
            logger.info("%s: %s", name, result)
        except Exception:  # one failing job must not stop the others
            logger.exception("Periodic job %s failed", name)
