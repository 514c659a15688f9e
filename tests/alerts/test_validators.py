"""Alerts are plain text: one rule (alerts.validators), applied by the services, so the page
form and the API refuse the same things with the same message naming the field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert
from alerts.validators import has_markup
from core.exceptions import DomainError
from tests import factories as f
from tests.alerts.test_api import payload
from tests.alerts.test_views import alert_post, field_errors
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

LABELS = {
    "description": "Description",
    "place": "Place or village",
    "translation": "Translation",
    "perpetrator": "Perpetrator",
    "source_name": "Name of the person who reported it",
}
REFUSED = [
    ("description", "<script>alert(1)</script>"),
    ("description", "Men at the well <x onmouseover=alert(1)>"),
    ("description", '<x onmouseover="alert(1)">hover</x>'),
    ("place", "<b>Ndassima</b>"),
    ("place", "< img src=x>"),
    ("translation", '<img src=x onerror="alert(1)">'),
    ("perpetrator", "<!-- hidden -->"),
    ("source_name", "<svg/onload=alert(1)>"),
]
KEPT = [
    "Le groupe <<Mouvement>> a tiré",
    "<<Anti balaka>> vus à 3 km",
    "Moins de 5 < 10 morts",
    "Village <Ndassima>",
    "Cinq <3 ans",
]


def message(field: str) -> str:
    return f"{LABELS[field]}: write plain text, without HTML tags."


def page_client(mission: Mission) -> Client:
    client = Client()
    client.force_login(mission.cla)
    return client


def api_client(user: object) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("field", "text"), REFUSED)
def test_markup_is_recognised(field: str, text: str) -> None:
    assert has_markup(text)


@pytest.mark.parametrize("text", KEPT)
def test_angle_brackets_of_plain_text_are_not_markup(text: str) -> None:
    assert not has_markup(text)


@pytest.mark.parametrize(("field", "text"), REFUSED)
def test_the_page_form_refuses_markup_naming_the_field(
    mission: Mission, field: str, text: str
) -> None:
    response = page_client(mission).post(
        reverse("alerts:alert_create"), alert_post(mission, **{field: text})
    )

    assert response.status_code == 200
    assert field_errors(response, field) == [message(field)]
    assert not Alert.objects.exists()


@pytest.mark.parametrize(("field", "text"), REFUSED)
def test_the_api_refuses_the_same_markup_with_the_same_message(
    mission: Mission, field: str, text: str
) -> None:
    response = api_client(mission.cla).post(
        "/api/v1/alerts/", payload(**{field: text}), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {field: [message(field)]}
    assert not Alert.objects.exists()


@pytest.mark.parametrize("text", KEPT)
def test_the_page_and_the_api_keep_plain_text_with_angle_brackets(
    mission: Mission, text: str
) -> None:
    page = page_client(mission).post(
        reverse("alerts:alert_create"), alert_post(mission, description=text)
    )
    api = api_client(mission.cla).post(
        "/api/v1/alerts/", payload(description=text, place=text), format="json"
    )

    assert page.status_code == 302
    assert api.status_code == 201, api.content
    assert list(Alert.objects.values_list("description", flat=True)) == [text, text]


def test_the_message_is_translated_with_the_fields_name(mission: Mission) -> None:
    response = api_client(mission.cla).post(
        "/api/v1/alerts/",
        payload(place="<b>Ndassima</b>"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.json() == {
        "place": ["Lieu ou village\u00a0: écrivez du texte simple, sans balises HTML."]
    }


# --- notes of the triage actions ----------------------------------------------------------


def queued(mission: Mission) -> Alert:
    return f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="queued")


def test_the_page_refuses_markup_in_a_note(mission: Mission) -> None:
    alert = queued(mission)
    client = Client()
    client.force_login(mission.force)

    response = client.post(
        reverse("alerts:alert_action", args=[alert.pk, "acknowledge"]),
        {"acknowledge-version": alert.version, "acknowledge-note": "<x onmouseover=alert(1)>"},
    )

    assert response.status_code == 200
    assert "Note: write plain text, without HTML tags." in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == "queued"


def test_the_api_refuses_markup_in_a_note(mission: Mission) -> None:
    alert = queued(mission)

    response = api_client(mission.force).post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/",
        {"note": "<x onmouseover=alert(1)>"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"note": ["Note: write plain text, without HTML tags."]}
    assert Alert.objects.get(pk=alert.pk).status == "queued"


@pytest.mark.parametrize(
    "take",
    [
        lambda a, u: services.alert_acknowledge(alert_id=a, user=u, note="<b>x</b>"),
        lambda a, u: services.alert_add_note(alert_id=a, user=u, note="</p>"),
    ],
)
def test_the_services_refuse_markup_in_notes(mission: Mission, take: object) -> None:
    alert = queued(mission)

    with pytest.raises(DomainError) as caught:
        take(alert.pk, mission.force)

    assert caught.value.field == "note"
    assert not alert.events.exists()
