"""Emails about alerts, in the recipients' language (French unless they chose English)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.models import Alert


def send_flash_alert_email(*, alert: Alert, recipients: list[str]) -> None:
    with translation.override("fr"):
        fr = _render(alert, "alerts/email/flash_alert.txt")
    with translation.override("en"):
        en = _render(alert, "alerts/email/flash_alert.txt")
        subject = _("FLASH %(reference)s: %(category)s at %(location)s") % _subject_values(alert)
    send_mail(subject, f"{fr}\n\n----\n\n{en}", settings.DEFAULT_FROM_EMAIL, recipients)


def send_escalation_email(*, alert: Alert, recipient: str) -> None:
    with translation.override("fr"):
        fr = _render(alert, "alerts/email/escalation.txt")
    with translation.override("en"):
        en = _render(alert, "alerts/email/escalation.txt")
        subject = _(
            "ESCALATED %(reference)s: not acknowledged (%(category)s at %(location)s)"
        ) % _subject_values(alert)
    send_mail(subject, f"{fr}\n\n----\n\n{en}", settings.DEFAULT_FROM_EMAIL, [recipient])


def _subject_values(alert: Alert) -> dict[str, str]:
    return {
        "reference": alert.reference,
        "category": alert.category.name,
        "location": alert.location.name,
    }


def _render(alert: Alert, template: str) -> str:
    # Source identity is never in an email: recipients include Force officers.
    return render_to_string(template, {"alert": alert, "site_url": settings.SITE_URL})
