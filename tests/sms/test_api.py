"""The API twins of the review inbox and the syntax card."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from alerts.models import Alert, Channel
from sms import services
from sms.models import IncomingMessage
from tests import factories as f
from tests.sms.conftest import CLA_NUMBER, SmsWorld

# serialized_rollback: what the data migrations wrote (threat categories) is back afterwards,
# as the other transactional tests expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def waiting(text: str = "hommes armés", sender: str = "+23670999999") -> IncomingMessage:
    message, _ = services.incoming_receive(gateway_id=str(uuid.uuid4()), sender=sender, text=text)
    return message


def test_the_inbox_lists_the_messages_waiting(api: APIClient, world: SmsWorld) -> None:
    message = waiting()
    api.force_authenticate(world.mission.coordinator)

    body = api.get("/api/v1/sms/inbox/", {"state": "review"}).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["text"], row["reason"]) == (message.pk, "hommes armés", "unknown_sender")
    assert row["sender"] == "+23670999999" and row["sender_name"] is None


def test_a_message_is_converted_through_the_api(api: APIClient, world: SmsWorld) -> None:
    message = waiting()
    api.force_authenticate(world.mission.coordinator)

    response = api.post(
        f"/api/v1/sms/inbox/{message.pk}/convert/",
        {"location": world.mission.base_a.pk, "category": world.killing.pk, "urgency": "Immediate"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    alert = Alert.objects.get()
    assert response.json()["alert_reference"] == alert.reference
    assert (alert.channel, alert.description) == (Channel.SMS, "hommes armés")


def test_a_conversion_with_a_location_out_of_scope_is_a_400(
    api: APIClient, world: SmsWorld
) -> None:
    message = waiting()
    api.force_authenticate(world.mission.coordinator)

    response = api.post(
        f"/api/v1/sms/inbox/{message.pk}/convert/",
        {"location": world.mission.base_b.pk, "category": world.killing.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "location" in response.json()
    assert not Alert.objects.exists()


def test_a_message_is_discarded_through_the_api(api: APIClient, world: SmsWorld) -> None:
    message = waiting()
    api.force_authenticate(world.mission.coordinator)

    response = api.post(
        f"/api/v1/sms/inbox/{message.pk}/discard/", {"reason": "Not an alert"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "discarded"
    again = api.post(f"/api/v1/sms/inbox/{message.pk}/discard/", {"reason": "x"}, format="json")
    assert again.status_code == 409


def test_a_discard_without_reason_is_a_400(api: APIClient, world: SmsWorld) -> None:
    message = waiting()
    api.force_authenticate(world.mission.coordinator)

    response = api.post(f"/api/v1/sms/inbox/{message.pk}/discard/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()


def test_out_of_scope_is_a_404(api: APIClient, world: SmsWorld) -> None:
    message = waiting("ALERTE IPY MEURTRE DEMAIN x", sender=CLA_NUMBER)
    other = f.UserFactory(
        username="coord-b", role="coordinator", field_office=world.mission.office_b
    )
    api.force_authenticate(other)

    assert api.get(f"/api/v1/sms/inbox/{message.pk}/").status_code == 404
    assert api.get("/api/v1/sms/inbox/").json()["count"] == 0


@pytest.mark.parametrize("role", ["cla", "force"])
def test_other_roles_are_refused(api: APIClient, world: SmsWorld, role: str) -> None:
    api.force_authenticate(world.mission.user(role))

    assert api.get("/api/v1/sms/inbox/").status_code == 403


def test_the_card_as_json(api: APIClient, world: SmsWorld) -> None:
    api.force_authenticate(world.mission.cla)

    body = api.get("/api/v1/sms/card/", {"lang": "en"}).json()

    assert body["language"] == "en"
    assert body["keyword"] == "ALERT"
    assert body["places"] == [{"code": "CF43-IPY", "short": "IPY", "name": "Ippy"}]
    assert {"code": "killing", "name": "Killing", "words": "KILL, MURDER, KILLING"} in body[
        "categories"
    ]
    assert body["urgencies"][0]["words"] == "IMMEDIATE, NOW"
