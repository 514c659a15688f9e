"""The dashboard in the API: the same figures as the page, the map as GeoJSON points per
location, the same scope, filters refused by name, and both in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken

from reporting.dashboard import selectors as dash
from tests.conftest import Mission
from tests.reporting.dashboard.support import Data

FIGURES = "/api/v1/dashboard/"
MAP = "/api/v1/dashboard/map/"


def test_the_urls_are_named(db: None) -> None:
    assert reverse("dashboard-figures") == FIGURES
    assert reverse("dashboard-map") == MAP


def test_the_api_gives_the_figures_of_the_page(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)

    body = client.get(FIGURES).json()
    page = client.get(reverse("reporting:dashboard")).context["fig"]

    assert body["alerts"]["total"] == page["alerts"]["total"] == 7
    assert body["period"] == {
        "start": page["period"]["start"].isoformat(),
        "end": page["period"]["end"].isoformat(),
    }
    assert [(r["code"], r["count"]) for r in body["alerts_by_category"]] == [
        ("attack", 4),
        ("looting", 3),
    ]
    assert body["response_times"]["acknowledge"]["median"] == pytest.approx(7200)
    assert body["response_times"]["acknowledge"]["p90"] == pytest.approx(68400)
    assert body["networks"]["coverage"] == pytest.approx(0.4)
    assert body["plans"]["reviews_overdue"] == 1
    assert [b["name"] for b in body["only_civilian_locations"]] == ["Baboua", "Ippy"]
    assert body["alerts_per_week"][0]["week"] <= body["period"]["start"]


def test_the_api_applies_the_filters(client: Client, data: Data) -> None:
    m = data.mission
    client.force_login(m.hq)

    body = client.get(FIGURES, {"sector": m.sector_b.pk, "category": data.looting.pk}).json()

    assert body["filters"] == {"sector": m.sector_b.pk, "category": data.looting.pk}
    assert body["alerts"]["total"] == 1  # 5, at Baboua
    assert [b["name"] for b in body["only_civilian_locations"]] == ["Baboua"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "0001-01-01"}, "start"),
        ({"sector": "abc"}, "sector"),
        ({"category": "99999999999999999999999"}, "category"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "non_field_errors"),
    ],
)
def test_unreadable_filters_are_refused_by_name(
    client: Client, data: Data, params: dict[str, str], field: str
) -> None:
    client.force_login(data.mission.hq)

    for url in (FIGURES, MAP):
        response = client.get(url, params)
        assert response.status_code == 400
        assert list(response.json()) == [field]


def test_the_map_has_one_point_per_location_with_its_counts(client: Client, data: Data) -> None:
    m = data.mission
    client.force_login(m.hq)

    body = client.get(MAP).json()

    assert body["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert set(by_name) == {"Bambari", "Ippy", "Bouar", "Baboua", "Kaga"}
    assert {n: f["properties"]["alerts"] for n, f in by_name.items()} == {
        "Bambari": 1,
        "Ippy": 3,
        "Bouar": 1,
        "Baboua": 1,
        "Kaga": 1,
    }
    assert by_name["Ippy"]["properties"]["unacknowledged"] == 1
    assert by_name["Bouar"]["geometry"] == {"type": "Point", "coordinates": [15.6, 5.93]}
    assert by_name["Ippy"]["id"] == m.base_a.pk
    assert f"location={m.base_a.pk}" in by_name["Ippy"]["properties"]["alerts_url"]


def test_the_map_follows_the_filters(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)

    body = client.get(MAP, {"category": data.looting.pk}).json()

    counts = {f["properties"]["name"]: f["properties"]["alerts"] for f in body["features"]}
    assert counts == {"Bambari": 1, "Ippy": 0, "Bouar": 0, "Baboua": 1, "Kaga": 1}


def test_a_force_officer_gets_their_sector_only(client: Client, data: Data) -> None:
    client.force_login(data.mission.force)

    figures = client.get(FIGURES).json()
    points = client.get(MAP).json()

    assert figures["alerts"]["total"] == 5
    assert {f["properties"]["name"] for f in points["features"]} == {"Bambari", "Ippy", "Kaga"}


def test_a_coordinator_gets_their_area_only(client: Client, data: Data) -> None:
    client.force_login(data.mission.coordinator)

    figures = client.get(FIGURES).json()
    points = client.get(MAP).json()

    assert figures["alerts"]["total"] == 4
    assert {f["properties"]["name"] for f in points["features"]} == {"Bambari", "Ippy"}


def test_a_force_officer_cannot_ask_for_another_sector(client: Client, data: Data) -> None:
    client.force_login(data.mission.force)

    response = client.get(FIGURES, {"sector": data.mission.sector_b.pk})

    assert response.status_code == 400
    assert "sector" in response.json()


def test_a_cla_is_refused(client: Client, data: Data) -> None:
    client.force_login(data.mission.cla)

    for url in (FIGURES, MAP):
        response = client.get(url)
        assert response.status_code == 403
        assert "detail" in response.json()


def test_a_stranger_is_refused(client: Client, data: Data) -> None:
    assert client.get(FIGURES).status_code in (401, 403)
    assert client.get(MAP).status_code in (401, 403)


def test_a_token_opens_the_api(client: Client, data: Data) -> None:
    _, token = AuthToken.objects.create(user=data.mission.hq)

    response = client.get(FIGURES, headers={"Authorization": f"Token {token}"})

    assert response.status_code == 200
    assert response.json()["alerts"]["total"] == 7


def test_the_api_and_the_selector_share_the_cache(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(FIGURES)
    cache.clear()
    dash.dashboard_figures(user=data.mission.hq, filters=dash.dashboard_default_filters())

    with CaptureQueriesContext(connection) as warm:
        response = client.get(FIGURES)

    assert response.status_code == 200
    # Only the session and the user are read: the figures come from the selector's cache entry.
    assert len(warm) < len(cold) - 5
    assert not any("alerts_alert" in q["sql"] for q in warm.captured_queries)


@pytest.fixture
def schema(client: Client, mission: Mission) -> dict[str, Any]:
    client.force_login(mission.hq)
    return yaml.safe_load(client.get(reverse("api-schema")).content)


def test_the_schema_documents_both_endpoints_and_their_filters(schema: dict[str, Any]) -> None:
    for path in (FIGURES, MAP):
        operation = schema["paths"][path]["get"]
        assert set(schema["paths"][path]) == {"get"}
        names = {p["name"] for p in operation["parameters"]}
        assert {"start", "end", "sector", "category"} <= names
        assert {"200", "400", "403"} <= set(operation["responses"])


def test_the_schema_describes_the_figures(schema: dict[str, Any]) -> None:
    response = schema["paths"][FIGURES]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][ref]["properties"]

    assert {
        "alerts",
        "alerts_per_week",
        "alerts_by_category",
        "alerts_by_prefecture",
        "response_times",
        "networks",
        "clas",
        "plans",
        "only_civilian_locations",
    } <= set(properties)
