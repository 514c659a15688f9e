from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tests.core.html import parse


def _switch(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_switcher_turns_the_page_french_and_back_to_english(client, db) -> None:
    login = reverse("login")

    response = _switch(client, "fr", login)

    assert response.status_code == 302
    assert response["Location"] == login
    french = client.get(login).content.decode()
    assert '<html lang="fr">' in french
    assert "Mot de passe" in french  # the password label, translated by Django itself

    _switch(client, "en", login)
    english = client.get(login).content.decode()
    assert '<html lang="en">' in english
    assert "Password" in english
    assert "Mot de passe" not in english


def test_switcher_is_a_post_form_that_works_without_javascript(client, db) -> None:
    response = client.get(reverse("login") + "?next=/somewhere/")

    page = parse(response.content)
    (form,) = page.find_all("form", action=reverse("set_language"))
    assert form.attrs["method"] == "post"
    assert page.find_all("input", within=form, name="csrfmiddlewaretoken")
    buttons = page.find_all("button", within=form, type="submit", name="language")
    assert sorted(b.attrs["value"] for b in buttons) == sorted(c for c, _ in settings.LANGUAGES)
    assert {b.text for b in buttons} == {"English", "Français"}


def test_switcher_returns_to_the_current_page_with_its_query(client, db) -> None:
    path = reverse("login") + "?next=/somewhere/"

    page = parse(client.get(path).content)

    (form,) = page.find_all("form", action=reverse("set_language"))
    (next_input,) = page.find_all("input", within=form, name="next", type="hidden")
    assert next_input.attrs["value"] == path


def test_switcher_marks_the_current_language(client, db) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = parse(client.get(reverse("login")).content)

    current = page.find_all("button", name="language", **{"aria-current": "true"})
    assert [b.attrs["value"] for b in current] == ["fr"]
