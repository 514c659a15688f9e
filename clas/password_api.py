"""The API's twins of the password pages: changing one's password, and asking for a reset email.

`POST /api/v1/auth/password/` checks and saves as the "Change password" page does (Django's
PasswordChangeForm, so the same validators and messages); saving revokes every API token of
the user, the one used included (clas.signals): a token must not outlive the password that
issued it. A session stays signed in, as on the page.

`POST /api/v1/auth/password/reset/` sends the same email as the "Forgot your password?" page
(core.accounts.password_reset_send), within the same limits, and answers the same whether an
account has the address or not.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts import PasswordResetLimited, password_reset_send
from core.api import detail_error, field_errors

# The page's form names the new password twice; the API once.
_FORM_FIELDS = {
    "old_password": "old_password",
    "new_password1": "new_password",
    "new_password2": "new_password",
}


class PasswordChangeRequestSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        label=_("Old password"), max_length=4096, trim_whitespace=False, write_only=True
    )
    new_password = serializers.CharField(
        label=_("New password"), max_length=4096, trim_whitespace=False, write_only=True
    )


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label=_("Email"), max_length=254)


class MessageSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What was done, in the reader's language."))


def _form_errors(form: PasswordChangeForm) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        field = _FORM_FIELDS.get(name, "non_field_errors")
        for message in messages:
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    return errors


class PasswordChangeView(APIView):
    """POST: a new password for the signed-in user, given the old one."""

    @extend_schema(
        request=PasswordChangeRequestSerializer,
        responses={
            200: MessageSerializer,
            400: field_errors(
                _("A wrong old password, or a new one the password rules refuse (named).")
            ),
            401: detail_error(_("No token, or one that is not valid.")),
        },
        summary=_("Change your password"),
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = PasswordChangeForm(
            request.user,
            {
                "old_password": data["old_password"],
                "new_password1": data["new_password"],
                "new_password2": data["new_password"],
            },
        )
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        user = form.save()
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request._request, user)
        message = gettext(
            "Your password is changed. Your API tokens no longer work: take a new one."
        )
        return Response({"detail": message})


class PasswordResetView(APIView):
    """POST: email a link to choose a new password to the account with this address, if any."""

    permission_classes = [AllowAny]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Anyone may ask, signed in or not: no session, so no CSRF token either.
        return []

    @extend_schema(
        request=PasswordResetRequestSerializer,
        responses={
            202: MessageSerializer,
            400: field_errors(_("A missing or malformed email address.")),
            429: detail_error(_("Too many reset emails asked for: nothing was sent.")),
        },
        auth=[],
        summary=_("Ask for a password reset email"),
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            password_reset_send(email=serializer.validated_data["email"], request=request._request)
        except PasswordResetLimited as exc:
            return Response(
                {"detail": exc.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.PASSWORD_RESET_WINDOW_SECONDS)},
            )
        # The words of the page that follows the form (registration/password_reset_done.html).
        message = gettext(
            "If the address belongs to an account, an email with a link to choose a new "
            "password is on its way. The link works once, for a few days."
        )
        return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)
