from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

from tests.core.html import parse

HEADINGS = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    500: "Server error",
}


def _render(status: int) -> str:
    request = RequestFactory().get("/somewhere/")
    if status == 400:
        response = defaults.bad_request(request, BadRequest())
    elif status == 403:
        response = defaults.permission_denied(request, PermissionDenied())
    elif status == 404:
        response = defaults.page_not_found(request, Http404())
    else:
        response = defaults.server_error(request)
    assert response.status_code == status
    return response.content.decode()


# No database fixture: an error page that touched the database would fail here.
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("status", HEADINGS)
def test_error_pages_render_in_the_active_language(status: int, language: str) -> None:
    with translation.override(language):
        content = _render(status)
        heading = gettext(HEADINGS[status])

    page = parse(content)
    assert page.find_all("html", lang=language)
    assert [h.text for h in page.find_all("h1")] == [heading]
    assert [t.text for t in page.find_all("title")] == [heading]


@pytest.mark.parametrize("status", [404, 500])
def test_error_pages_are_translated_to_french(status: int) -> None:
    with translation.override("en"):
        english = parse(_render(status)).find_all("h1")[0].text
    with translation.override("fr"):
        french = parse(_render(status)).find_all("h1")[0].text

    assert english == HEADINGS[status]
    assert french != english


def test_server_error_page_renders_without_a_request_or_context() -> None:
    content = get_template("500.html").render()

    assert "Server error" in content
    assert parse(content).find_all("link", rel="stylesheet")


def test_unknown_url_gets_the_sites_404_page(client, db) -> None:
    response = client.get("/there/is/no/such/page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Page not found" in response.content.decode()


def test_unknown_url_gets_the_404_page_in_french(client, db) -> None:
    client.cookies["django_language"] = "fr"

    response = client.get("/there/is/no/such/page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="fr">' in content
    with translation.override("fr"):
        assert gettext("Page not found") in content


def test_expired_form_gets_a_page_that_says_nothing_was_saved(db) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # sets the CSRF cookie, as a browser would

    response = client.post(reverse("login"), {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert "Nothing was saved." in response.content.decode()
