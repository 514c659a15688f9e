"""POST /api/v1/auth/password/ and /api/v1/auth/password/reset/: the API's twins of the
"Change password" and "Forgot your password?" pages."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from knox.models import AuthToken

from tests import factories as f

PASSWORD = "pass-word-123"
NEW = "a-new-pass-word-456"
CHANGE = "/api/v1/auth/password/"
RESET = "/api/v1/auth/password/reset/"


def _token_client(user: Any) -> tuple[Client, AuthToken]:
    instance, token = AuthToken.objects.create(user=user)
    return Client(headers={"Authorization": f"Token {token}"}), instance


def test_the_urls_are_the_documented_ones() -> None:
    assert reverse("auth-password") == CHANGE
    assert reverse("auth-password-reset") == RESET


# --- change ---------------------------------------------------------------------------------


def test_a_user_changes_their_password_and_every_token_is_revoked(db) -> None:
    user = f.UserFactory(username="alice")
    client, _used = _token_client(user)
    AuthToken.objects.create(user=user)

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password": NEW}, content_type="application/json"
    )

    assert response.status_code == 200
    assert "take a new one" in response.json()["detail"]
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get(reverse("location-list")).status_code == 401


def test_a_wrong_old_password_is_named_in_french_and_nothing_changes(db) -> None:
    user = f.UserFactory(username="alice")
    client, _used = _token_client(user)

    response = client.post(
        CHANGE,
        {"old_password": "wrong", "new_password": NEW},
        headers={"Accept-Language": "fr"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["old_password"]
    assert "ancien mot de passe" in response.json()["old_password"][0]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuthToken.objects.filter(user=user).exists()


def test_a_new_password_the_rules_refuse_is_named_at_its_field(db) -> None:
    user = f.UserFactory(username="alice")
    client, _used = _token_client(user)

    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password": "12345678"},
        content_type="application/json",
    )

    assert response.status_code == 400
    messages = response.json()["new_password"]
    assert any("too common" in m for m in messages)
    assert any("entirely numeric" in m for m in messages)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_missing_fields_are_named(db) -> None:
    client, _used = _token_client(f.UserFactory())

    response = client.post(CHANGE, {}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"old_password", "new_password"}


def test_changing_needs_a_user(client: Client, db) -> None:
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW})

    assert response.status_code == 401


def test_a_session_that_changes_it_stays_signed_in(db) -> None:
    user = f.UserFactory(username="alice")
    client = Client()
    client.force_login(user)

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password": NEW}, content_type="application/json"
    )

    assert response.status_code == 200
    assert client.get(reverse("location-list")).status_code == 200


def test_a_session_must_send_its_csrf_token(db) -> None:
    user = f.UserFactory(username="alice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password": NEW}, content_type="application/json"
    )

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- reset ----------------------------------------------------------------------------------


@override_settings(SITE_URL="https://ew.example.org")
def test_a_reset_sends_the_same_email_as_the_page(client: Client, db) -> None:
    f.UserFactory(username="amina", email="amina@mission.test", language="fr")
    client.post(reverse("password_reset"), {"email": "amina@mission.test"})
    [from_page] = mail.outbox
    mail.outbox.clear()

    response = client.post(RESET, {"email": "amina@mission.test"})

    assert response.status_code == 202
    [from_api] = mail.outbox
    assert from_api.to == ["amina@mission.test"]
    assert from_api.subject == from_page.subject
    link = re.compile(r"https://ew\.example\.org/accounts/password/reset/\S+")
    assert link.sub("LINK", from_api.body) == link.sub("LINK", from_page.body)
    assert "Votre nom d\u2019utilisateur est amina." in from_api.body


def test_an_unknown_address_gets_the_same_answer_and_no_email(client: Client, db) -> None:
    f.UserFactory(username="amina", email="amina@mission.test")
    known = client.post(RESET, {"email": "amina@mission.test"})
    mail.outbox.clear()

    unknown = client.post(RESET, {"email": "nobody@mission.test"})

    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert mail.outbox == []


def test_a_bad_address_is_named_at_its_field(client: Client, db) -> None:
    response = client.post(RESET, {"email": "not an address"})

    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert mail.outbox == []


def test_past_the_limit_the_api_answers_429_in_french_and_sends_nothing(db, settings: Any) -> None:
    limit = settings.PASSWORD_RESET_LIMIT = 2
    f.UserFactory(username="amina", email="amina@mission.test")
    client = Client(headers={"Accept-Language": "fr"})
    for _ in range(limit):
        assert client.post(RESET, {"email": "amina@mission.test"}).status_code == 202

    refused = client.post(RESET, {"email": "amina@mission.test"})

    assert refused.status_code == 429
    assert "Trop de demandes" in refused.json()["detail"]
    assert int(refused["Retry-After"]) == 3600
    assert len(mail.outbox) == limit
