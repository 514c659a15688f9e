"""API request rates (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, from the environment).

Each throttle reads its rate when a request comes, not when the module is imported as Django
REST framework's own do, so a changed setting takes effect at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rest_framework import throttling
from rest_framework.settings import api_settings

from core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


class _RateFromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: APIView) -> bool:
        # The counts live in the cache (Redis): while it is down every request is let through,
        # as the API must keep taking alerts (core.cache does the same for the dashboards).
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except CACHE_ERRORS as exc:
            logger.warning("API rate not counted, the cache is down: %r", exc)
            return True


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Per signed-in user (anonymous requests: per address)."""


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Per address, for requests without a user."""


class TokenRateThrottle(_RateFromSettings, throttling.SimpleRateThrottle):
    """The token endpoint, per address whoever asks: it checks passwords."""

    scope = "auth_token"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
