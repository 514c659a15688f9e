"""The pages of the SMS channel: the review inbox, the dead letters, the syntax card."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from alerts.models import Alert, Channel
from sms import services
from sms.models import IncomingMessage, OutgoingMessage
from tests import factories as f
from tests.sms.conftest import CLA_NUMBER, SmsWorld
from tests.sms.support import FakeSendsms

# serialized_rollback: what the data migrations wrote (threat categories) is back afterwards,
# as the other transactional tests expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def waiting(
    text: str = "Des hommes armés vers Ippy", sender: str = "+23670999999"
) -> IncomingMessage:
    message, _ = services.incoming_receive(gateway_id=str(uuid.uuid4()), sender=sender, text=text)
    message.refresh_from_db()
    assert message.state == IncomingMessage.State.REVIEW
    return message


def test_the_coordinator_sees_the_messages_waiting(client: Client, world: SmsWorld) -> None:
    message = waiting()
    client.force_login(world.mission.coordinator)

    page = client.get(reverse("sms:inbox")).content.decode()

    assert "Des hommes armés vers Ippy" in page
    assert reverse("sms:message_detail", args=[message.pk]) in page
    assert "Number not registered" in page


def test_the_inbox_pages_keep_the_messages_shown(client: Client, world: SmsWorld) -> None:
    for n in range(3):
        waiting(text=f"Message {n}")
    client.force_login(world.mission.coordinator)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sms.views.PAGE_SIZE", 2)
        page = client.get(reverse("sms:inbox"), {"show": "all"}).content.decode()

    assert "Page 1 of 2" in page
    assert "?show=all&amp;page=2" in page


def test_a_coordinator_turns_a_message_into_an_alert_on_its_page(
    client: Client, world: SmsWorld
) -> None:
    message = waiting()
    client.force_login(world.mission.coordinator)
    url = reverse("sms:message_detail", args=[message.pk])
    assert "Turn it into an alert" in client.get(url).content.decode()

    response = client.post(
        reverse("sms:message_convert", args=[message.pk]),
        {
            "location": world.mission.base_a.pk,
            "category": world.killing.pk,
            "urgency": "Immediate",
            "severity": "Severe",
            "place": "Marché",
            "description": "Des hommes armés vers Ippy",
        },
    )

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert (alert.channel, alert.urgency, alert.place) == (Channel.SMS, "Immediate", "Marché")
    assert alert.source_contact == "+23670999999"
    assert IncomingMessage.objects.get().state == IncomingMessage.State.CONVERTED


def test_a_conversion_with_errors_shows_them(client: Client, world: SmsWorld) -> None:
    message = waiting()
    client.force_login(world.mission.coordinator)

    response = client.post(
        reverse("sms:message_convert", args=[message.pk]),
        {"location": world.mission.base_b.pk, "urgency": "Immediate", "severity": "Severe"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose a threat category." in page
    assert not Alert.objects.exists()


def test_a_coordinator_discards_a_message_with_a_reason(client: Client, world: SmsWorld) -> None:
    message = waiting()
    client.force_login(world.mission.coordinator)

    response = client.post(
        reverse("sms:message_discard", args=[message.pk]), {"reason": "A test by the operator"}
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.discard_reason) == (
        IncomingMessage.State.DISCARDED,
        "A test by the operator",
    )


def test_discarding_without_a_reason_is_refused(client: Client, world: SmsWorld) -> None:
    message = waiting()
    client.force_login(world.mission.coordinator)

    response = client.post(reverse("sms:message_discard", args=[message.pk]), {"reason": " "})

    assert response.status_code == 400
    assert "Say why the message is discarded." in response.content.decode()
    assert IncomingMessage.objects.get().state == IncomingMessage.State.REVIEW


def test_a_message_out_of_scope_is_a_404(client: Client, world: SmsWorld) -> None:
    message = waiting("ALERTE IPY MEURTRE DEMAIN x", sender=CLA_NUMBER)  # area A
    other = f.UserFactory(
        username="coord-b", role="coordinator", field_office=world.mission.office_b
    )
    client.force_login(other)

    assert client.get(reverse("sms:message_detail", args=[message.pk])).status_code == 404
    response = client.post(reverse("sms:message_discard", args=[message.pk]), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["cla", "force"])
def test_other_roles_have_no_inbox(client: Client, world: SmsWorld, role: str) -> None:
    client.force_login(world.mission.user(role))

    assert client.get(reverse("sms:inbox")).status_code == 403


def test_the_inbox_is_in_the_coordinators_navigation(client: Client, world: SmsWorld) -> None:
    client.force_login(world.mission.coordinator)

    assert reverse("sms:inbox") in client.get(reverse("sms:card")).content.decode()


# --- the dead letters ---------------------------------------------------------------------


def test_admins_see_the_dead_letters_and_send_one_again(
    client: Client, world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    fake_sendsms.answers = [(403, "Authorization failed for sendsms"), (202, "0: Accepted")]
    message = services.outgoing_queue(key="k", to=CLA_NUMBER, text="Alerte ALT-2026-000001")
    client.force_login(world.mission.admin)

    page = client.get(reverse("sms:dead_letters")).content.decode()
    assert "Authorization failed for sendsms" in page
    assert CLA_NUMBER in page

    response = client.post(reverse("sms:dead_letter_retry", args=[message.pk]))

    assert response.status_code == 302
    assert OutgoingMessage.objects.get().state == OutgoingMessage.State.SENT


@pytest.mark.parametrize("role", ["cla", "coordinator", "force", "hq"])
def test_only_admins_see_the_dead_letters(client: Client, world: SmsWorld, role: str) -> None:
    client.force_login(world.mission.user(role))

    assert client.get(reverse("sms:dead_letters")).status_code == 403
    assert client.post(reverse("sms:dead_letter_retry", args=[1])).status_code == 403


# --- the card -----------------------------------------------------------------------------


def test_the_card_shows_the_cla_their_place_and_the_words(client: Client, world: SmsWorld) -> None:
    client.force_login(world.mission.cla)

    page = client.get(reverse("sms:card"), {"lang": "en"}).content.decode()

    assert "ALERT &lt;place&gt; &lt;category&gt; &lt;urgency&gt; &lt;what happened&gt;" in page
    assert "ALERT IPY KILL NOW" in page  # the example names the CLA's own place
    assert "CF43-IPY" in page and "Ippy" in page
    assert "Bambari" not in page  # not the CLA's place
    assert "KILL" in page and "IMMEDIATE, NOW" in page


def test_the_card_in_french(client: Client, world: SmsWorld) -> None:
    client.force_login(world.mission.cla)

    page = client.get(reverse("sms:card"), {"lang": "fr"}).content.decode()

    assert "ALERTE IPY MEURTRE IMMEDIAT" in page
    assert "IMMEDIAT, URGENT" in page
    assert "MEURTRE" in page


@pytest.mark.parametrize(("language", "words"), [("fr", "IMMEDIAT"), ("en", "IMMEDIATE")])
def test_the_card_as_a_pdf(client: Client, world: SmsWorld, language: str, words: str) -> None:
    client.force_login(world.mission.cla)

    response = client.get(reverse("sms:card_pdf"), {"lang": language})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert words in text
    assert "CF43-IPY" in text


def test_the_card_needs_a_login(client: Client, world: SmsWorld) -> None:
    response = client.get(reverse("sms:card"))

    assert response.status_code == 302
