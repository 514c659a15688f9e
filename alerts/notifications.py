"""Emails about alerts, each in the language its recipient reads (User.language)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.models import Alert


class Recipient(NamedTuple):
    email: str
    language: str  # a code of settings.LANGUAGES; another falls back to LANGUAGE_CODE


def send_flash_alert_email(*, alert: Alert, recipients: Iterable[Recipient]) -> None:
    _send(alert, recipients, "alerts/email/flash_alert.txt", _flash_subject)


def send_escalation_email(*, alert: Alert, recipient: Recipient) -> None:
    _send(alert, [recipient], "alerts/email/escalation.txt", _escalation_subject)


def _flash_subject(alert: Alert) -> str:
    return _("FLASH %(reference)s: %(category)s at %(location)s") % _subject_values(alert)


def _escalation_subject(alert: Alert) -> str:
    return _(
        "ESCALATED %(reference)s: not acknowledged (%(category)s at %(location)s)"
    ) % _subject_values(alert)


def _language(code: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def _send(
    alert: Alert,
    recipients: Iterable[Recipient],
    template: str,
    subject_of: Callable[[Alert], str],
) -> None:
    """One message per language, to the recipients who read it."""
    by_language: dict[str, list[str]] = {}
    for recipient in recipients:
        by_language.setdefault(_language(recipient.language), []).append(recipient.email)
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            # Source identity is never in an email: recipients include Force officers.
            body = render_to_string(template, {"alert": alert, "site_url": settings.SITE_URL})
            subject = subject_of(alert)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(emails))


def _subject_values(alert: Alert) -> dict[str, str]:
    return {
        "reference": alert.reference,
        "category": alert.category.name,
        "location": alert.location.name,
    }
