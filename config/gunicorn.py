"""gunicorn settings of the production web (docker-compose: `gunicorn --config=config/gunicorn.py`).

Options given on the command line win over these.
"""

from __future__ import annotations

import os
from typing import Any

bind = "0.0.0.0:8000"
# gunicorn reads WEB_CONCURRENCY itself; this is the default without it.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
graceful_timeout = 30
# Behind the reverse proxy, which holds slow clients: a short keep-alive is enough.
keepalive = 5
accesslog = "-"
# Workers' heartbeat files in memory: on a container's overlay filesystem a write can stall
# long enough for the master to kill a healthy worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: drop its live gauges from the metrics (see core/metrics.py)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    # Imported here, in the master, and only in multiprocess mode: prometheus_client reads
    # PROMETHEUS_MULTIPROC_DIR at import. The files are named by core.metrics' identifier
    # (host and pid), not by the bare pid.
    from prometheus_client import multiprocess

    from core.metrics import process_identifier

    multiprocess.mark_process_dead(process_identifier(worker.pid))
