"""API of people and places: authentication, payloads, filters, ordering, errors, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clas.models import Language
from tests import factories as f
from tests.clas.conftest import BUILDERS
from tests.conftest import Mission

BASENAMES = ["sector", "location", "cla", "deployment", "network", "training"]


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("basename", BASENAMES)
def test_anonymous_requests_are_refused(client: Client, mission: Mission, basename: str) -> None:
    listing = client.get(reverse(f"{basename}-list"))
    detail = client.get(reverse(f"{basename}-detail", args=[mission.base_a.pk]))

    assert listing.status_code in (401, 403)
    assert detail.status_code in (401, 403)
    assert "results" not in listing.json()


def test_list_is_paginated_with_the_settings_page_size(client: Client, mission: Mission) -> None:
    f.NetworkFactory.create_batch(51, location=mission.base_a)
    client.force_login(mission.cla)

    first = client.get(reverse("network-list")).json()
    second = client.get(reverse("network-list"), {"page": 2}).json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert first["next"].endswith("?page=2")
    assert len(second["results"]) == 1


def test_location_payload_names_sector_and_field_office(client: Client, mission: Mission) -> None:
    client.force_login(mission.coordinator)

    body = client.get(reverse("location-detail", args=[mission.base_a.pk])).json()

    assert body["name"] == "Ippy"
    assert body["kind"] == "temporary"
    assert body["sector"] == {"id": mission.sector_a.pk, "code": "SA", "name": "Sector A"}
    assert body["field_office"]["id"] == mission.office_a.pk
    assert body["latitude"] == "6.50000"


def test_cla_payload_has_languages_equipment_and_current_location(
    client: Client, mission: Mission
) -> None:
    cla = mission.cla_profile
    cla.languages.add(Language.objects.create(code="sg", name="Sango"))
    client.force_login(mission.coordinator)

    body = client.get(reverse("cla-detail", args=[cla.pk])).json()

    assert body["staff_number"] == cla.staff_number
    assert body["languages"] == [{"code": "sg", "name": "Sango"}]
    assert body["has_phone"] is True
    assert body["connectivity"] == "intermittent"
    assert body["current_location"] == {
        "id": mission.base_a.pk,
        "code": mission.base_a.code,
        "name": "Ippy",
    }


def test_hq_sees_a_cla_without_deployment_with_no_current_location(
    client: Client, mission: Mission
) -> None:
    idle = f.CLAFactory()
    client.force_login(mission.hq)

    body = client.get(reverse("cla-detail", args=[idle.pk])).json()

    assert body["current_location"] is None


@pytest.mark.parametrize("role", ["cla", "coordinator", "hq", "admin"])
def test_network_detail_lists_focal_points_for_civilian_roles(
    client: Client, mission: Mission, role: str
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    f.FocalPointFactory(network=network, name="Marthe Yakite", phone="+236 75 11 22 33")
    client.force_login(mission.user(role))

    body = client.get(reverse("network-detail", args=[network.pk])).json()

    assert [(p["name"], p["phone"]) for p in body["focal_points"]] == [
        ("Marthe Yakite", "+23675112233")  # stored and given in E.164
    ]


def test_network_detail_hides_focal_points_from_force_officers(
    client: Client, mission: Mission
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    f.FocalPointFactory(network=network, name="Marthe Yakite", phone="+236 75 11 22 33")
    client.force_login(mission.force)

    response = client.get(reverse("network-detail", args=[network.pk]))

    assert response.status_code == 200
    assert response.json()["focal_points"] is None
    assert "Marthe Yakite" not in response.content.decode()
    assert "75112233" not in response.content.decode()


def test_network_list_never_carries_focal_points(client: Client, mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a, volunteers_women=3, volunteers_men=4)
    f.FocalPointFactory(network=network, name="Marthe Yakite")
    client.force_login(mission.hq)

    response = client.get(reverse("network-list"))

    row = response.json()["results"][0]
    assert "focal_points" not in row
    assert row["volunteers_total"] == 7
    assert "Marthe Yakite" not in response.content.decode()


def test_training_detail_lists_participants(client: Client, mission: Mission) -> None:
    training = f.TrainingFactory(location=mission.base_a)
    training.participants.add(mission.cla_profile, f.CLAFactory())
    client.force_login(mission.coordinator)

    body = client.get(reverse("training-detail", args=[training.pk])).json()

    assert body["participants_count"] == 2
    assert mission.cla_profile.staff_number in {p["staff_number"] for p in body["participants"]}


def test_locations_filter_by_sector_kind_and_prefecture(client: Client, mission: Mission) -> None:
    f.LocationFactory(sector=mission.sector_b, prefecture="Nana-Mambéré", name="Baoro")
    client.force_login(mission.hq)
    url = reverse("location-list")

    by_sector = _ids(client.get(url, {"sector": mission.sector_a.pk}))
    by_kind = _ids(client.get(url, {"kind": "temporary"}))
    by_prefecture = client.get(url, {"prefecture": "nana-mambéré"}).json()["results"]

    assert sorted(by_sector) == sorted([mission.office_a.pk, mission.base_a.pk])
    assert sorted(by_kind) == sorted([mission.base_a.pk, mission.base_b.pk])
    assert [row["name"] for row in by_prefecture] == ["Baoro"]


def test_deployments_filter_by_cla_location_and_open(client: Client, mission: Mission) -> None:
    cla = mission.cla_profile
    ended = f.DeploymentFactory(
        cla=cla,
        location=mission.office_a,
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    current = cla.deployments.get(end_date__isnull=True)
    client.force_login(mission.coordinator)
    url = reverse("deployment-list")

    assert sorted(_ids(client.get(url, {"cla": cla.pk}))) == sorted([ended.pk, current.pk])
    assert _ids(client.get(url, {"cla": cla.pk, "open": "true"})) == [current.pk]
    assert _ids(client.get(url, {"open": "false"})) == [ended.pk]
    assert _ids(client.get(url, {"location": mission.office_a.pk})) == [ended.pk]


def test_networks_filter_by_location_and_status(client: Client, mission: Mission) -> None:
    dormant = f.NetworkFactory(location=mission.base_a, status="dormant")
    f.NetworkFactory(location=mission.base_a, status="active")
    elsewhere = f.NetworkFactory(location=mission.office_a, status="dormant")
    client.force_login(mission.coordinator)
    url = reverse("network-list")

    assert _ids(client.get(url, {"location": mission.base_a.pk, "status": "dormant"})) == [
        dormant.pk
    ]
    assert sorted(_ids(client.get(url, {"status": "dormant"}))) == sorted(
        [dormant.pk, elsewhere.pk]
    )


def test_clas_filter_by_current_location_and_language(client: Client, mission: Mission) -> None:
    mission.cla_b.cla_profile.languages.add(Language.objects.create(code="ff", name="Fulfulde"))
    client.force_login(mission.hq)
    url = reverse("cla-list")

    assert _ids(client.get(url, {"location": mission.base_a.pk})) == [mission.cla_profile.pk]
    assert _ids(client.get(url, {"language": "ff"})) == [mission.cla_b.cla_profile.pk]


def test_trainings_filter_by_kind_audience_and_dates(client: Client, mission: Mission) -> None:
    old = f.TrainingFactory(location=mission.base_a, held_on=dt.date(2021, 3, 1))
    f.TrainingFactory(location=mission.base_a, audience="uniformed", kind="joint")
    client.force_login(mission.coordinator)
    url = reverse("training-list")

    assert _ids(client.get(url, {"kind": "induction", "held_before": "2021-12-31"})) == [old.pk]
    assert _ids(client.get(url, {"audience": "cla", "held_after": "2022-01-01"})) == []


def test_list_ordering_follows_the_ordering_parameter(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)
    url = reverse("location-list")

    ascending = [row["name"] for row in client.get(url, {"ordering": "name"}).json()["results"]]
    descending = [row["name"] for row in client.get(url, {"ordering": "-name"}).json()["results"]]

    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


@pytest.mark.parametrize(
    ("basename", "params", "field"),
    [
        ("location", {"kind": "castle"}, "kind"),
        ("location", {"sector": "abc"}, "sector"),
        ("location", {"is_active": "perhaps"}, "is_active"),
        ("cla", {"gender": "x"}, "gender"),
        ("cla", {"location": "'; drop table"}, "location"),
        ("deployment", {"cla": "ten"}, "cla"),
        ("deployment", {"open": "maybe"}, "open"),
        ("network", {"status": "asleep"}, "status"),
        ("network", {"location": "999999999999999999999"}, "location"),
        ("training", {"held_after": "yesterday"}, "held_after"),
    ],
)
def test_invalid_filter_values_answer_400_naming_the_field(
    client: Client, mission: Mission, basename: str, params: dict[str, str], field: str
) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse(f"{basename}-list"), params)

    assert response.status_code == 400
    assert field in response.json()
    assert isinstance(response.json()[field], list)


def test_a_filter_choice_outside_the_scope_is_refused(client: Client, mission: Mission) -> None:
    client.force_login(mission.coordinator)

    response = client.get(reverse("location-list"), {"sector": mission.sector_b.pk})

    assert response.status_code == 400
    assert "sector" in response.json()


def test_unknown_ordering_field_is_ignored(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("location-list"), {"ordering": "secret_field"})

    assert response.status_code == 200


def test_detail_with_a_non_numeric_id_is_a_404(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("network-detail", args=["abc"]))

    assert response.status_code == 404


@pytest.mark.parametrize("model", list(BUILDERS))
def test_list_endpoints_make_the_same_number_of_queries_for_2_or_20_rows(
    client: Client,
    mission: Mission,
    model: str,
    count_queries: Callable[[Client, str], tuple[int, Any]],
    django_assert_num_queries: Any,
) -> None:
    build = BUILDERS[model]
    url = reverse(f"{model}-list")
    client.force_login(mission.hq)
    client.get(url)
    for _ in range(2):
        build()
    queries, few = count_queries(client, url)
    for _ in range(18):
        build()

    with django_assert_num_queries(queries):
        many = client.get(url)

    assert many.json()["count"] >= few.json()["count"] + 18


def test_training_list_for_a_cla_makes_constant_queries(
    client: Client,
    mission: Mission,
    count_queries: Callable[[Client, str], tuple[int, Any]],
    django_assert_num_queries: Any,
) -> None:
    url = reverse("training-list")
    client.force_login(mission.cla)

    def build(n: int) -> None:
        for _ in range(n):
            training = f.TrainingFactory(location=mission.base_a)
            training.participants.add(mission.cla_profile, f.CLAFactory())

    build(2)
    queries, _ = count_queries(client, url)
    build(18)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.json()["count"] == 20
    assert {row["participants_count"] for row in response.json()["results"]} == {2}
