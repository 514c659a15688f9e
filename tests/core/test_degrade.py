"""Degrade, don't fail: with Redis down the dashboards are computed without the cache, and with
PostgreSQL down every request gets a 503 to try again (JSON for the API, a page for people
that keeps what was posted), never a 500."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from knox.models import AuthToken
from pytest_django import Settings

from alerts.models import Alert
from core import views
from core.cache import cache_get, cache_get_or_compute, cache_set
from tests.alerts.test_views import alert_post
from tests.conftest import Mission
from tests.core.html import Page, parse
from tests.reporting.dashboard.support import Data, build_data

DASHBOARD = "/dashboard/"
FIGURES_API = "/api/v1/dashboard/"
MAP_API = "/api/v1/dashboard/map/"
ALERT_FORM = "/alerts/new/"
API_MESSAGE = "The service is briefly unavailable. Please try again in a minute."


# --- Redis down: the dashboards are computed without the cache ------------------------------


def _closed_port() -> int:
    """A port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings: Settings) -> None:
    """The production cache backend, pointed at a Redis server that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "KEY_PREFIX": "ew",
        }
    }


@pytest.fixture
def data(mission: Mission) -> Data:
    return build_data(mission)


def _cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "core.cache" and r.levelno == logging.WARNING
    ]


def test_the_cache_helper_computes_every_time_while_redis_is_down(
    redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"total": 7}

    first = cache_get_or_compute("degrade:test", compute, 60)
    second = cache_get_or_compute("degrade:test", compute, 60)

    assert first == second == {"total": 7}
    assert len(calls) == 2
    # One warning per call: the read failed, and no write was tried after it.
    assert len(_cache_warnings(caplog)) == 2
    assert all("degrade:test" in message for message in _cache_warnings(caplog))


def test_the_safe_get_and_set_report_a_cache_that_is_down(
    redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert cache_set("degrade:test", 1, 60) is False
    assert cache_get("degrade:test", "absent") == "absent"
    assert len(_cache_warnings(caplog)) == 2


def test_the_cache_helper_keeps_the_value_while_the_cache_is_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache.delete("degrade:test")
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return 7

    assert cache_get_or_compute("degrade:test", compute, 60) == 7
    assert cache_get_or_compute("degrade:test", compute, 60) == 7

    assert len(calls) == 1
    assert not _cache_warnings(caplog)
    cache.delete("degrade:test")


def test_the_dashboard_page_shows_its_figures_while_redis_is_down(
    client: Client, data: Data, redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(data.mission.hq)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    fig = response.context["fig"]
    assert fig["alerts"]["total"] == 7
    assert [(r["code"], r["count"]) for r in fig["alerts_by_category"]] == [
        ("attack", 4),
        ("looting", 3),
    ]
    assert _cache_warnings(caplog)


def test_the_dashboard_csv_holds_its_figures_while_redis_is_down(
    client: Client, data: Data, redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(data.mission.hq)

    response = client.get(reverse("reporting:dashboard_csv", args=["alerts_by_category"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[1:] == [f"{data.attack.name_en},4,57.1", f"{data.looting.name_en},3,42.9"]
    assert _cache_warnings(caplog)


def test_the_dashboard_api_gives_its_figures_while_redis_is_down(
    client: Client, data: Data, redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(data.mission.hq)

    response = client.get(FIGURES_API)

    assert response.status_code == 200
    body = response.json()
    assert body["alerts"]["total"] == 7
    assert body["plans"]["reviews_overdue"] == 1
    assert _cache_warnings(caplog)


def test_the_map_api_gives_its_points_while_redis_is_down(
    client: Client, data: Data, redis_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(data.mission.hq)

    response = client.get(MAP_API)

    assert response.status_code == 200
    counts = {
        f["properties"]["name"]: f["properties"]["alerts"] for f in response.json()["features"]
    }
    assert counts == {"Bambari": 1, "Ippy": 3, "Bouar": 1, "Baboua": 1, "Kaga": 1}
    assert _cache_warnings(caplog)


def test_new_alerts_show_at_once_while_redis_is_down(
    client: Client, data: Data, redis_down: None
) -> None:
    """Nothing cached anywhere else either: each request reads the database again."""
    client.force_login(data.mission.hq)
    assert client.get(FIGURES_API).json()["alerts"]["total"] == 7

    Alert.objects.filter(pk=data.alerts[7].pk).update(reported_at=data.alerts[1].reported_at)

    assert client.get(FIGURES_API).json()["alerts"]["total"] == 8


# --- PostgreSQL down: 503 with Retry-After, never a 500 -------------------------------------


@contextmanager
def database_down(
    error: type[Exception] = OperationalError,
) -> Iterator[list[str]]:
    """Every query of this thread fails as when PostgreSQL is down; yields the refused SQL."""
    refused: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        refused.append(sql)
        raise error("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield refused


def _assert_503(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def _hidden_inputs(page: Page) -> list[tuple[str, str]]:
    (form,) = page.find_all("form", method="post")
    return [
        (i.attrs["name"] or "", i.attrs["value"] or "")
        for i in page.find_all("input", within=form, type="hidden")
    ]


def _typed(page: Page) -> dict[str, str]:
    return dict(
        zip(
            [dt.text for dt in page.find_all("dt")],
            [dd.text for dd in page.find_all("dd")],
            strict=True,
        )
    )


def test_the_api_answers_503_in_json_when_the_database_is_down(
    client: Client, mission: Mission
) -> None:
    _, token = AuthToken.objects.create(user=mission.hq)

    with database_down() as refused:
        response = client.get(FIGURES_API, HTTP_AUTHORIZATION=f"Token {token}")

    _assert_503(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": API_MESSAGE}
    assert len(refused) == 1  # the token; the answer itself asked nothing of the database


def test_the_api_says_it_in_french(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)
    client.cookies["django_language"] = "fr"

    with database_down(InterfaceError):
        response = client.get(MAP_API)

    _assert_503(response)
    with translation.override("fr"):
        french = gettext(API_MESSAGE)
    assert french != API_MESSAGE
    assert response.json() == {"detail": french}


def test_a_page_answers_503_with_a_try_again_page_when_the_database_is_down(
    client: Client, mission: Mission, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(mission.hq)

    with database_down() as refused:
        response = client.get(DASHBOARD, {"sector": mission.sector_a.pk})

    _assert_503(response)
    assert response.templates[0].name == "503.html"
    page = parse(response.content)
    assert [h.text for h in page.find_all("h1")] == ["Service unavailable"]
    assert page.find_all("a", href=f"{DASHBOARD}?sector={mission.sector_a.pk}")
    assert not page.find_all("form")
    assert len(refused) == 1  # the session; the page asked nothing of the database
    assert any(r.name == "core.middleware" and r.levelno == logging.WARNING for r in caplog.records)


def test_the_page_is_a_503_with_debug_on_too(
    client: Client, mission: Mission, settings: Settings
) -> None:
    settings.DEBUG = True
    client.force_login(mission.hq)

    with database_down():
        response = client.get(DASHBOARD)

    _assert_503(response)
    assert "Service unavailable" in response.content.decode()


def test_a_posted_alert_is_kept_to_be_sent_again_and_is_saved_once(mission: Mission) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(mission.cla)
    form = parse(client.get(ALERT_FORM).content)
    token = form.find_all("input", name="csrfmiddlewaretoken")[0].attrs["value"]
    posted = {**alert_post(mission), "csrfmiddlewaretoken": token}

    with database_down():
        response = client.post(ALERT_FORM, posted)

    _assert_503(response)
    page = parse(response.content)
    assert page.find_all("form", method="post", action=ALERT_FORM)
    hidden = _hidden_inputs(page)
    assert sorted(hidden) == sorted((name, str(value)) for name, value in posted.items())
    # What the CLA typed, to copy; not the keys the form carries.
    typed = _typed(page)
    assert typed["Description"] == posted["description"]
    assert typed["Victims displaced"] == "12"
    assert "Csrfmiddlewaretoken" not in typed and "Client key" not in typed
    assert [b.text for b in page.find_all("button")] == ["Send again"]

    # The database is back: "Send again", pressed twice, logs the alert once.
    first = client.post(ALERT_FORM, dict(hidden))
    second = client.post(ALERT_FORM, dict(hidden))

    assert first.status_code == second.status_code == 302
    alert = Alert.objects.get()
    assert alert.description == posted["description"]
    assert alert.logged_by == mission.cla


def test_a_typed_password_is_never_written_back(client: Client, db: None) -> None:
    with database_down():
        response = client.post(
            reverse("login"), {"username": "cla-a", "password": "never-in-a-page"}
        )

    _assert_503(response)
    assert "never-in-a-page" not in response.content.decode()
    assert _hidden_inputs(parse(response.content)) == [("username", "cla-a")]


def test_an_outage_met_saving_the_session_is_a_503_page(
    mission: Mission, settings: Settings
) -> None:
    """The session is saved by its middleware after the view: handler500 answers."""
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client(raise_request_exception=False)
    client.force_login(mission.hq)

    with database_down() as refused:
        response = client.get("/there/is/no/such/page/")

    _assert_503(response)
    assert "django_session" in refused[0]
    assert [h.text for h in parse(response.content).find_all("h1")] == ["Service unavailable"]


def test_an_outage_met_saving_the_session_is_a_json_503_in_the_api(
    mission: Mission, settings: Settings
) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = True
    client = Client(raise_request_exception=False)
    client.force_login(mission.hq)

    with database_down():
        response = client.get("/api/v1/there-is-no-such-endpoint/")

    _assert_503(response)
    assert response.json() == {"detail": API_MESSAGE}


# No database fixture below: a 503 answer that touched the database would fail here.


def _server_error_for(request: Any, exc: Exception) -> Any:
    try:
        raise exc
    except Exception:
        return views.server_error(request)


def test_handler500_answers_503_for_a_database_outage_without_the_database() -> None:
    request = RequestFactory().post(
        "/alerts/new/", {"description": "Two <b>huts</b> burnt", "password": "secret"}
    )

    response = _server_error_for(request, OperationalError("server closed the connection"))

    _assert_503(response)
    page = parse(response.content)
    assert _hidden_inputs(page) == [("description", "Two <b>huts</b> burnt")]
    assert "<b>huts</b>" not in response.content.decode()  # escaped, not markup
    assert _typed(page) == {"Description": "Two <b>huts</b> burnt"}


def test_handler500_keeps_the_500_page_for_other_errors() -> None:
    response = _server_error_for(RequestFactory().get("/"), ValueError("a bug"))

    assert response.status_code == 500
    assert "Server error" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_the_503_page_is_in_french_for_a_french_reader() -> None:
    with translation.override("fr"):
        response = views.database_unavailable(RequestFactory().get("/dashboard/"))
        heading = gettext("Service unavailable")

    page = parse(response.content)
    assert heading != "Service unavailable"
    assert page.find_all("html", lang="fr")
    assert [h.text for h in page.find_all("h1")] == [heading]
    assert [t.text for t in page.find_all("title")] == [heading]
