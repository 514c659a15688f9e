"""The OpenAPI schema and its docs page, and the two ways to sign in to the API."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from knox.models import AuthToken

from tests.conftest import Mission

OUR_PATHS = [
    "/api/v1/sectors/",
    "/api/v1/sectors/{id}/",
    "/api/v1/locations/",
    "/api/v1/locations/{id}/",
    "/api/v1/clas/",
    "/api/v1/clas/{id}/",
    "/api/v1/deployments/",
    "/api/v1/deployments/{id}/",
    "/api/v1/networks/",
    "/api/v1/networks/{id}/",
    "/api/v1/trainings/",
    "/api/v1/trainings/{id}/",
    "/api/v1/plans/",
    "/api/v1/plans/{id}/",
]


@pytest.fixture
def schema(client: Client, mission: Mission) -> dict[str, Any]:
    client.force_login(mission.hq)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_valid_openapi_3(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_documents_every_people_places_and_plans_endpoint(schema: dict[str, Any]) -> None:
    for path in OUR_PATHS:
        assert "get" in schema["paths"][path], path
        assert set(schema["paths"][path]) == {"get"}, f"{path} must be read-only"


def _parameters(schema: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_schema_documents_filters_ordering_and_paging(schema: dict[str, Any]) -> None:
    locations = _parameters(schema, "/api/v1/locations/")
    deployments = _parameters(schema, "/api/v1/deployments/")
    networks = _parameters(schema, "/api/v1/networks/")
    plans = _parameters(schema, "/api/v1/plans/")

    assert {"sector", "kind", "prefecture", "ordering", "page"} <= set(locations)
    assert locations["kind"]["schema"]["enum"] == ["hq", "permanent", "temporary"]
    assert {"cla", "location", "open"} <= set(deployments)
    assert deployments["open"]["schema"]["type"] == "boolean"
    assert {"location", "status"} <= set(networks)
    assert {"status", "review_overdue"} <= set(plans)
    assert plans["review_overdue"]["schema"]["type"] == "boolean"


def test_schema_says_focal_points_may_be_withheld(schema: dict[str, Any]) -> None:
    response = schema["paths"]["/api/v1/networks/{id}/"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    focal_points = schema["components"]["schemas"][ref]["properties"]["focal_points"]

    assert focal_points["nullable"] is True
    assert focal_points["type"] == "array"


def test_schema_lists_pages_of_results(schema: dict[str, Any]) -> None:
    response = schema["paths"]["/api/v1/plans/"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert {"count", "next", "previous", "results"} <= set(
        schema["components"]["schemas"][ref]["properties"]
    )


def test_api_docs_page_renders(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("api-docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("api-schema") in html
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()  # served from our static files: works offline


def test_token_authentication_opens_the_api(client: Client, mission: Mission) -> None:
    _, token = AuthToken.objects.create(user=mission.coordinator)

    response = client.get(reverse("location-list"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert names == {"Bambari", "Ippy"}  # scoped to the token's user


def test_a_wrong_token_is_refused(client: Client, mission: Mission) -> None:
    AuthToken.objects.create(user=mission.coordinator)

    response = client.get(reverse("location-list"), HTTP_AUTHORIZATION="Token not-a-real-key")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_session_authentication_opens_the_api(client: Client, mission: Mission) -> None:
    assert client.login(username="force-a", password="pass-word-123")

    response = client.get(reverse("sector-list"))

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["SA"]


def test_without_credentials_the_api_is_closed(client: Client, mission: Mission) -> None:
    response = client.get(reverse("sector-list"))

    assert response.status_code in (401, 403)


def _ref_name(schema_or_ref: dict[str, Any]) -> str:
    return schema_or_ref["$ref"].rsplit("/", 1)[1]


def test_schema_documents_the_errors_every_operation_may_give(schema: dict[str, Any]) -> None:
    create = schema["paths"]["/api/v1/alerts/"]["post"]["responses"]
    retrieve = schema["paths"]["/api/v1/locations/{id}/"]["get"]["responses"]
    listing = schema["paths"]["/api/v1/locations/"]["get"]["responses"]

    assert {"400", "401", "403", "413", "415", "429"} <= set(create)
    assert {"401", "403", "404", "429"} <= set(retrieve)
    assert "400" not in retrieve  # no input to refuse
    assert {"400", "404"} <= set(listing)  # a filter that cannot be read, a page past the end
    assert "Retry-After" in listing["429"]["headers"]
    detail = _ref_name(retrieve["404"]["content"]["application/json"]["schema"])
    assert schema["components"]["schemas"][detail]["required"] == ["detail"]


def test_a_bad_input_is_documented_as_messages_per_field_or_a_detail(
    schema: dict[str, Any],
) -> None:
    response = schema["paths"]["/api/v1/alerts/{id}/close/"]["post"]["responses"]["400"]
    name = _ref_name(response["content"]["application/json"]["schema"])
    shapes = {_ref_name(s) for s in schema["components"]["schemas"][name]["anyOf"]}

    assert shapes == {"FieldErrors", "ErrorDetail"}
    field_errors = schema["components"]["schemas"]["FieldErrors"]
    assert field_errors["additionalProperties"]["anyOf"][0]["type"] == "array"


def test_schema_says_an_empty_query_parameter_is_allowed(schema: dict[str, Any]) -> None:
    locations = _parameters(schema, "/api/v1/locations/")

    assert locations["kind"]["allowEmptyValue"] is True
    assert locations["page"]["allowEmptyValue"] is True


def test_schema_lists_the_empty_outcome_and_response_of_an_alert(schema: dict[str, Any]) -> None:
    alert = schema["components"]["schemas"]["AlertDetail"]["properties"]

    for field in ("outcome", "response"):
        assert {_ref_name(s) for s in alert[field]["oneOf"]} >= {"BlankEnum"}, field
    assert schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_schema_says_a_report_may_have_no_files(schema: dict[str, Any]) -> None:
    report = schema["components"]["schemas"]["Report"]["properties"]

    assert report["pdf_url"]["nullable"] is True
    assert report["csv_url"]["nullable"] is True


def test_an_unknown_api_url_is_a_json_404(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get("/api/v1/alerts/abc/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_a_page(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get("/alerts/abc/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
