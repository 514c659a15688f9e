"""The endpoint Kannel calls for every SMS received: the shared secret or a 403 with nothing
stored; every message kept once per gateway id; a flood rate-limited into the review inbox,
never a 5xx; numbers in any format."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from alerts.models import Alert, Channel, Urgency
from sms.models import IncomingMessage, OutgoingMessage
from tests.sms.conftest import CLA_NUMBER, SmsWorld, kannel_auth
from tests.sms.support import incoming

# The work after the commit (reading the message, routing the alert, the reply) runs as it
# does in production, in-process here.
# serialized_rollback: what the data migrations wrote (threat categories) is back afterwards,
# as the other transactional tests expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALERT_TEXT = "ALERTE IPY MEURTRE IMMEDIAT 3 hommes armés au marché"


def test_it_turns_an_sms_into_a_routed_alert_and_answers_the_reference(
    kannel: Client, world: SmsWorld
) -> None:
    response = incoming(kannel, ALERT_TEXT, sender=CLA_NUMBER)

    assert response.status_code == 200
    assert response.content == b""  # Kannel sends nothing back from this answer
    alert = Alert.objects.get()
    assert alert.channel == Channel.SMS
    assert alert.logged_by == world.mission.cla
    assert alert.location == world.mission.base_a
    assert alert.category == world.killing
    assert alert.urgency == Urgency.IMMEDIATE
    assert alert.description == "3 hommes armés au marché"
    assert alert.description_language == "fr"
    assert alert.queue == world.mission.queue_a  # routed, as a form alert is
    message = IncomingMessage.objects.get()
    assert message.state == IncomingMessage.State.ALERTED
    assert message.alert == alert
    reply = OutgoingMessage.objects.get()
    assert reply.to == CLA_NUMBER
    assert alert.reference in reply.text
    assert reply.state == OutgoingMessage.State.LOGGED  # no gateway configured


@pytest.mark.parametrize(
    "headers",
    [
        {},
        kannel_auth("not-the-secret-at-all-0000"),
        {"HTTP_AUTHORIZATION": "Basic !!!"},
        {"HTTP_AUTHORIZATION": "Bearer kannel-secret-for-the-tests-0123456789"},
        {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"kannel").decode()},
    ],
    ids=["no-auth", "wrong-secret", "garbage", "bearer", "no-password"],
)
def test_a_forged_request_is_refused_and_nothing_is_stored(
    client: Client, world: SmsWorld, headers: dict[str, str]
) -> None:
    response = incoming(client.__class__(**headers), ALERT_TEXT)

    assert response.status_code == 403
    assert not IncomingMessage.objects.exists()
    assert not Alert.objects.exists()


def test_the_secret_in_the_query_string_is_not_accepted(client: Client, world: SmsWorld) -> None:
    response = incoming(
        client, ALERT_TEXT, extra={"secret": "kannel-secret-for-the-tests-0123456789"}
    )

    assert response.status_code == 403
    assert not IncomingMessage.objects.exists()


def test_without_a_secret_configured_everything_is_refused(
    kannel: Client, world: SmsWorld, settings: Settings
) -> None:
    settings.KANNEL_SECRET = ""

    assert incoming(kannel, ALERT_TEXT).status_code == 403
    assert not IncomingMessage.objects.exists()


def test_a_message_delivered_twice_is_one_alert(kannel: Client, world: SmsWorld) -> None:
    gateway_id = str(uuid.uuid4())

    first = incoming(kannel, ALERT_TEXT, gateway_id=gateway_id)
    second = incoming(kannel, ALERT_TEXT, gateway_id=gateway_id)

    assert (first.status_code, second.status_code) == (200, 200)
    assert IncomingMessage.objects.count() == 1
    assert Alert.objects.count() == 1
    assert OutgoingMessage.objects.count() == 1


@pytest.mark.parametrize(
    "sender",
    [
        "+23675123456",
        "23675123456",
        "0023675123456",
        "75123456",
        "+236 75 12 34 56",
        "(+236) 75-12-34-56",
        "236.75.12.34.56",
    ],
)
def test_the_sender_is_found_whatever_the_format_of_the_number(
    kannel: Client, world: SmsWorld, sender: str
) -> None:
    incoming(kannel, ALERT_TEXT, sender=sender)

    message = IncomingMessage.objects.get()
    assert message.sender == CLA_NUMBER
    assert message.sender_user == world.mission.cla
    assert Alert.objects.get().logged_by == world.mission.cla


@pytest.mark.parametrize("sender", ["ORANGE", "12", "+999123", "+2367512345678901234567"])
def test_a_sender_that_is_not_a_number_is_kept_for_review_and_not_answered(
    kannel: Client, world: SmsWorld, sender: str
) -> None:
    assert incoming(kannel, ALERT_TEXT, sender=sender).status_code == 200

    message = IncomingMessage.objects.get()
    assert message.sender == ""
    assert message.sender_raw == sender
    assert message.state == IncomingMessage.State.REVIEW
    assert message.reason == IncomingMessage.Reason.UNKNOWN_SENDER
    assert not OutgoingMessage.objects.exists()


def test_an_unknown_number_is_kept_for_review_and_told_so(kannel: Client, world: SmsWorld) -> None:
    incoming(kannel, ALERT_TEXT, sender="+23670999999")

    message = IncomingMessage.objects.get()
    assert message.state == IncomingMessage.State.REVIEW
    assert message.reason == IncomingMessage.Reason.UNKNOWN_SENDER
    assert message.location == world.mission.base_a  # named in the message: its coordinator sees it
    assert not Alert.objects.exists()
    assert "pas enregistré" in OutgoingMessage.objects.get(to="+23670999999").text


def test_an_unparseable_message_is_kept_and_the_sender_told_what_to_fix(
    kannel: Client, world: SmsWorld
) -> None:
    incoming(kannel, "ALERTE IPY MEURTRE DEMAIN deux hommes", sender=CLA_NUMBER)

    message = IncomingMessage.objects.get()
    assert message.state == IncomingMessage.State.REVIEW
    assert message.reason == IncomingMessage.Reason.UNPARSEABLE
    reply = OutgoingMessage.objects.get().text
    assert "DEMAIN" in reply and "IMMEDIAT" in reply  # in French, the sender's language


def test_the_reply_is_in_the_language_of_the_message(kannel: Client, world: SmsWorld) -> None:
    incoming(kannel, "ALERT IPY KILL TOMORROW two men", sender=CLA_NUMBER)

    reply = OutgoingMessage.objects.get().text
    assert "TOMORROW" in reply and "NOW" in reply


def test_a_flood_from_one_number_is_rate_limited_and_kept(
    kannel: Client, world: SmsWorld, settings: Settings
) -> None:
    settings.SMS_RATE_LIMIT = 5
    statuses = [
        incoming(kannel, f"{ALERT_TEXT} n°{n}", sender=CLA_NUMBER).status_code for n in range(30)
    ]

    assert set(statuses) == {200}
    assert IncomingMessage.objects.count() == 30
    assert Alert.objects.count() == 5
    limited = IncomingMessage.objects.filter(reason=IncomingMessage.Reason.RATE_LIMITED)
    assert limited.count() == 25
    assert set(limited.values_list("state", flat=True)) == {IncomingMessage.State.REVIEW}
    assert OutgoingMessage.objects.count() == 5  # a flood is not answered


def test_the_flood_of_one_number_does_not_limit_another(
    kannel: Client, world: SmsWorld, settings: Settings
) -> None:
    settings.SMS_RATE_LIMIT = 2
    for n in range(4):
        incoming(kannel, f"spam {n}", sender="+23670999999")

    incoming(kannel, ALERT_TEXT, sender=CLA_NUMBER)

    assert Alert.objects.count() == 1


def test_an_over_long_message_is_kept_for_review(kannel: Client, world: SmsWorld) -> None:
    text = ALERT_TEXT + " " + "très long " * 200
    response = incoming(kannel, text, sender=CLA_NUMBER)

    assert response.status_code == 200
    message = IncomingMessage.objects.get()
    assert message.text == text
    assert message.reason == IncomingMessage.Reason.TOO_LONG
    assert "1000" in OutgoingMessage.objects.get().text


def test_an_enormous_request_is_cut_not_refused(kannel: Client, world: SmsWorld) -> None:
    response = incoming(kannel, "A" * 100_000, sender=CLA_NUMBER)

    assert response.status_code == 200
    message = IncomingMessage.objects.get()
    assert len(message.text) == 5000
    assert message.reason == IncomingMessage.Reason.TOO_LONG


def test_binary_content_is_kept_for_review(kannel: Client, world: SmsWorld) -> None:
    response = incoming(kannel, b"\x05\x00\x03\xa7\x02\x01\xff\xfe", sender=CLA_NUMBER, coding=1)

    assert response.status_code == 200
    message = IncomingMessage.objects.get()
    assert message.text == "050003a70201fffe"
    assert message.reason == IncomingMessage.Reason.BINARY


def test_control_characters_in_a_text_message_are_kept_as_binary(
    kannel: Client, world: SmsWorld
) -> None:
    response = incoming(kannel, "ALERTE\x00IPY\x1bMEURTRE", sender="+236\x0075123456")

    assert response.status_code == 200
    message = IncomingMessage.objects.get()
    assert message.reason == IncomingMessage.Reason.BINARY
    assert message.text == b"ALERTE\x00IPY\x1bMEURTRE".hex()  # no NUL in the database
    assert message.sender_raw == "+23675123456"


def test_a_ucs2_message_is_read(kannel: Client, world: SmsWorld) -> None:
    text = "ALERTE IPY MEURTRE IMMÉDIAT ça brûle, 2 blessés ✝"
    incoming(kannel, text.encode("utf-16-be"), sender=CLA_NUMBER, coding=2)

    assert Alert.objects.get().description == "ça brûle, 2 blessés ✝"


def test_a_message_posted_with_its_text_as_the_body_is_read(
    kannel: Client, world: SmsWorld
) -> None:
    url = f"{reverse('sms:kannel_incoming')}?id={uuid.uuid4()}&from=%2B23675123456"
    response = kannel.post(url, ALERT_TEXT.encode(), content_type="text/plain; charset=UTF-8")

    assert response.status_code == 200
    assert Alert.objects.get().description == "3 hommes armés au marché"


@pytest.mark.parametrize(
    "query",
    [
        "from=%2B23675123456&text=x",
        "id=abc&text=x",
        f"id={'x' * 65}&from=1&text=x",
        "id=a%00b&from=1&text=x",
    ],
    ids=["no-id", "no-sender", "id-too-long", "id-not-printable"],
)
def test_a_request_without_id_or_sender_is_refused_and_nothing_stored(
    kannel: Client, world: SmsWorld, query: str
) -> None:
    response = kannel.get(f"{reverse('sms:kannel_incoming')}?{query}")

    assert response.status_code == 400
    assert not IncomingMessage.objects.exists()


def test_a_time_in_the_future_is_taken_as_now(kannel: Client, world: SmsWorld) -> None:
    incoming(kannel, ALERT_TEXT, sender=CLA_NUMBER, extra={"time": "4102444800"})  # 2100

    alert = Alert.objects.get()
    assert alert.reported_at <= alert.created_at


def test_the_time_the_sms_was_sent_is_when_it_was_reported(kannel: Client, world: SmsWorld) -> None:
    import time

    sent = int(time.time()) - 3600
    incoming(kannel, ALERT_TEXT, sender=CLA_NUMBER, extra={"time": str(sent)})

    assert int(Alert.objects.get().reported_at.timestamp()) == sent
