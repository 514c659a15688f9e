"""Emails reach a real SMTP server on loopback (aiosmtpd), through Django's SMTP backend."""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from email import policy

import pytest
from aiosmtpd.controller import Controller

from alerts import services
from alerts.models import Alert, AlertEvent
from reporting.models import DistributionList, Report
from reporting.services import report_compile, report_distribute
from tests import factories as f


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.mark.django_db
def test_a_compiled_report_reaches_its_distribution_list_with_its_pdf(
    mission, inbox, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # Addresses of mission-wide accounts (mission.hq's and this one) get the stored files.
    f.UserFactory(username="chief", role="hq")
    DistributionList.objects.create(name="HQ", emails="hq@mission.test\nchief@mission.test")
    report = report_compile(
        kind=Report.Kind.WEEKLY, start=dt.date(2026, 6, 8), end=dt.date(2026, 6, 14)
    )

    assert report_distribute(report_id=report.pk) == 2

    [(recipients, message)] = inbox.messages
    assert sorted(recipients) == ["chief@mission.test", "hq@mission.test"]
    assert message["Subject"] == report.title
    types = [part.get_content_type() for part in message.iter_attachments()]
    assert types == ["application/pdf", "text/csv"]


@pytest.mark.django_db
def test_an_immediate_alert_is_emailed_to_the_queue_officers_and_coordinator(
    mission, inbox
) -> None:
    mission.force.email = "force-a@mission.test"
    mission.force.save()
    mission.coordinator.email = "coord-a@mission.test"
    mission.coordinator.save()
    alert = f.AlertFactory(
        location=mission.base_a,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        urgency="Immediate",
        source_name="Never in an email",
    )

    assert services.alert_notify_flash(alert_id=alert.pk) is True
    assert services.alert_notify_flash(alert_id=alert.pk) is False

    [(recipients, message)] = inbox.messages
    assert sorted(recipients) == ["coord-a@mission.test", "force-a@mission.test"]
    assert alert.reference in message["Subject"]
    body = message.get_body().get_content()
    assert alert.reference in body and "Never in an email" not in body
    assert alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).count() == 1
