"""A signed-in session ends after its role's idle time; activity pushes the end back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from clas.middleware import REFRESH_AFTER_SECONDS

HOURS = 3600


def _expires_in(client: Client) -> float:
    row = Session.objects.get(session_key=client.session.session_key)
    return (row.expire_date - timezone.now()).total_seconds()


def test_the_defaults_are_eight_hours_for_hq_and_admins_and_twelve_for_the_others() -> None:
    from config.settings import base

    assert base.SESSION_IDLE_SECONDS_MISSION_WIDE == 8 * HOURS
    assert base.SESSION_IDLE_SECONDS == 12 * HOURS
    assert base.SESSION_COOKIE_AGE == 12 * HOURS


@pytest.mark.parametrize(
    ("role", "hours"),
    [("hq", 8), ("admin", 8), ("cla", 12), ("coordinator", 12), ("force", 12)],
)
def test_a_login_sets_the_idle_time_of_the_role(mission, role: str, hours: int) -> None:
    client = Client()
    client.post(
        reverse("login"), {"username": mission.user(role).username, "password": "pass-word-123"}
    )

    assert abs(_expires_in(client) - hours * HOURS) < 30


@override_settings(SESSION_IDLE_SECONDS=2 * HOURS)
def test_the_idle_time_comes_from_the_settings(client: Client, mission) -> None:
    client.force_login(mission.cla)
    client.get(reverse("home"))

    assert abs(_expires_in(client) - 2 * HOURS) < 30


def test_activity_pushes_the_end_back(client: Client, mission) -> None:
    client.force_login(mission.cla)
    client.get(reverse("home"))
    key = client.session.session_key
    # As if the last request had been long ago: the session then has less time left.
    session = client.session
    session.set_expiry(timezone.now() + dt.timedelta(hours=5))
    session.save()
    assert _expires_in(client) < 6 * HOURS

    client.get(reverse("home"))

    assert client.session.session_key == key
    assert abs(_expires_in(client) - 12 * HOURS) < 30


def test_requests_close_together_do_not_write_the_session(client: Client, mission) -> None:
    client.force_login(mission.cla)
    client.get(reverse("home"))
    first = Session.objects.get(session_key=client.session.session_key).expire_date

    client.get(reverse("home"))

    again = Session.objects.get(session_key=client.session.session_key).expire_date
    assert (again - first).total_seconds() < REFRESH_AFTER_SECONDS


def test_an_idle_session_is_signed_out(client: Client, mission) -> None:
    client.force_login(mission.hq)
    client.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL) or "login" in response["Location"]
