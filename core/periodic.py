"""Periodic work that never overlaps itself, and the one place all schedules live."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def single_run(
    name: str, *, timeout: int = 600
) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
    """Skip a run while another run of the same job holds the lock.

    The lock is a cache key (Redis in production) with a timeout, so a worker that dies
    holding it only blocks the job for `timeout` seconds. Returns the job's summary dict,
    or {"skipped": 1} when another run was under way.
    """

    def decorate(func: Callable[..., dict]) -> Callable[..., dict]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> dict:
            key = f"lock:{name}"
            token = uuid.uuid4().hex
            if not cache.add(key, token, timeout):
                logger.info("%s skipped: another run holds the lock", name)
                return {"skipped": 1}
            try:
                return func(*args, **kwargs)
            finally:
                if cache.get(key) == token:
                    cache.delete(key)

        return wrapper

    return decorate


# Options of a task that takes an id and calls an idempotent service: acknowledged once done,
# delivered again if its worker dies, retried with backoff on any error (add retry_backoff).
RETRYING_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "max_retries": 5,
}
