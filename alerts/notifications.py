"""Emails about alerts: French first, then English, since recipients read either."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.models import Alert


def send_flash_alert_email(*, alert: Alert, recipients: list[str]) -> None:
    _send(alert, recipients, "alerts/email/flash_alert.txt", _flash_subject)


def send_escalation_email(*, alert: Alert, recipient: str) -> None:
    _send(alert, [recipient], "alerts/email/escalation.txt", _escalation_subject)


def _flash_subject(alert: Alert) -> str:
    return _("FLASH %(reference)s: %(category)s at %(location)s") % _subject_values(alert)


def _escalation_subject(alert: Alert) -> str:
    return _(
        "ESCALATED %(reference)s: not acknowledged (%(category)s at %(location)s)"
    ) % _subject_values(alert)


def _send(alert: Alert, recipients: list[str], template: str, subject_of: object) -> None:
    bodies, subjects = [], []
    for language in ("fr", "en"):
        with translation.override(language):
            # Source identity is never in an email: recipients include Force officers.
            bodies.append(
                render_to_string(template, {"alert": alert, "site_url": settings.SITE_URL})
            )
            subjects.append(subject_of(alert))
    subject = subjects[0] if subjects[0] == subjects[1] else " / ".join(subjects)
    send_mail(subject, "\n\n----\n\n".join(bodies), settings.DEFAULT_FROM_EMAIL, recipients)


def _subject_values(alert: Alert) -> dict[str, str]:
    return {
        "reference": alert.reference,
        "category": alert.category.name,
        "location": alert.location.name,
    }
