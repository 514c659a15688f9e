"""The email telling a CLA what happened to their alert, in the language they read."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from alerts.models import AlertEvent
from clas.models import User
from notifications.selectors import headline


def _language(code: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def send_alert_news(*, event: AlertEvent, recipient: User) -> None:
    alert = event.alert
    with translation.override(_language(recipient.language)):
        subject = headline(event).rstrip(".")
        body = render_to_string(
            "notifications/email/alert_news.txt",
            {
                "alert": alert,
                "event": event,
                "headline": subject,
                "detail": event.detail,
                "alert_url": settings.SITE_URL + reverse("alerts:alert_detail", args=[alert.pk]),
                "notifications_url": settings.SITE_URL + reverse("notifications:list"),
                "mission_time_zone": settings.TIME_ZONE,
            },
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
