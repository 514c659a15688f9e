"""The API's sign-in: a username and password for an expiring token, and signing out of it.

`POST /api/v1/auth/token/` is the twin of the login page: the same authentication backends,
so the same lockout (django-axes, README "Security: accounts") and the same refusal whether
the username exists or not. An account with two-step sign-in sends its code as `otp`, checked
as the page checks it (clas.two_factor): a wrong one counts as a failed sign-in. Only a hash of
the token is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, user_logged_in
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from clas import two_factor
from clas.models import User
from clas.services import api_token_create, api_token_revoke
from core.api import detail_error, field_errors
from core.throttling import TokenRateThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"), max_length=4096, trim_whitespace=False, write_only=True
    )
    otp = serializers.CharField(
        label=_("Code"),
        max_length=32,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_(
            "For an account with two-step sign-in: the 6-digit code of its authenticator app, "
            "or one of its recovery codes."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The Django request: django-axes counts failures on it and marks it locked out.
        request = self.context["request"]._request
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("The username and password do not match an active account."),
                code="authorization",
            )
        _second_step_check(request, user, attrs.get("otp", ""))
        attrs["user"] = user
        return attrs


def _second_step_check(request: HttpRequest, user: User, code: str) -> None:
    """The code, for an account that owes one; the same rules as the sign-in page."""
    if not two_factor.two_factor_enabled(user):
        if two_factor.two_factor_required(user):
            raise serializers.ValidationError(
                {
                    "otp": _(
                        "Your role must use two-step sign-in: sign in once in the browser to "
                        "set it up, then take a token with its code."
                    )
                },
                code="two_factor_setup",
            )
        return
    if not code:
        raise serializers.ValidationError(
            {"otp": _("Enter the code of your authenticator app.")}, code="required"
        )
    try:
        two_factor.code_check_counted(request=request, user=user, code=code)
    except two_factor.CodeRefused as exc:
        raise serializers.ValidationError({"otp": [exc.message]}, code="invalid") from exc


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it in the Authorization header, after the word Token and a space.")
    )
    expiry = serializers.DateTimeField(help_text=_("The token stops working at this time."))


class TokenView(APIView):
    """POST: a new token for a username and password. DELETE: revoke the token used."""

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Taking a token needs no session (so no CSRF token either); revoking one needs it.
        # The schema generator asks before it has a request.
        if self._method() in ("DELETE", None):
            return [TokenAuthentication()]
        return []

    def get_permissions(self) -> list[BasePermission]:
        if self._method() == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def _method(self) -> str | None:
        request = getattr(self, "request", None)
        return request.method if request is not None else None

    def get_throttles(self) -> list[BaseThrottle]:
        if self._method() == "POST":
            return [TokenRateThrottle(), *super().get_throttles()]
        return super().get_throttles()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: field_errors(
                _(
                    "Missing fields, a username and password that do not match, or a missing "
                    "or wrong two-step code (`otp`)."
                )
            ),
            429: detail_error(_("Too many attempts: signing in is paused for a while.")),
        },
        auth=[],
        summary=_("Take a token"),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        instance, token = api_token_create(user=user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description=_("The token is revoked.")),
            401: detail_error(_("No token, or one that is not valid.")),
        },
        summary=_("Revoke the token used"),
    )
    def delete(self, request: Request) -> Response:
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
