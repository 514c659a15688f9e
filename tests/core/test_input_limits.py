"""What the API refuses to read: JSON nested too deeply, a body too large. A 400 or a 413
that says why, in the reader's language, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from alerts.models import Alert
from core.parsers import MAX_JSON_DEPTH, json_depth
from tests.alerts.test_api import payload
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def _signed_in(mission: Mission) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_login(mission.cla)
    return client


def _nested(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


@pytest.mark.parametrize("language", ["en", "fr"])
def test_json_nested_5000_levels_deep_is_a_400_that_says_so(
    mission: Mission, language: str
) -> None:
    body = json.dumps(payload(place="Ndassima"))[:-1] + ', "description": ' + _nested(5000) + "}"
    assert len(body) < 11_000

    response = _signed_in(mission).post(
        ALERTS, body, content_type="application/json", headers={"Accept-Language": language}
    )

    assert response.status_code == 400
    expected = {
        "en": "The JSON is nested too deeply: at most 20 levels.",
        "fr": "Le JSON est imbriqué trop profondément\u202f: 20 niveaux au plus.",
    }[language]
    assert response.json() == {"detail": expected}
    assert not Alert.objects.exists()


def test_json_within_the_depth_is_read(mission: Mission) -> None:
    data = payload(location=mission.base_a.pk)
    data["description"] = "Brackets in text are not nesting: " + "[{" * 50

    response = _signed_in(mission).post(ALERTS, data, format="json")

    assert response.status_code == 201, response.content


def test_a_body_too_large_is_a_413_that_says_so(mission: Mission, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = payload(description="x" * 20_000)

    response = _signed_in(mission).post(ALERTS, data, format="json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large: at most 10000 bytes."}


def test_the_default_limit_refuses_a_body_of_two_megabytes(mission: Mission) -> None:
    body = json.dumps(payload(description="x" * 2_000_000))

    response = _signed_in(mission).post(ALERTS, body, content_type="application/json")

    assert response.status_code == 413
    assert not Alert.objects.exists()


def test_a_form_too_large_is_a_400_on_the_pages(mission: Mission, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(raise_request_exception=False)
    client.force_login(mission.cla)

    response = client.post("/alerts/new/", {"description": "x" * 20_000})

    assert response.status_code == 400
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [{"b": 1}]}', 3),
        ('"[[[[["', 0),
        ('["\\"[[["]', 1),
        (_nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH + 1),
    ],
)
def test_json_depth_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text) == depth
