from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = _("SMS")

    def ready(self) -> None:
        # Connects the receivers to the signals the services send (sms.signals).
        from sms import receivers  # noqa: F401
