from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClasConfig(AppConfig):
    name = "clas"
    verbose_name = _("People and places")
