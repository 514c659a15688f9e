"""Settings of the benchmarks: production, plus a baseline view and a long task of their own.

Used only by the scripts in bench/ (DJANGO_SETTINGS_MODULE=bench.settings); the product's
URLs and tasks are untouched.
"""

from __future__ import annotations

from config.settings.production import *  # noqa: F403
from config.settings.production import CELERY_TASK_ROUTES, STORAGES

ROOT_URLCONF = "bench.urls"
# The stand-in for report generation, on the reports queue like reporting.tasks.
CELERY_IMPORTS = ["bench.tasks"]
CELERY_TASK_ROUTES = {**CELERY_TASK_ROUTES, "bench.tasks.*": {"queue": "reports"}}
# Nothing is collected for a benchmark and no page is rendered: no manifest needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
