from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    # No models: backups and restores of the database and the generated files.
    name = "ops"
