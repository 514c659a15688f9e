"""Password reset by email and password change: Django's views, the project's pages."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from knox.models import AuthToken

from tests import factories as f
from tests.core.html import parse

PASSWORD = "pass-word-123"
NEW = "a-new-pass-word-456"


def _link(body: str) -> str:
    [url] = re.findall(r"https?://\S+", body)
    return url


@override_settings(SITE_URL="https://ew.example.org")
def test_a_french_user_resets_their_password_through_an_email_in_french(db) -> None:
    user = f.UserFactory(username="amina", email="amina@mission.test", language="fr")
    AuthToken.objects.create(user=user)
    client = Client(headers={"Accept-Language": "en"})

    sent = client.post(reverse("password_reset"), {"email": "amina@mission.test"})

    assert sent.status_code == 302 and sent["Location"] == reverse("password_reset_done")
    [email] = mail.outbox
    assert email.to == ["amina@mission.test"]
    assert "réinitialisez votre mot de passe" in email.subject
    assert "Votre nom d\u2019utilisateur est amina." in email.body
    link = _link(email.body)
    assert link.startswith("https://ew.example.org/accounts/password/reset/")

    path = link.removeprefix("https://ew.example.org")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})

    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get(path, follow=True).context["validlink"] is False


def test_an_unknown_address_gets_the_same_page_and_no_email(client: Client, db) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@mission.test"})

    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_bad_address_is_named_at_its_field(client: Client, db) -> None:
    response = client.post(reverse("password_reset"), {"email": "not an address"})

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find_all("div", class_="errors", role="alert")
    assert page.find_all("a", href="#id_email")
    assert page.find_all("span", class_="field-error", id="id_email_error_1")


def test_the_user_changes_their_password_and_their_tokens_are_revoked(client: Client, db) -> None:
    user = f.UserFactory(username="alice")
    AuthToken.objects.create(user=user)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not AuthToken.objects.filter(user=user).exists()
    # The session that changed it stays signed in.
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_wrong_old_password_is_named_in_french(db) -> None:
    user = f.UserFactory(username="alice")
    AuthToken.objects.create(user=user)
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 200
    page = parse(response.content)
    [error] = page.find_all("span", class_="field-error", id="id_old_password_error_1")
    assert "ancien mot de passe" in error.text
    assert AuthToken.objects.filter(user=user).exists()


def test_the_password_change_page_needs_a_login(client: Client, db) -> None:
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_menu_links_to_the_password_change(client: Client, mission) -> None:
    client.force_login(mission.hq)

    page = parse(client.get(reverse("password_change")).content)

    assert page.find_all("a", class_="who-password", href=reverse("password_change"))


# --- how many reset emails ----------------------------------------------------------------


def _ask(client: Client, email: str, address: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_five_resets_an_hour_by_default_then_the_page_refuses_in_french(db) -> None:
    f.UserFactory(username="amina", email="amina@mission.test")
    client = Client(headers={"Accept-Language": "fr"})
    for _ in range(5):
        assert _ask(client, "amina@mission.test").status_code == 302

    refused = _ask(client, "amina@mission.test")

    assert refused.status_code == 429
    page = parse(refused.content)
    [error] = page.find_all("span", class_="field-error", id="id_email_error_1")
    assert "Trop de demandes" in error.text and "60 minutes" in error.text
    assert page.find_all("a", href="#id_email")
    assert len(mail.outbox) == 5


def test_the_limit_counts_per_email_address_from_any_address(db, settings) -> None:
    settings.PASSWORD_RESET_LIMIT = 2
    f.UserFactory(username="amina", email="amina@mission.test")
    client = Client()
    _ask(client, "amina@mission.test", address="10.0.0.1")
    _ask(client, "Amina@Mission.test", address="10.0.0.2")

    refused = _ask(client, "amina@mission.test", address="10.0.0.3")

    assert refused.status_code == 429
    assert len(mail.outbox) == 2
    # Another address is not held back by it.
    f.UserFactory(username="bob", email="bob@mission.test")
    assert _ask(client, "bob@mission.test", address="10.0.0.3").status_code == 302


def test_the_limit_counts_per_requesting_address_whatever_the_email(db, settings) -> None:
    settings.PASSWORD_RESET_LIMIT = 2
    f.UserFactory(username="amina", email="amina@mission.test")
    client = Client()
    _ask(client, "nobody@mission.test")
    _ask(client, "someone@mission.test")

    refused = _ask(client, "amina@mission.test")

    assert refused.status_code == 429
    assert mail.outbox == []
    assert _ask(client, "amina@mission.test", address="10.0.0.9").status_code == 302
    assert len(mail.outbox) == 1
