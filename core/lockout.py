"""Sign-in refused after too many failures (django-axes): who is asking, and what they are told.

The answer is the same whether the username exists or not: axes counts failures per username
and address, known or not.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the first of TRUSTED_PROXY_COUNT proxies saw: counted from
    the right of X-Forwarded-For, as the entries on the left are whatever the client sent."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not count or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(count, len(addresses))]


def lockout_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return _(
        "Too many failed attempts to sign in with this username from this device. Signing in "
        "is paused for %(minutes)s minutes: try again later, or reset your password."
    ) % {"minutes": minutes}


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for the API, the login page again
    (with what was typed as username, never the password) for people."""
    message = lockout_message()
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "locked_message": message, "next": request.POST.get("next", "")}
        response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
