from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f
from tests.core.html import parse

PASSWORD = "pass-word-123"


def test_login_page_shows_username_and_password_fields(client, db) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = parse(response.content)
    form = page.find_all("form", action=reverse("login"), method="post")
    assert len(form) == 1
    assert page.find_all("input", name="username")
    assert page.find_all("input", name="password", type="password")


def test_user_logs_in_with_password_and_is_sent_home(client, db) -> None:
    user = f.UserFactory(username="alice")

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_next_to_the_page_asked_for(client, db) -> None:
    f.UserFactory(username="alice")

    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/admin/"}
    )

    assert response["Location"] == "/admin/"


def test_wrong_password_shows_an_error_and_does_not_log_in(client, db) -> None:
    f.UserFactory(username="alice")

    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert parse(response.content).find_all("div", class_="errors", role="alert")


@pytest.mark.urls("tests.core.urls_no_pages")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_login_switches_to_the_users_preferred_language(client, db, language: str) -> None:
    f.UserFactory(username="alice", language=language)
    other = "en" if language == "fr" else "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = other

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    landing = client.get(reverse("home"))
    assert f'<html lang="{language}">' in landing.content.decode()


def test_failed_login_does_not_change_the_language(client, db) -> None:
    f.UserFactory(username="alice", language="fr")

    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_logged_in_user_opening_login_is_sent_home(client, mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_header_shows_name_role_and_a_logout_form(client, mission) -> None:
    mission.hq.first_name, mission.hq.last_name = "Awa", "Kone"
    mission.hq.save()
    client.force_login(mission.hq)

    response = client.get(reverse("home"), follow=True)

    page = parse(response.content)
    assert [e.text for e in page.find_all("span", class_="who-name")] == ["Awa Kone"]
    assert [e.text for e in page.find_all("span", class_="who-role")] == [
        str(mission.hq.get_role_display())
    ]
    assert page.find_all("form", action=reverse("logout"), method="post")


def test_logout_ends_the_session_and_goes_to_login(client, mission) -> None:
    client.force_login(mission.cla)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_logout_refuses_a_get_so_a_link_cannot_log_someone_out(client, mission) -> None:
    client.force_login(mission.cla)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(mission.cla.pk)
