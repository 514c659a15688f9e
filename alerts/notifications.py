"""Emails about alerts, each in the language its recipient reads (User.language)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.models import Alert, EscalationRecipients
from clas.models import User
from core.formatting import duration_text


class Recipient(NamedTuple):
    email: str
    language: str  # a code of settings.LANGUAGES; another falls back to LANGUAGE_CODE


def send_flash_alert_email(
    *, alert: Alert, recipients: Iterable[Recipient], on_duty: User | None = None
) -> None:
    """`on_duty`: the queue's officer on duty, named in the email (and first addressed)."""
    on_duty_name = (on_duty.get_full_name() or on_duty.username) if on_duty else ""
    _send(
        alert,
        recipients,
        "alerts/email/flash_alert.txt",
        _flash_subject,
        extra={"on_duty": on_duty_name},
    )


def send_escalation_email(
    *,
    alert: Alert,
    recipient: Recipient,
    tier: int,
    repeat: int,
    who: str,
    waited: dt.timedelta,
) -> None:
    """One step of an escalation (alerts.services.escalation) to one recipient: the tier,
    how long the alert has waited, and the page that acknowledges it in one tap."""
    path = reverse("alerts:alert_acknowledge_page", args=[alert.pk])
    with translation.override(_language(recipient.language)):
        context = {
            "alert": alert,
            "tier": tier,
            "repeat": repeat,
            "who": EscalationRecipients(who).label,
            "waited": duration_text(waited),
            "acknowledge_url": f"{settings.SITE_URL}{path}",
            "site_url": settings.SITE_URL,
        }
        body = render_to_string("alerts/email/escalation.txt", context)
        subject = _escalation_subject(alert)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


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
    *,
    extra: dict[str, object] | None = None,
) -> None:
    """One message per language, to the recipients who read it, in the order given."""
    by_language: dict[str, list[str]] = {}
    for recipient in recipients:
        by_language.setdefault(_language(recipient.language), []).append(recipient.email)
    for language, emails in sorted(by_language.items()):
        with translation.override(language):
            # Source identity is never in an email: recipients include Force officers.
            context = {"alert": alert, "site_url": settings.SITE_URL, **(extra or {})}
            body = render_to_string(template, context)
            subject = subject_of(alert)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)


def _subject_values(alert: Alert) -> dict[str, str]:
    return {
        "reference": alert.reference,
        "category": alert.category.name,
        "location": alert.location.name,
    }
