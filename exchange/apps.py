from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Data for partners")

    def ready(self) -> None:
        # Connects the receivers to the signals the services send (exchange.signals).
        from alerts.list_links import list_link_register
        from exchange import receivers  # noqa: F401
        from exchange.permissions import may_export_alerts

        list_link_register(template="exchange/_alert_list_export.html", shown_to=may_export_alerts)
