"""Authentication backends of the test settings."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class ClientLoginAxesBackend(AxesStandaloneBackend):
    """django-axes as in production, except for the test client's `login()`, which
    authenticates without a request (axes refuses that): every sign-in through a page or the
    API, which always has one, is still counted and locked out."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
