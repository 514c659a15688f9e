from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit history")

    def ready(self) -> None:
        # Not at the top: connecting to Celery's signals imports the task machinery.
        from audit import context  # noqa: F401

        post_migrate.connect(install_history_triggers, sender=self)


def install_history_triggers(using: str, **kwargs: Any) -> None:
    """Install the history triggers after a migrate (or a test flush), on PostgreSQL only:
    they are not in the migrations (PGTRIGGER_MIGRATIONS = False in the settings)."""
    if connections[using].vendor != "postgresql":
        return
    import pgtrigger

    pgtrigger.install(database=using)
