"""POST /api/v1/auth/token/: a username and password for an expiring token, stored hashed;
DELETE revokes it; a password change, reset or deactivation revokes them all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from clas.models import User
from tests import factories as f

PASSWORD = "pass-word-123"
URL = "/api/v1/auth/token/"


def _take(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(URL, {"username": username, "password": password}, **extra)


def _get(token: str):
    return Client().get(reverse("location-list"), headers={"Authorization": f"Token {token}"})


def test_the_url_is_the_documented_one() -> None:
    assert reverse("auth-token") == URL


def test_a_username_and_password_give_a_token_that_opens_the_api(client: Client, db) -> None:
    f.UserFactory(username="alice")

    response = _take(client, "alice")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    assert _get(body["token"]).status_code == 200


def test_the_token_expires_after_thirty_days_by_default(client: Client, db) -> None:
    f.UserFactory(username="alice")

    expiry = dt.datetime.fromisoformat(_take(client, "alice").json()["expiry"])

    expected = timezone.now() + dt.timedelta(days=30)
    assert abs((expiry - expected).total_seconds()) < 60


def test_the_database_holds_only_a_hash_of_the_token(client: Client, db) -> None:
    f.UserFactory(username="alice")

    token = _take(client, "alice").json()["token"]

    [row] = AuthToken.objects.values()
    assert not any(token in str(value) for value in row.values())
    assert row["digest"] != token and len(row["digest"]) == 128


def test_an_expired_token_is_refused(client: Client, db) -> None:
    f.UserFactory(username="alice")
    token = _take(client, "alice").json()["token"]

    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))

    assert _get(token).status_code == 401
    assert not AuthToken.objects.exists()


def test_delete_revokes_the_token_used_and_only_it(client: Client, db) -> None:
    f.UserFactory(username="alice")
    first = _take(client, "alice").json()["token"]
    second = _take(client, "alice").json()["token"]

    response = Client().delete(URL, headers={"Authorization": f"Token {first}"})

    assert response.status_code == 204
    assert _get(first).status_code == 401
    assert _get(second).status_code == 200


def test_delete_without_a_token_is_401(client: Client, db) -> None:
    assert Client().delete(URL).status_code == 401


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "alice"}, {"password"}),
        ({"username": "", "password": PASSWORD}, {"username"}),
    ],
)
def test_missing_fields_are_named(client: Client, db, body: dict, fields: set[str]) -> None:
    f.UserFactory(username="alice")

    response = client.post(URL, body)

    assert response.status_code == 400
    assert set(response.json()) == fields


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(client: Client, db) -> None:
    f.UserFactory(username="alice")

    wrong = _take(client, "alice", "wrong")
    unknown = _take(client, "nobody", "wrong")

    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert list(wrong.json()) == ["non_field_errors"]


def test_an_inactive_user_gets_no_token(client: Client, db) -> None:
    f.UserFactory(username="alice", is_active=False)

    assert _take(client, "alice").status_code == 400
    assert not AuthToken.objects.exists()


def test_errors_are_in_french_for_a_french_reader(db) -> None:
    client = Client(headers={"Accept-Language": "fr"})

    response = _take(client, "nobody", "wrong")

    assert response.json()["non_field_errors"] == [
        "Le nom d\u2019utilisateur et le mot de passe ne correspondent à aucun compte actif."
    ]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_api_locks_out_like_the_login_page(client: Client, db) -> None:
    f.UserFactory(username="alice")
    for _ in range(3):
        _take(client, "alice", "wrong", REMOTE_ADDR="10.1.0.1")

    locked = _take(client, "alice", REMOTE_ADDR="10.1.0.1")

    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.json()["detail"]
    assert int(locked["Retry-After"]) == 15 * 60
    assert _take(client, "alice", REMOTE_ADDR="10.1.0.2").status_code == 200
    # A lockout on the API holds on the page too: same username, same address.
    page = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.0.1"
    )
    assert page.status_code == 429


def test_a_password_change_revokes_every_token(client: Client, db) -> None:
    user = f.UserFactory(username="alice")
    tokens = [_take(client, "alice").json()["token"] for _ in range(2)]
    other = f.UserFactory(username="bob")
    _, kept = AuthToken.objects.create(user=other)

    user.set_password("a-new-pass-word-456")
    user.save()

    assert [_get(token).status_code for token in tokens] == [401, 401]
    assert _get(kept).status_code == 200


def test_deactivation_revokes_every_token(client: Client, db) -> None:
    user = f.UserFactory(username="alice")
    token = _take(client, "alice").json()["token"]

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert not AuthToken.objects.filter(user=user).exists()
    assert _get(token).status_code == 401


def test_saving_a_user_without_a_credential_change_keeps_the_tokens(client: Client, db) -> None:
    user = f.UserFactory(username="alice")
    token = _take(client, "alice").json()["token"]

    User.objects.get(pk=user.pk).save()
    user.first_name = "Alice"
    user.save()

    assert _get(token).status_code == 200
