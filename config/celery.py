"""The one Celery app, configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery

# Connects the task_failure signal that counts failed tasks, in every worker.
import core.metrics  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("earlywarning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
