"""CLAs who opt in get an SMS, in their language, when their alert is acknowledged, its
outcome or response recorded, or it is closed: through the outgoing path, once each."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.exceptions import DomainError
from sms import services
from sms.models import OptIn, OutgoingMessage
from tests.conftest import Mission
from tests.notifications.support import MOMENTS, acknowledge, close, queued_alert
from tests.sms.conftest import SmsWorld

pytestmark = pytest.mark.django_db

PHONE = "+23675999888"


@pytest.fixture
def cla(world: SmsWorld) -> Any:
    user = world.mission.cla
    user.phone = PHONE
    user.language = "en"
    user.save()
    services.user_sms_own_alerts_set(user=user, enabled=True)
    return user


TEXTS = {
    "acknowledged": "{ref} acknowledged by the Force.",
    "outcome": "{ref} checked by the Force: Confirmed.",
    "response": "{ref}, response of the Force: Patrol dispatched.",
    "closed": "{ref} closed. Tell the community, then record it on the alert.",
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_sms_at_each_moment_through_the_outgoing_path(
    mission: Mission, cla: Any, django_capture_on_commit_callbacks: Any, moment: str
) -> None:
    alert = queued_alert(mission)

    with django_capture_on_commit_callbacks(execute=True):
        MOMENTS[moment][0](alert, mission.force)

    messages = list(OutgoingMessage.objects.filter(to=PHONE).order_by("pk"))
    assert messages[-1].text == TEXTS[moment].format(ref=alert.reference)
    assert len(messages) == list(MOMENTS).index(moment) + 1
    assert all(m.kind == OutgoingMessage.Kind.NOTIFICATION for m in messages)
    # Handed to the worker: with no gateway configured, written to the log.
    assert {m.state for m in messages} == {OutgoingMessage.State.LOGGED}


def test_the_sms_is_in_the_cla_s_language(
    mission: Mission, cla: Any, django_capture_on_commit_callbacks: Any
) -> None:
    cla.language = "fr"
    cla.save()
    alert = queued_alert(mission)

    with django_capture_on_commit_callbacks(execute=True):
        close(alert, mission.force)

    texts = list(OutgoingMessage.objects.order_by("pk").values_list("text", flat=True))
    assert texts[0] == f"Réception de {alert.reference} accusée par la Force."
    assert texts[1] == f"{alert.reference} vérifiée par la Force\u202f: Confirmée."
    assert texts[-1].startswith(f"{alert.reference} close. Informez la communauté")
    assert len(texts[-1]) <= 160


def test_a_task_run_again_sends_no_second_sms(mission: Mission, cla: Any) -> None:
    alert = queued_alert(mission)
    acknowledge(alert, mission.force)
    event = alert.events.get(kind="acknowledged")

    assert services.sms_notify_news(event_id=event.pk) == 1
    assert services.sms_notify_news(event_id=event.pk) == 0

    assert OutgoingMessage.objects.count() == 1


def test_no_sms_without_the_opt_in_nor_for_someone_elses_alert(mission: Mission, cla: Any) -> None:
    services.user_sms_own_alerts_set(user=cla, enabled=False)
    mine = queued_alert(mission)
    acknowledge(mine, mission.force)
    services.user_sms_own_alerts_set(user=cla, enabled=True)
    theirs = queued_alert(mission, logged_by=mission.cla_b)
    acknowledge(theirs, mission.force)
    OptIn.objects.filter(user=cla).update(own_alerts=False)

    for alert in (mine, theirs):
        event = alert.events.get(kind="acknowledged")
        assert services.sms_notify_news(event_id=event.pk) == 0

    assert not OutgoingMessage.objects.exists()


def test_opting_in_needs_a_phone_number(mission: Mission) -> None:
    with pytest.raises(DomainError) as refused:
        services.user_sms_own_alerts_set(user=mission.cla, enabled=True)

    assert refused.value.field == "sms_own_alerts"
    assert not OptIn.objects.exists()


def test_the_preferences_page_offers_the_choice_to_clas(
    client: Client, mission: Mission, world: SmsWorld
) -> None:
    mission.cla.phone = PHONE
    mission.cla.save()
    client.force_login(mission.cla)

    response = client.post(
        reverse("sms:preferences"), {"sms_alerts": "", "sms_own_alerts": "on"}, follow=True
    )

    assert OptIn.objects.get(user=mission.cla).own_alerts is True
    assert response.context["form"]["sms_own_alerts"].value() is True  # shown as chosen
    client.force_login(mission.force)
    assert "sms_own_alerts" not in client.get(reverse("sms:preferences")).content.decode()


def test_the_preferences_page_refuses_without_a_phone(
    client: Client, mission: Mission, world: SmsWorld
) -> None:
    client.force_login(mission.cla)

    response = client.post(reverse("sms:preferences"), {"sms_own_alerts": "on"})

    assert response.status_code == 400
    assert "No phone number is registered for you" in response.content.decode()
    assert not OptIn.objects.filter(own_alerts=True).exists()
