"""Sign-in locked after too many failures for one username from one address (django-axes)."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories as f
from tests.core.html import parse

PASSWORD = "pass-word-123"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limit() -> object:
    with override_settings(AXES_FAILURE_LIMIT=LIMIT):
        yield


def _fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        client.post(
            reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address
        )


def _login(client: Client, username: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=address
    )


def test_the_right_password_is_refused_after_the_limit_of_failures(client: Client, db) -> None:
    f.UserFactory(username="alice")
    _fail(client, "alice", LIMIT)

    response = _login(client, "alice")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert int(response["Retry-After"]) == 15 * 60
    page = parse(response.content)
    [alert] = page.find_all("div", class_="errors", role="alert")
    assert "paused for 15 minutes" in alert.text
    assert page.find_all("input", name="username", value="alice")
    assert not page.find_all("input", name="password", value="wrong")


def test_fewer_failures_than_the_limit_still_let_the_user_in(client: Client, db) -> None:
    f.UserFactory(username="alice")
    _fail(client, "alice", LIMIT - 1)

    assert _login(client, "alice").status_code == 302


def test_the_lockout_says_the_same_for_a_username_that_does_not_exist(client: Client, db) -> None:
    f.UserFactory(username="alice")
    _fail(client, "alice", LIMIT)
    _fail(client, "nobody", LIMIT)

    known = _login(client, "alice")
    unknown = _login(client, "nobody")

    assert known.status_code == unknown.status_code == 429
    [known_error] = parse(known.content).find_all("div", class_="errors")
    [unknown_error] = parse(unknown.content).find_all("div", class_="errors")
    assert known_error.text == unknown_error.text


def test_the_lockout_is_per_username_and_address(client: Client, db) -> None:
    f.UserFactory(username="alice")
    f.UserFactory(username="bob")
    _fail(client, "alice", LIMIT, address="10.0.0.1")

    assert _login(client, "alice", address="10.0.0.2").status_code == 302
    assert _login(Client(), "bob", address="10.0.0.1").status_code == 302


def test_the_user_signs_in_again_after_the_cool_off(client: Client, db) -> None:
    f.UserFactory(username="alice")
    _fail(client, "alice", LIMIT)
    assert _login(client, "alice").status_code == 429

    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=15, seconds=1)
    )

    assert _login(client, "alice").status_code == 302


@override_settings(AXES_COOLOFF_TIME=dt.timedelta(minutes=30))
def test_the_lockout_message_is_in_french_with_the_configured_cool_off(client: Client, db) -> None:
    f.UserFactory(username="alice")
    client.cookies["django_language"] = "fr"
    _fail(client, "alice", LIMIT)

    response = _login(client, "alice")

    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)
    [error] = parse(response.content).find_all("div", class_="errors")
    text = error.text
    assert "30 minutes" in text
    assert "Trop de tentatives" in text


def test_a_success_before_the_limit_resets_the_count(client: Client, db) -> None:
    f.UserFactory(username="alice")
    _fail(client, "alice", LIMIT - 1)
    assert _login(client, "alice").status_code == 302
    client.logout()

    _fail(client, "alice", LIMIT - 1)

    assert _login(client, "alice").status_code == 302


def test_the_login_page_links_to_the_password_reset(client: Client, db) -> None:
    page = parse(client.get(reverse("login")).content)

    assert page.find_all("a", href=reverse("password_reset"))
