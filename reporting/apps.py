from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Not at the top: it imports models, which are loaded only now. Importing it connects
        # its receivers to the alert pipeline's signals (alerts.signals).
        from reporting import receivers  # noqa: F401
