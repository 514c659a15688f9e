"""Password reset by email and password change: Django's views with the project's pages.

A reset email is written in the recipient's preferred language and links to SITE_URL, never
to the host the request named (a forged Host header must not send someone a link elsewhere).
The page says the same whether the address belongs to an account or not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.utils import translation


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


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"site_url": settings.SITE_URL, "mission_name": settings.MISSION_NAME}
