"""The cache speeds pages up; it is never needed to answer one.

Redis going down (restart, out of memory, network) must make pages slower, not fail them:
every read or write of the cache on a request path goes through these functions, which log a
warning and carry on without the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# RedisError covers refused and dropped connections and timeouts of the client; OSError what
# the socket raises itself (a host that cannot be resolved or reached).
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)

_MISSING = object()


def _warn(action: str, key: str, exc: Exception) -> None:
    logger.warning("Cache %s of %s failed, going on without the cache: %s", action, key, exc)


def cache_get(key: str, default: Any = None) -> Any:
    """The cached value of key, or default when it is not cached or the cache is down."""
    try:
        return cache.get(key, default)
    except CACHE_ERRORS as exc:
        _warn("read", key, exc)
        return default


def cache_set(key: str, value: Any, timeout: int) -> bool:
    """Keep value for timeout seconds; False when the cache is down."""
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as exc:
        _warn("write", key, exc)
        return False
    return True


def cache_get_or_compute(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The cached value of key, or compute() kept for timeout seconds.

    When the cache is down the value is computed on every call, and no write is tried after a
    failed read: a second wait on a dead server would only slow the page down further.
    """
    try:
        value = cache.get(key, _MISSING)
    except CACHE_ERRORS as exc:
        _warn("read", key, exc)
        return compute()
    if value is not _MISSING:
        return value
    value = compute()
    cache_set(key, value, timeout)
    return value
