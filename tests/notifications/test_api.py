"""The notifications' API, twin of their page: the same rows, the same scoping, the same marks."""

from __future__ import annotations

import pytest
from django.utils.translation import override
from rest_framework.test import APIClient

from notifications.selectors import headline
from tests.conftest import Mission
from tests.notifications.support import close, told

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_cla_gets_what_the_page_shows_newest_first(mission: Mission) -> None:
    notifications = told(mission, close)
    reference = notifications[0].alert.reference

    body = api_for(mission.cla).get(URL).json()

    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["headline"] == f"{reference} closed."
    assert rows[-1]["headline"] == f"{reference} acknowledged."
    assert {row["event_kind"] for row in rows} == {"acknowledged", "outcome", "response", "closed"}
    assert all(row["alert_reference"] == reference and row["is_read"] is False for row in rows)
    assert {row["detail"] for row in rows} >= {"Confirmed", "Patrol dispatched"}


def test_in_the_readers_language(mission: Mission) -> None:
    (notification,) = told(mission)
    with override("fr"):
        french = headline(notification.event)
    with override("en"):
        assert headline(notification.event) != french

    body = api_for(mission.cla).get(URL, HTTP_ACCEPT_LANGUAGE="fr").json()

    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["headline"] == french


def test_mark_one_then_all_read(mission: Mission) -> None:
    first, *others = told(mission, close)
    client = api_for(mission.cla)

    one = client.post(f"{URL}{first.pk}/read/")

    assert one.status_code == 200
    assert one.json()["is_read"] is True
    unread = client.get(URL, {"unread": "true"}).json()
    rows = unread["results"] if isinstance(unread, dict) else unread
    assert len(rows) == len(others)
    everything = client.post(f"{URL}read-all/")
    assert everything.json() == {"marked": len(others), "unread": 0}


def test_anothers_notifications_are_404_and_never_marked(mission: Mission) -> None:
    (notification,) = told(mission)
    client = api_for(mission.cla_b)

    assert client.get(f"{URL}{notification.pk}/").status_code == 404
    assert client.post(f"{URL}{notification.pk}/read/").status_code == 404
    assert client.post(f"{URL}read-all/").json()["marked"] == 0
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("role", ["force", "hq"])
def test_roles_without_notifications_get_403(mission: Mission, role: str) -> None:
    assert api_for(getattr(mission, role)).get(URL).status_code == 403


@pytest.mark.parametrize("pk", ["99999999999999999999", "0"])
def test_unknown_ids_are_404_never_500(mission: Mission, pk: str) -> None:
    assert api_for(mission.cla).post(f"{URL}{pk}/read/").status_code == 404


def test_signed_out_is_refused(mission: Mission) -> None:
    assert APIClient().get(URL).status_code in (401, 403)
