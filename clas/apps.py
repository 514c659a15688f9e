from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import navigation_set


class ClasConfig(AppConfig):
    name = "clas"
    verbose_name = _("People and places")

    def ready(self) -> None:
        # clas.navigation reads clas.models, which cannot be imported before the apps are ready.
        from clas.navigation import NAVIGATION

        navigation_set(NAVIGATION)
