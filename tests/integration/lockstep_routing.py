"""Loaded by the workers of the deadlock test only (`celery worker --include`).

Routing stops right after putting its alert on the queue (its alert row locked and updated,
in its transaction) until every worker of the test has reached the same point, or 20 s have
passed: the moment two workers routing alerts of the same place then link each one to the
other. A file `met-<alert id>` says the workers were there together.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from alerts.services import routing

_put_on_queue = routing._put_on_queue
MARKERS = Path(os.environ["INTEGRATION_MARKER_DIR"])
TOGETHER = int(os.environ.get("INTEGRATION_LOCKSTEP", "2"))
WAIT = float(os.environ.get("INTEGRATION_LOCKSTEP_WAIT", "20"))


def lockstep_put_on_queue(alert: Any, *args: Any) -> None:
    _put_on_queue(alert, *args)
    (MARKERS / f"at-{alert.pk}").touch()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if len(list(MARKERS.glob("at-*"))) >= TOGETHER:
            (MARKERS / f"met-{alert.pk}").touch()
            return
        time.sleep(0.02)


routing._put_on_queue = lockstep_put_on_queue
