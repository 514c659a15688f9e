"""Settings of the Celery workers the integration tests start.

The test settings with tasks sent through the broker, and the unacknowledged task of a
killed worker delivered again within seconds rather than the production hour
(INTEGRATION_VISIBILITY_TIMEOUT, 5 s unless a test says otherwise).
"""

from __future__ import annotations

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ.get("INTEGRATION_VISIBILITY_TIMEOUT", "5")),
    # Look for unacknowledged tasks past their visibility timeout every second.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
