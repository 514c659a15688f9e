"""Password reset by email and password change: Django's views with the project's pages.

A reset email is written in the recipient's preferred language and links to SITE_URL, never
to the host the request named (a forged Host header must not send someone a link elsewhere).
The page says the same whether the address belongs to an account or not. Reset emails are
limited per requesting address and per email address (PASSWORD_RESET_LIMIT within
PASSWORD_RESET_WINDOW_SECONDS): past the limit nothing is sent. The API's twin
(clas.password_api) calls the same `password_reset_send`.
"""

from __future__ import annotations

import hashlib
import logging
import math
from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import ngettext

from core.cache import CACHE_ERRORS
from core.exceptions import DomainError
from core.lockout import client_address

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE = "registration/password_reset_email.txt"
SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"


class PasswordResetLimited(DomainError):
    """Too many reset emails asked for from this address, or for this email address."""

    status_code = 429


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = getattr(context["user"], "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


def _counted(key: str) -> int:
    """Requests counted under key in the current window (this one included); 0 when the
    cache is down, as a reset must still be possible then."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=window)
            return 1
    except CACHE_ERRORS as exc:
        logger.warning("Password reset not counted, the cache is down: %r", exc)
        return 0


def password_reset_limit_check(*, email: str, address: str) -> None:
    """Count a reset request; PasswordResetLimited past the limit of the address or of the
    email address. Counted whether or not an account has the address, so that the answer
    tells nothing about it. Email addresses are counted under a hash, never in clear."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _counted(f"password-reset:address:{address}")
    by_email = _counted(f"password-reset:email:{digest}")
    limit = settings.PASSWORD_RESET_LIMIT
    if by_address > limit or by_email > limit:
        minutes = math.ceil(settings.PASSWORD_RESET_WINDOW_SECONDS / 60)
        raise PasswordResetLimited(
            ngettext(
                "Too many reset emails were asked for. Try again in %(minutes)s minute, or ask "
                "a mission admin.",
                "Too many reset emails were asked for. Try again in %(minutes)s minutes, or ask "
                "a mission admin.",
                minutes,
            )
            % {"minutes": minutes},
            field="email",
        )


def password_reset_send(*, email: str, request: HttpRequest) -> None:
    """Email a reset link to the active accounts with this address, if any, within the
    limits (PasswordResetLimited beyond them). Says nothing about whether one was sent."""
    password_reset_limit_check(email=email, address=client_address(request))
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        raise DomainError(form.errors["email"][0], field="email")
    form.save(
        request=request,
        use_https=request.is_secure(),
        email_template_name=EMAIL_TEMPLATE,
        subject_template_name=SUBJECT_TEMPLATE,
        extra_email_context={"site_url": settings.SITE_URL, "mission_name": settings.MISSION_NAME},
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            password_reset_send(email=form.cleaned_data["email"], request=self.request)
        except PasswordResetLimited as exc:
            form.add_error("email", exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())
