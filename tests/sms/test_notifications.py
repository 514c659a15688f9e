"""Officers acknowledge by SMS (ACK <reference>), and whoever opted in gets an SMS for
Immediate or Extreme alerts and for escalations."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from alerts import services as alert_services
from alerts.models import Alert, AlertEvent
from sms import services
from sms.models import IncomingMessage, OutgoingMessage
from tests.sms.conftest import CLA_NUMBER, SmsWorld

# serialized_rollback: what the data migrations wrote (threat categories) is back afterwards,
# as the other transactional tests expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OFFICER_NUMBER = "+23672555555"


def receive(text: str, sender: str) -> IncomingMessage:
    message, _ = services.incoming_receive(gateway_id=str(uuid.uuid4()), sender=sender, text=text)
    message.refresh_from_db()
    return message


@pytest.fixture
def officer(world: SmsWorld) -> object:
    force = world.mission.force  # officer and senior officer of queue A
    force.phone = OFFICER_NUMBER
    force.language = "en"
    force.save()
    return force


def sms_alert(text: str = "ALERTE IPY MEURTRE IMMEDIAT trois hommes armés") -> Alert:
    alert = receive(text, CLA_NUMBER).alert
    alert.refresh_from_db()
    return alert


# --- ACK <reference> ----------------------------------------------------------------------


def test_an_officer_acknowledges_an_alert_by_sms(world: SmsWorld, officer: object) -> None:
    alert = sms_alert()

    message = receive(f"ack {alert.reference.lower()}", OFFICER_NUMBER)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.assigned_to == officer
    event = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)
    assert (event.actor, event.note) == (officer, "By SMS.")
    assert message.state == IncomingMessage.State.ACKNOWLEDGED
    reply = OutgoingMessage.objects.get(incoming=message)
    assert reply.text == f"{alert.reference} acknowledged."


def test_the_reference_may_be_the_number_alone(world: SmsWorld, officer: object) -> None:
    alert = sms_alert()
    number = int(alert.reference.rsplit("-", 1)[1])

    receive(f"ACK {number}", OFFICER_NUMBER)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED


def test_acknowledging_twice_says_why_not(world: SmsWorld, officer: object) -> None:
    alert = sms_alert()
    receive(f"ACK {alert.reference}", OFFICER_NUMBER)

    second = receive(f"ACK {alert.reference}", OFFICER_NUMBER)

    assert second.state == IncomingMessage.State.REVIEW
    assert "not acknowledged" in OutgoingMessage.objects.get(incoming=second).text


def test_an_unknown_reference_is_said_so(world: SmsWorld, officer: object) -> None:
    message = receive("ACK ALT-2026-999999", OFFICER_NUMBER)

    assert message.state == IncomingMessage.State.REVIEW
    assert "No alert ALT-2026-999999" in OutgoingMessage.objects.get(incoming=message).text


def test_an_officer_of_another_sector_cannot_acknowledge(world: SmsWorld) -> None:
    alert = sms_alert()
    from tests import factories as f

    other = f.UserFactory(
        username="force-b", role="force", sector=world.mission.sector_b, phone="+23672666666"
    )

    message = receive(f"ACK {alert.reference}", "+23672666666")

    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert message.state == IncomingMessage.State.REVIEW
    assert other.pk == message.sender_user_id


def test_a_cla_cannot_acknowledge(world: SmsWorld) -> None:
    alert = sms_alert()

    message = receive(f"ACK {alert.reference}", CLA_NUMBER)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED
    assert message.reason == IncomingMessage.Reason.NOT_ALLOWED


# --- opted in -----------------------------------------------------------------------------


def test_an_officer_who_opted_in_gets_an_sms_for_an_immediate_alert(
    world: SmsWorld, officer: object
) -> None:
    officer.sms_alerts = True
    officer.save()

    alert = sms_alert()

    notice = OutgoingMessage.objects.get(kind=OutgoingMessage.Kind.NOTIFICATION)
    assert notice.to == OFFICER_NUMBER
    assert notice.text == (
        f"FLASH {alert.reference}: Killing, Ippy (Immediate). "
        f"Reply ACK {alert.reference} to acknowledge."
    )


def test_an_officer_who_did_not_opt_in_gets_nothing(world: SmsWorld, officer: object) -> None:
    sms_alert()

    assert not OutgoingMessage.objects.filter(kind=OutgoingMessage.Kind.NOTIFICATION).exists()


def test_an_alert_that_is_not_urgent_sends_no_sms(world: SmsWorld, officer: object) -> None:
    officer.sms_alerts = True
    officer.save()

    sms_alert("ALERTE IPY MEURTRE PASSE hier")

    assert not OutgoingMessage.objects.filter(kind=OutgoingMessage.Kind.NOTIFICATION).exists()


def test_an_escalation_goes_to_the_senior_officer_and_the_cla_who_opted_in(
    world: SmsWorld, officer: object
) -> None:
    officer.sms_alerts = True
    officer.save()
    world.mission.cla.sms_alerts = True
    world.mission.cla.phone = "+23675999999"
    world.mission.cla.save()
    alert = sms_alert()

    alert_services.alert_escalate(alert_id=alert.pk, now=alert.routed_at + dt.timedelta(minutes=30))

    texts = dict(
        OutgoingMessage.objects.filter(key__startswith="escalation:").values_list("to", "text")
    )
    assert texts[OFFICER_NUMBER].startswith(f"ESCALATED {alert.reference}: not acknowledged")
    assert "remonté" in texts["+23675999999"] or "went up" in texts["+23675999999"]


def test_the_sweep_catches_up_on_notifications_once(world: SmsWorld, officer: object) -> None:
    alert = sms_alert()
    officer.sms_alerts = True
    officer.save()  # opted in after the alert: the sweep's catch-up sends it

    first = services.sms_sweep()
    second = services.sms_sweep()

    assert (first["notified"], second["notified"]) == (1, 0)
    assert OutgoingMessage.objects.get(kind="notification").alert == alert


# --- the page where one opts in -----------------------------------------------------------


def test_a_user_opts_in_and_out_on_their_sms_page(
    client: Client, world: SmsWorld, officer: object
) -> None:
    client.force_login(officer)
    page = client.get(reverse("sms:preferences")).content.decode()
    assert OFFICER_NUMBER in page

    client.post(reverse("sms:preferences"), {"sms_alerts": "on"})
    officer.refresh_from_db()
    assert officer.sms_alerts is True

    client.post(reverse("sms:preferences"), {})
    officer.refresh_from_db()
    assert officer.sms_alerts is False


def test_without_a_number_one_cannot_opt_in(client: Client, world: SmsWorld) -> None:
    hq = world.mission.hq
    client.force_login(hq)

    response = client.post(reverse("sms:preferences"), {"sms_alerts": "on"})

    assert response.status_code == 400
    hq.refresh_from_db()
    assert hq.sms_alerts is False
