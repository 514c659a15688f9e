"""The headers of every answer: nothing a signed-in user sees kept in a cache, a
Permissions-Policy, a language cookie no script reads, the API schema for signed-in users."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from core.middleware import PERMISSIONS_POLICY
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def _signed_in(mission: Mission) -> Client:
    client = Client()
    client.force_login(mission.cla)
    return client


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "url", ["/", "/alerts/new/", "/alerts/mine/", "/api/v1/alerts/", "/api/v1/locations/"]
)
def test_a_signed_in_user_s_pages_and_api_answers_are_never_stored(
    mission: Mission, url: str
) -> None:
    response = _signed_in(mission).get(url, follow=True)

    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_an_alert_detail_naming_its_source_is_never_stored(mission: Mission) -> None:
    from tests import factories as f

    alert = f.AlertFactory(location=mission.base_a, source_name="Jean Ndoli")
    client = _signed_in(mission)

    page = client.get(reverse("alerts:alert_detail", args=[alert.pk]))
    api = client.get(f"/api/v1/alerts/{alert.pk}/")

    for response in (page, api):
        assert response.status_code == 200
        assert "no-store" in _cache_control(response)


def test_the_form_keeps_its_kept_copy_header_with_no_store(mission: Mission) -> None:
    response = _signed_in(mission).get("/alerts/new/")

    assert response["X-Kept-Copy"]
    assert "no-store" in _cache_control(response)


def test_a_token_signed_api_answer_is_never_stored(mission: Mission) -> None:
    _, token = AuthToken.objects.create(user=mission.cla)

    response = Client().get("/api/v1/alerts/", headers={"Authorization": f"Token {token}"})

    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache_control(response)


def test_the_queue_keeps_its_etag_and_adds_no_store(mission: Mission) -> None:
    client = Client()
    client.force_login(mission.force)

    response = client.get(reverse("alerts:queue_rows"))

    assert response["ETag"]
    assert {"private", "no-cache", "no-store"} <= _cache_control(response)


def test_health_and_static_files_keep_their_own_headers(mission: Mission) -> None:
    client = _signed_in(mission)

    health = client.get("/healthz/live")
    static = client.get(settings.STATIC_URL + "css/app.css")

    assert _cache_control(health) == {"no-store"}
    assert health["Permissions-Policy"] == PERMISSIONS_POLICY
    assert static.status_code == 200
    assert "no-store" not in _cache_control(static)
    assert "Permissions-Policy" not in static
    assert "Content-Security-Policy" not in static


def test_an_anonymous_page_has_the_permissions_policy_and_no_camera_or_location() -> None:
    response = Client().get(reverse("login"))

    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_language_cookie_is_http_only_and_same_site_lax(mission: Mission) -> None:
    response = Client().post(reverse("set_language"), {"language": "fr", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_sends_the_language_cookie_over_https_only() -> None:
    from tests.config.test_settings import production_environment, run_python

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    result = run_python("config.settings.production", production_environment(), "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True Lax"


# --- the API schema and its docs -----------------------------------------------------------


def test_the_schema_is_401_for_anonymous_users() -> None:
    response = Client().get(reverse("api-schema"))

    assert response.status_code == 401


def test_the_docs_send_anonymous_people_to_the_login_page() -> None:
    response = Client().get(reverse("api-docs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signed_in_users_read_the_schema_and_docs(mission: Mission) -> None:
    client = _signed_in(mission)
    _, token = AuthToken.objects.create(user=mission.hq)

    assert client.get(reverse("api-schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200
    by_token = Client().get(reverse("api-schema"), headers={"Authorization": f"Token {token}"})
    assert by_token.status_code == 200
