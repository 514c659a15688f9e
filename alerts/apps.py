from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import metrics


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Early warning")

    def ready(self) -> None:
        # Not at the top: both import models, which are loaded only now. Importing receivers
        # connects them to the signals the services send (alerts.signals).
        from alerts import receivers, selectors  # noqa: F401

        metrics.register_pipeline(
            metrics.PipelineReaders(
                dispatch_backlog=selectors.dispatch_backlog,
                urgent_unacknowledged=selectors.urgent_unacknowledged,
            )
        )
