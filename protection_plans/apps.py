from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionPlansConfig(AppConfig):
    name = "protection_plans"
    verbose_name = _("Community Protection Plans")

    def ready(self) -> None:
        # protection_plans.sections reads the models, not importable before the apps are ready.
        from protection_plans.sections import sections_register

        sections_register()
