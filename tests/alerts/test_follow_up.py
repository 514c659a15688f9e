"""The CLA's follow-up on the alert page and its API twin: the same service, the same scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert, AlertEvent
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(mission: Mission) -> Alert:
    return f.AlertFactory(
        logged_by=mission.cla,
        location=mission.base_a,
        queue=mission.queue_a,
        status=Alert.Status.CLOSED,
        created_at=timezone.now() - dt.timedelta(days=1),
    )


def local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_fixed_timezone(60)).strftime("%Y-%m-%dT%H:%M")


def informed_url(alert: Alert) -> str:
    return reverse("alerts:alert_follow_up", args=[alert.pk, "community-informed"])


def test_the_alert_page_offers_the_follow_up_to_its_cla_only(
    client: Client, mission: Mission, alert: Alert
) -> None:
    url = reverse("alerts:alert_detail", args=[alert.pk])
    client.force_login(mission.cla)
    assert 'id="follow-up-community-informed"' in client.get(url).content.decode()
    client.force_login(mission.force)
    assert 'id="follow-up' not in client.get(url).content.decode()


def test_the_page_form_records_it_on_the_timeline(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.cla)
    when = timezone.now() - dt.timedelta(hours=2)

    response = client.post(
        informed_url(alert),
        {
            "informed-informed_at": local(when),
            "informed-how": "radio",
            "informed-informed_by": "",
            "informed-note": "On the community radio.",
        },
        follow=True,
    )

    assert response.status_code == 200
    event = alert.events.get(kind=AlertEvent.Kind.COMMUNITY_INFORMED)
    assert event.note == "On the community radio."
    html = response.content.decode()
    assert "Recorded: the community of" in html
    assert f"<strong>Community informed</strong>: Radio, {local(when).replace('T', ' ')}" in html


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"informed-how": "pigeon"}, "how", "Choose how the community was informed."),
        (
            {"informed-informed_at": "2099-01-01T10:00"},
            "informed_at",
            "The date and time cannot be in the future.",
        ),
        ({"informed-note": "n" * 2001}, "note", "keep it under 2000 characters"),
    ],
)
def test_bad_input_comes_back_on_its_field_never_a_500(
    client: Client, mission: Mission, alert: Alert, values: dict[str, str], field: str, message: str
) -> None:
    client.force_login(mission.cla)
    data = {
        "informed-informed_at": local(timezone.now() - dt.timedelta(hours=1)),
        "informed-how": "meeting",
        **values,
    }

    response = client.post(informed_url(alert), data)

    assert response.status_code == 400
    form = dict(response.context["follow_up"])["community-informed"]
    assert message in " ".join(form.errors[field])
    assert f'href="#id_informed-{field}' in response.content.decode()  # the error summary
    assert not alert.events.exists()


def test_the_page_refuses_someone_elses_alert(
    client: Client, mission: Mission, alert: Alert
) -> None:
    client.force_login(mission.cla_b)
    assert client.post(informed_url(alert), {}).status_code == 404
    client.force_login(mission.force)
    assert client.post(informed_url(alert), {}).status_code == 403
    assert not alert.events.exists()


def test_the_page_adds_a_follow_up_note(client: Client, mission: Mission, alert: Alert) -> None:
    client.force_login(mission.cla)

    client.post(
        reverse("alerts:alert_follow_up", args=[alert.pk, "note"]), {"follow-note": "Calm now."}
    )

    assert alert.events.get(kind=AlertEvent.Kind.NOTE).note == "Calm now."


# --- the API twin -------------------------------------------------------------------------


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_records_it_and_returns_the_alert_with_its_timeline(
    mission: Mission, alert: Alert
) -> None:
    when = timezone.now() - dt.timedelta(hours=3)

    response = api(mission.cla).post(
        f"/api/v1/alerts/{alert.pk}/community-informed/",
        {"informed_at": when.isoformat(), "how": "sms", "informed_by": "The focal point"},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["community_informed_at"] is not None
    line = response.data["timeline"][-1]
    assert line["kind"] == "community_informed"
    assert line["detail"].startswith("SMS, ") and line["detail"].endswith("by The focal point")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"how": "meeting", "informed_at": "2099-01-01T00:00:00Z"}, "informed_at"),
        ({"how": "meeting", "informed_at": "2001-01-01T00:00:00Z"}, "informed_at"),
        ({"how": "carrier-pigeon", "informed_at": "2026-01-01T00:00:00Z"}, "how"),
        ({"how": "meeting"}, "informed_at"),
    ],
)
def test_the_api_names_the_wrong_field(
    mission: Mission, alert: Alert, body: dict[str, str], field: str
) -> None:
    response = api(mission.cla).post(
        f"/api/v1/alerts/{alert.pk}/community-informed/",
        body,
        format="json",
        headers={"accept-language": "fr"},
    )

    assert response.status_code == 400
    assert field in response.data
    assert not alert.events.exists()


def test_the_api_refuses_someone_elses_alert_as_the_page_does(
    mission: Mission, alert: Alert
) -> None:
    body = {"how": "meeting", "informed_at": timezone.now().isoformat()}
    url = f"/api/v1/alerts/{alert.pk}/community-informed/"

    assert api(mission.cla_b).post(url, body, format="json").status_code == 404
    assert api(mission.force).post(url, body, format="json").status_code == 403
    assert api(mission.coordinator).post(url, body, format="json").status_code == 201


def test_the_api_adds_a_follow_up_note(mission: Mission, alert: Alert) -> None:
    url = f"/api/v1/alerts/{alert.pk}/follow-up-note/"

    assert api(mission.cla).post(url, {"note": ""}, format="json").status_code == 400
    response = api(mission.cla).post(url, {"note": "Calm."}, format="json")

    assert response.status_code == 201
    assert response.data["timeline"][-1]["note"] == "Calm."
