"""Pages of people and places: sign-in, what the detail pages show, filters, paging, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clas.models import CLA, CommunityAlertNetwork, Language, Location, Training
from tests import factories as f
from tests.clas.conftest import BUILDERS
from tests.conftest import Mission

LIST_PAGES = [
    "clas:sector_list",
    "clas:location_list",
    "clas:cla_list",
    "clas:deployment_list",
    "clas:network_list",
    "clas:training_list",
]
DETAIL_PAGES = [name.replace("_list", "_detail") for name in LIST_PAGES]


def _rows(response: Any) -> list[Any]:
    return list(response.context["page_obj"])


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_pages_send_anonymous_visitors_to_sign_in(
    client: Client, db: None, url_name: str
) -> None:
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url_name", DETAIL_PAGES)
def test_detail_pages_send_anonymous_visitors_to_sign_in(
    client: Client, mission: Mission, url_name: str
) -> None:
    response = client.get(reverse(url_name, args=[mission.base_a.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_location_detail_shows_where_it_is_who_works_there_and_its_plan(
    client: Client, mission: Mission
) -> None:
    here = mission.base_a
    f.DeploymentFactory(
        cla=f.CLAFactory(user=f.UserFactory(first_name="Ended", last_name="Posting")),
        location=here,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    network = f.NetworkFactory(location=here, name="CAN Ippy centre")
    plan = f.PlanFactory(location=here)
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_detail", args=[here.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sector A" in html
    assert "Bambari" in html  # the field office
    assert "Temporary operating base" in html
    assert str(here.latitude) in html and str(here.longitude) in html
    current = mission.cla_profile
    assert reverse("clas:cla_detail", args=[current.pk]) in html
    assert "Ended Posting" not in html
    assert reverse("clas:network_detail", args=[network.pk]) in html
    assert reverse("protection_plans:plan_detail", args=[plan.pk]) in html


def test_location_detail_of_a_field_office_lists_the_locations_it_covers(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_detail", args=[mission.office_a.pk]))

    assert response.status_code == 200
    assert [loc.pk for loc in response.context["covered_locations"]] == [mission.base_a.pk]


def test_location_detail_says_when_there_is_no_plan(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("clas:location_detail", args=[mission.base_b.pk]))

    assert response.context["plan"] is None
    assert "No plan yet" in response.content.decode()


def test_cla_detail_shows_languages_equipment_connectivity_and_history(
    client: Client, mission: Mission
) -> None:
    cla = mission.cla_profile
    cla.languages.add(Language.objects.create(code="sg", name="Sango"))
    cla.has_radio = True
    cla.connectivity = CLA.Connectivity.SATELLITE
    cla.save()
    earlier = f.DeploymentFactory(
        cla=cla,
        location=mission.office_a,
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2023, 6, 30),
    )
    training = f.TrainingFactory(location=mission.office_a, title="Refresher on alerts")
    training.participants.add(cla)
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:cla_detail", args=[cla.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sango" in html
    assert "Satellite (VSAT)" in html
    assert "Radio: yes" in html
    assert "Laptop: no" in html
    history = [d.pk for d in response.context["deployments"]]
    assert len(history) == 2 and earlier.pk in history
    assert reverse("clas:deployment_detail", args=[earlier.pk]) in html
    assert "Refresher on alerts" in html


def test_network_detail_shows_volunteers_by_gender_and_status(
    client: Client, mission: Mission
) -> None:
    network = f.NetworkFactory(
        location=mission.base_a,
        volunteers_women=17,
        volunteers_men=43,
        status=CommunityAlertNetwork.Status.DORMANT,
    )
    client.force_login(mission.cla)

    response = client.get(reverse("clas:network_detail", args=[network.pk]))

    html = response.content.decode()
    assert ">17<" in html and ">43<" in html and ">60<" in html
    assert "Dormant" in html


@pytest.mark.parametrize("role", ["cla", "coordinator", "hq", "admin"])
def test_network_detail_shows_focal_points_to_civilian_roles(
    client: Client, mission: Mission, role: str
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    f.FocalPointFactory(network=network, name="Marthe Yakite", phone="+236 75 11 22 33")
    client.force_login(mission.user(role))

    response = client.get(reverse("clas:network_detail", args=[network.pk]))

    html = response.content.decode()
    assert "Marthe Yakite" in html
    assert "+23675112233" in html


def test_network_detail_never_shows_focal_points_to_force_officers(
    client: Client, mission: Mission
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    f.FocalPointFactory(network=network, name="Marthe Yakite", phone="+236 75 11 22 33")
    client.force_login(mission.force)

    response = client.get(reverse("clas:network_detail", args=[network.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Marthe Yakite" not in html
    assert "+23675112233" not in html
    assert "Focal points are not shown to your role." in html


def test_training_detail_lists_cla_participants(client: Client, mission: Mission) -> None:
    training = f.TrainingFactory(location=mission.base_a, uniformed_participants=12)
    training.participants.add(mission.cla_profile)
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:training_detail", args=[training.pk]))

    html = response.content.decode()
    assert mission.cla_profile.staff_number in html
    assert ">12<" in html


def test_training_list_counts_every_participant_also_for_a_cla_who_took_part(
    client: Client, mission: Mission
) -> None:
    training = f.TrainingFactory(location=mission.office_b)
    training.participants.add(mission.cla_profile, f.CLAFactory(), f.CLAFactory())
    client.force_login(mission.cla)

    response = client.get(reverse("clas:training_list"))

    rows = _rows(response)
    assert [t.pk for t in rows] == [training.pk]
    assert rows[0].participants_count == 3


def test_deployment_detail_shows_cla_location_and_dates(client: Client, mission: Mission) -> None:
    deployment = mission.cla_profile.deployments.get()
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:deployment_detail", args=[deployment.pk]))

    html = response.content.decode()
    assert mission.cla_profile.staff_number in html
    assert "Ippy" in html
    assert "current" in html


def test_sector_detail_lists_only_locations_in_scope(client: Client, mission: Mission) -> None:
    other_area = f.LocationFactory(sector=mission.sector_a, name="Kaga-Bandoro")
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:sector_detail", args=[mission.sector_a.pk]))

    shown = {loc.pk for loc in response.context["locations"]}
    assert shown == {mission.office_a.pk, mission.base_a.pk}
    assert other_area.pk not in shown


def test_location_list_filters_by_sector_and_kind(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(
        reverse("clas:location_list"),
        {"sector": mission.sector_b.pk, "kind": Location.Kind.TEMPORARY},
    )

    assert [loc.pk for loc in _rows(response)] == [mission.base_b.pk]


def test_location_list_filters_by_prefecture_ignoring_case(
    client: Client, mission: Mission
) -> None:
    f.LocationFactory(prefecture="Nana-Mambéré", sector=mission.sector_b, name="Baoro")
    client.force_login(mission.hq)

    response = client.get(reverse("clas:location_list"), {"prefecture": "nana-mambéré"})

    assert [loc.name for loc in _rows(response)] == ["Baoro"]


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("clas:location_list", {"sector": "abc", "kind": "castle"}),
        ("clas:location_list", {"is_active": "perhaps"}),
        ("clas:cla_list", {"gender": "x", "location": "'; drop table"}),
        ("clas:deployment_list", {"cla": "ten", "open": "maybe"}),
        ("clas:network_list", {"status": "asleep", "location": "999999999999999999999"}),
        ("clas:training_list", {"held_after": "yesterday", "kind": "1"}),
        ("clas:sector_list", {"page": "last", "code": "x" * 500}),
    ],
)
def test_list_pages_answer_garbage_filters_with_form_errors_and_no_rows(
    client: Client, mission: Mission, url_name: str, params: dict[str, str]
) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse(url_name), params)

    assert response.status_code == 200
    if set(params) - {"page", "code"}:
        assert response.context["filter"].errors
        assert _rows(response) == []
        assert "Some filter values are not valid" in response.content.decode()


def test_list_filter_refuses_a_sector_outside_the_scope(client: Client, mission: Mission) -> None:
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_list"), {"sector": mission.sector_b.pk})

    assert "sector" in response.context["filter"].errors
    assert _rows(response) == []


def test_list_filter_offers_only_sectors_in_scope(client: Client, mission: Mission) -> None:
    client.force_login(mission.force)

    response = client.get(reverse("clas:location_list"))

    choices = list(response.context["filter"].form.fields["sector"].queryset)
    assert choices == [mission.sector_a]


def test_deployment_list_filters_open_ones(client: Client, mission: Mission) -> None:
    ended = f.DeploymentFactory(
        location=mission.base_a, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 5, 1)
    )
    client.force_login(mission.coordinator)

    open_rows = _rows(client.get(reverse("clas:deployment_list"), {"open": "true"}))
    ended_rows = _rows(client.get(reverse("clas:deployment_list"), {"open": "false"}))

    assert ended.pk not in {d.pk for d in open_rows}
    assert [d.pk for d in ended_rows] == [ended.pk]


def test_cla_list_filters_by_current_location(client: Client, mission: Mission) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("clas:cla_list"), {"location": mission.base_b.pk})

    assert [c.user for c in _rows(response)] == [mission.cla_b]


def test_network_list_filters_by_status(client: Client, mission: Mission) -> None:
    dormant = f.NetworkFactory(location=mission.base_a, status="dormant")
    f.NetworkFactory(location=mission.base_a, status="active")
    client.force_login(mission.cla)

    response = client.get(reverse("clas:network_list"), {"status": "dormant"})

    assert [n.pk for n in _rows(response)] == [dormant.pk]


def test_training_list_filters_by_kind_and_dates(client: Client, mission: Mission) -> None:
    old = f.TrainingFactory(location=mission.base_a, held_on=dt.date(2021, 3, 1))
    f.TrainingFactory(location=mission.base_a, kind=Training.Kind.REFRESHER)
    client.force_login(mission.coordinator)

    response = client.get(
        reverse("clas:training_list"), {"kind": "induction", "held_before": "2021-12-31"}
    )

    assert [t.pk for t in _rows(response)] == [old.pk]


def test_list_pages_show_fifty_rows_a_page(client: Client, mission: Mission) -> None:
    f.NetworkFactory.create_batch(51, location=mission.base_a)
    client.force_login(mission.cla)

    first = client.get(reverse("clas:network_list"))
    second = client.get(reverse("clas:network_list"), {"page": 2})
    beyond = client.get(reverse("clas:network_list"), {"page": 99})

    assert len(_rows(first)) == 50
    assert len(_rows(second)) == 1
    assert beyond.context["page_obj"].number == 2
    assert "?page=2" in first.content.decode()


def test_pagination_links_keep_the_filters(client: Client, mission: Mission) -> None:
    f.NetworkFactory.create_batch(51, location=mission.base_a, status="dormant")
    client.force_login(mission.hq)

    response = client.get(reverse("clas:network_list"), {"status": "dormant"})

    assert "?status=dormant&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("model", list(BUILDERS))
def test_list_pages_make_the_same_number_of_queries_for_2_or_20_rows(
    client: Client,
    mission: Mission,
    model: str,
    count_queries: Callable[[Client, str], tuple[int, Any]],
    django_assert_num_queries: Any,
) -> None:
    build = BUILDERS[model]
    url = reverse(f"clas:{model}_list")
    client.force_login(mission.hq)
    client.get(url)
    for _ in range(2):
        build()
    queries, few = count_queries(client, url)
    for _ in range(18):
        build()

    with django_assert_num_queries(queries):
        many = client.get(url)

    assert len(_rows(many)) >= len(_rows(few)) + 18


@pytest.mark.parametrize("model", ["location", "cla", "network", "training"])
def test_detail_pages_make_the_same_number_of_queries_however_much_is_linked(
    client: Client,
    mission: Mission,
    model: str,
    count_queries: Callable[[Client, str], tuple[int, Any]],
    django_assert_num_queries: Any,
) -> None:
    here = mission.base_a
    cla = mission.cla_profile
    network = f.NetworkFactory(location=here, established_by=cla)
    training = f.TrainingFactory(location=here)
    target = {"location": here, "cla": cla, "network": network, "training": training}[model]

    def link(n: int) -> None:
        for _ in range(n):
            f.NetworkFactory(location=here)
            f.DeploymentFactory(location=here)
            f.FocalPointFactory(network=network)
            training.participants.add(f.CLAFactory())
            cla.languages.add(Language.objects.create(code=f"l{Language.objects.count()}"))
            f.DeploymentFactory(
                cla=cla,
                location=mission.office_a,
                start_date=dt.date(2000 + Language.objects.count(), 1, 1),
                end_date=dt.date(2000 + Language.objects.count(), 2, 1),
            )

    url = reverse(f"clas:{model}_detail", args=[target.pk])
    client.force_login(mission.coordinator)
    link(2)
    queries, _ = count_queries(client, url)
    link(18)

    with django_assert_num_queries(queries):
        client.get(url)


def test_field_office_filter_offers_only_field_offices_in_scope(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_list"))

    choices = list(response.context["filter"].form.fields["field_office"].queryset)
    assert choices == [mission.office_a]
