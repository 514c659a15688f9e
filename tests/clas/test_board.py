"""The deployment board: gaps, filters, scoping per role, pages and their API twins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clas import selectors
from clas.models import Deployment, DeploymentEvent, Gender
from tests import factories as f

TODAY = timezone.localdate


def _board(user, **filters):
    return selectors.board_rows(user=user, today=TODAY(), **filters)


def _names(board) -> set[str]:
    return {row.location.name for row in board.rows}


def _open(user) -> Deployment:
    return Deployment.objects.get(cla__user=user, end_date__isnull=True)


# --- gaps --------------------------------------------------------------------------------


def test_board_shows_each_gap(mission) -> None:
    mission.cla_b.cla_profile.gender = Gender.MALE
    mission.cla_b.cla_profile.save()
    ending = _open(mission.cla)
    ending.end_date = TODAY() + dt.timedelta(days=12)
    ending.status = Deployment.Status.ON_LEAVE
    ending.save()

    board = _board(mission.admin)
    gaps = {row.location.name: row.gaps for row in board.rows}

    assert gaps["Bambari"] == {selectors.GAP_NO_CLA}
    assert gaps["Ippy"] == {
        selectors.GAP_SOLE_CIVILIAN,
        selectors.GAP_ON_LEAVE,
        selectors.GAP_ENDING,
    }
    # Sector B has one CLA, a man.
    assert selectors.GAP_NO_WOMAN in gaps["Baboua"] and selectors.GAP_NO_WOMAN in gaps["Bouar"]
    assert [s.name for s in board.sectors_without_women] == ["Sector B"]
    assert board.gap_counts == {
        selectors.GAP_NO_CLA: 2,  # Bambari and Bouar
        selectors.GAP_SOLE_CIVILIAN: 2,  # Ippy and Baboua
        selectors.GAP_NO_WOMAN: 1,  # sectors
        selectors.GAP_ON_LEAVE: 1,  # CLAs
        selectors.GAP_ENDING: 1,  # deployments
    }


def test_a_deployment_ending_in_more_than_30_days_is_no_gap(mission) -> None:
    later = _open(mission.cla)
    later.end_date = TODAY() + dt.timedelta(days=31)
    later.save()

    rows = {row.location.name: row for row in _board(mission.admin).rows}

    assert selectors.GAP_ENDING not in rows["Ippy"].gaps


def test_filters_by_name_sector_prefecture_kind_and_gap(mission) -> None:
    mission.base_b.prefecture = "Nana-Mambéré"
    mission.base_b.save()

    assert _names(_board(mission.admin, name="ipp")) == {"Ippy"}
    assert _names(_board(mission.admin, sector="SB")) == {"Bouar", "Baboua"}
    assert _names(_board(mission.admin, prefecture="nana-mambéré")) == {"Baboua"}
    assert _names(_board(mission.admin, kind="temporary")) == {"Ippy", "Baboua"}
    assert _names(_board(mission.admin, gap="no_cla")) == {"Bambari", "Bouar"}


def test_board_counts_with_a_fixed_number_of_queries(mission, django_assert_max_num_queries):
    for _ in range(5):
        f.DeploymentFactory(location=f.TemporaryBaseFactory(sector=mission.sector_a))
    with django_assert_max_num_queries(3):
        board = _board(mission.admin)
        assert len(board.rows) == 14  # each base comes with its field office


# --- scoping -------------------------------------------------------------------------------


def test_coordinator_sees_their_area_only(mission) -> None:
    assert _names(_board(mission.coordinator)) == {"Bambari", "Ippy"}


@pytest.mark.parametrize("role", ["cla", "force"])
def test_cla_and_force_are_refused_the_board(client, mission, role: str) -> None:
    client.force_login(mission.user(role))

    assert client.get(reverse("clas:board")).status_code == 403
    assert client.get("/api/v1/deployments/board/").status_code == 403
    assert client.get(reverse("clas:board_export", args=["csv"])).status_code == 403


def test_hq_reads_the_board_but_changes_nothing(client, mission) -> None:
    client.force_login(mission.hq)
    deployment = _open(mission.cla)

    page = client.get(reverse("clas:board"))
    assert page.status_code == 200
    assert reverse("clas:deployment_assign") not in page.content.decode()
    assert client.get(reverse("clas:deployment_assign")).status_code == 403
    response = client.post(
        f"/api/v1/deployments/{deployment.pk}/end/",
        {"version": 1, "end_date": TODAY().isoformat(), "end_reason": "x"},
    )
    assert response.status_code == 403
    assert _open(mission.cla) == deployment


def test_coordinator_of_another_area_gets_404_on_a_deployment(client, mission) -> None:
    other = _open(mission.cla_b)
    client.force_login(mission.coordinator)

    assert client.get(reverse("clas:deployment_rotate", args=[other.pk])).status_code == 404
    response = client.post(
        f"/api/v1/deployments/{other.pk}/rotate/",
        {"version": 1, "location": mission.base_a.pk, "start_date": TODAY().isoformat()},
    )
    assert response.status_code == 404
    assert Deployment.objects.filter(cla__user=mission.cla_b).count() == 1


# --- pages ---------------------------------------------------------------------------------


def test_board_page_lists_locations_and_gap_links(client, mission) -> None:
    client.force_login(mission.admin)

    response = client.get(reverse("clas:board"), {"gap": "no_cla"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bambari" in html and "Ippy" not in html.split("<table")[1]
    assert 'href="?gap=sole_civilian"' in html
    assert reverse("admin:index") in html


def test_board_page_with_an_unknown_filter_value_shows_an_error_and_no_rows(client, mission):
    client.force_login(mission.admin)

    response = client.get(reverse("clas:board"), {"kind": "castle"})

    assert response.status_code == 200
    assert "Some filter values are not valid" in response.content.decode()
    assert response.context["board"].rows == []


def test_admin_lands_on_the_board(client, mission) -> None:
    client.force_login(mission.admin)

    assert client.get(reverse("home"))["Location"] == reverse("clas:board")


def test_rotate_page_moves_the_cla(client, mission) -> None:
    deployment = _open(mission.cla)
    client.force_login(mission.coordinator)

    response = client.post(
        reverse("clas:deployment_rotate", args=[deployment.pk]),
        {"version": deployment.version, "location": mission.office_a.pk, "start_date": TODAY()},
    )

    assert response.status_code == 302
    assert _open(mission.cla).location == mission.office_a


def test_rotate_page_from_a_stale_form_says_what_changed(client, mission) -> None:
    deployment = _open(mission.cla)
    client.force_login(mission.admin)
    client.post(
        reverse("clas:deployment_leave", args=[deployment.pk]),
        {"version": 1, "on_leave": "on"},
    )

    response = client.post(
        reverse("clas:deployment_rotate", args=[deployment.pk]),
        {"version": 1, "location": mission.office_a.pk, "start_date": TODAY()},
    )

    assert response.status_code == 200
    assert "changed after you opened the page" in response.content.decode()
    assert "On leave from Ippy" in response.content.decode()
    assert _open(mission.cla).location == mission.base_a


def test_end_page_refuses_an_end_before_the_start_with_a_field_error(client, mission) -> None:
    deployment = _open(mission.cla)
    client.force_login(mission.admin)

    response = client.post(
        reverse("clas:deployment_end", args=[deployment.pk]),
        {
            "version": 1,
            "end_date": deployment.start_date - dt.timedelta(days=3),
            "end_reason": "Contract",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    assert _open(mission.cla) == deployment


def test_assign_page_with_bad_input_shows_errors(client, mission) -> None:
    client.force_login(mission.admin)

    response = client.post(reverse("clas:deployment_assign"), {"start_date": "31/31/2026"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"cla", "location", "start_date"}


def test_cla_page_shows_the_history_with_who_and_what(client, mission) -> None:
    deployment = _open(mission.cla)
    client.force_login(mission.admin)
    client.post(
        reverse("clas:deployment_end", args=[deployment.pk]),
        {"version": 1, "end_date": TODAY(), "end_reason": "Contract ended"},
    )

    html = client.get(reverse("clas:cla_detail", args=[mission.cla_profile.pk])).content.decode()

    assert "Changes to deployments" in html
    assert "Contract ended" in html
    assert mission.admin.get_full_name() in html


def test_export_csv_and_xlsx_are_formula_safe(client, mission) -> None:
    mission.base_a.name = "=HYPERLINK(1)"
    mission.base_a.save()
    client.force_login(mission.admin)

    csv_body = client.get(reverse("clas:board_export", args=["csv"])).content.decode("utf-8-sig")
    xlsx = client.get("/api/v1/deployments/board/export.xlsx")

    assert "'=HYPERLINK(1)" in csv_body
    assert "location_code,location,kind" in csv_body.splitlines()[0]
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("clas:board_export", args=["pdf"])).status_code == 404


# --- API -----------------------------------------------------------------------------------


def test_api_board_has_rows_and_gap_counts(client, mission) -> None:
    client.force_login(mission.coordinator)

    body = client.get("/api/v1/deployments/board/", {"kind": "temporary"}).json()

    assert [row["location"]["name"] for row in body["rows"]] == ["Ippy"]
    assert body["rows"][0]["clas"][0]["version"] == 1
    assert body["gap_counts"]["no_cla"] == 1


def test_api_board_refuses_an_unknown_sector(client, mission) -> None:
    client.force_login(mission.coordinator)

    response = client.get("/api/v1/deployments/board/", {"sector": "SB"})

    assert response.status_code == 400
    assert "sector" in response.json()


def test_api_assign_rotate_end_and_leave(client, mission) -> None:
    client.force_login(mission.admin)
    cla = f.CLAFactory()

    assigned = client.post(
        "/api/v1/deployments/assign/",
        {"cla": cla.pk, "location": mission.office_a.pk, "start_date": TODAY().isoformat()},
        content_type="application/json",
    )
    assert assigned.status_code == 201, assigned.json()
    pk = assigned.json()["id"]
    leave = client.post(
        f"/api/v1/deployments/{pk}/leave/",
        {"version": 1, "on_leave": True},
        content_type="application/json",
    )
    assert leave.json()["status"] == "on_leave"
    stale = client.post(
        f"/api/v1/deployments/{pk}/end/",
        {"version": 1, "end_date": TODAY().isoformat(), "end_reason": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert "On leave from Bambari" in stale.json()["detail"]
    rotated = client.post(
        f"/api/v1/deployments/{pk}/rotate/",
        {"version": 2, "location": mission.office_b.pk, "start_date": TODAY().isoformat()},
        content_type="application/json",
    )
    assert rotated.status_code == 400
    assert "start_date" in rotated.json()  # must start after the current one
    assert DeploymentEvent.objects.filter(cla=cla).count() == 2


def test_api_assign_with_bad_input_gives_field_errors(client, mission) -> None:
    client.force_login(mission.admin)

    response = client.post(
        "/api/v1/deployments/assign/",
        {"cla": mission.cla_profile.pk, "location": mission.base_b.pk, "start_date": "nope"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"start_date"}


def test_deployment_list_filters_by_cla_name_or_staff_number(client, mission) -> None:
    client.force_login(mission.hq)
    staff_number = mission.cla_profile.staff_number
    last_name = mission.cla.last_name

    by_number = client.get(reverse("clas:deployment_list"), {"person": staff_number})
    by_name = client.get("/api/v1/deployments/", {"person": last_name.upper()})

    assert [d.cla for d in by_number.context["rows"]] == [mission.cla_profile]
    assert [row["cla"]["id"] for row in by_name.json()["results"]] == [mission.cla_profile.pk]
