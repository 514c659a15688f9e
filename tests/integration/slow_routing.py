"""Loaded by the worker of the kill tests only (`celery worker --include`).

Routing does all its writes, drops a marker file named `<alert id>-<process id>` and then
holds its transaction open for INTEGRATION_ROUTE_DELAY seconds, so that a test can kill the
worker after the writes and before the commit: the worst moment to die.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from alerts import services

_alert_route = services.alert_route
DELAY = float(os.environ["INTEGRATION_ROUTE_DELAY"])
MARKERS = Path(os.environ["INTEGRATION_MARKER_DIR"])


def slow_alert_route(*, alert_id: int) -> bool:
    with transaction.atomic():
        routed = _alert_route(alert_id=alert_id)
        (MARKERS / f"{alert_id}-{os.getpid()}").touch()
        time.sleep(DELAY)
    return routed


services.alert_route = slow_alert_route
