"""The monitoring and evaluation page: who may open it, the figures per CLA and per location
as reporting.monitoring computes them, sorting, the CSV of each table, the period filter and
a number of queries that does not grow with the number of CLAs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clas.models import User
from reporting.models import Report
from reporting.monitoring.selectors import cla_performance, location_performance
from reporting.selectors import mission_today, mission_tz
from tests import factories as f
from tests.conftest import Mission
from tests.core.html import Page, parse

URL = reverse("reporting:monitoring")
COUNT_KEYS = [
    "alerts_logged",
    "daily_submitted",
    "daily_on_time",
    "weekly_submitted",
    "weekly_on_time",
    "flash_submitted",
    "networks_set_up",
    "plan_updates",
    "trainings_attended",
]


@pytest.fixture
def today() -> dt.date:
    return mission_today()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=mission_tz())


def _daily(mission: Mission, user: User, day: dt.date, submitted: dt.datetime | None) -> Report:
    return f.ReportFactory(
        location=mission.base_a if user == mission.cla else mission.base_b,
        author=user,
        period_start=day,
        period_end=day,
        submitted_at=submitted,
        status=Report.Status.SUBMITTED if submitted else Report.Status.DRAFT,
    )


@pytest.fixture
def activity(mission: Mission, today: dt.date) -> dict[str, dt.date]:
    """Ippy's CLA: 3 alerts in the period (and one before), 2 daily reports of which 1 on
    time, a network set up, a plan update, a training. Baboua's CLA: 1 alert."""
    start, end = today - dt.timedelta(days=14), today - dt.timedelta(days=1)
    for days in (2, 3, 5):
        f.AlertFactory(
            location=mission.base_a,
            logged_by=mission.cla,
            created_at=_at(today, 10) - dt.timedelta(days=days),
        )
    f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        created_at=_at(today, 10) - dt.timedelta(days=40),
    )
    f.AlertFactory(
        location=mission.base_b, logged_by=mission.cla_b, created_at=_at(today, 10) - dt.timedelta(days=4)
    )  # fmt: skip
    day = today - dt.timedelta(days=6)
    _daily(mission, mission.cla, day, _at(day, 18))  # on time
    late = today - dt.timedelta(days=5)
    _daily(mission, mission.cla, late, _at(late + dt.timedelta(days=1), 11))  # late
    f.NetworkFactory(
        location=mission.base_a,
        established_by=mission.cla_profile,
        established_on=today - dt.timedelta(days=8),
    )
    f.PlanVersionFactory(
        plan=f.PlanFactory(location=mission.base_a),
        created_by=mission.cla,
        adopted_on=today - dt.timedelta(days=7),
    )
    training = f.TrainingFactory(held_on=today - dt.timedelta(days=9), location=mission.office_a)
    training.participants.add(mission.cla_profile)
    return {"start": start, "end": end}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _query(period: dict[str, dt.date], **extra: str) -> dict[str, str]:
    return {"start": period["start"].isoformat(), "end": period["end"].isoformat(), **extra}


def _expected(user: User, period: dict[str, dt.date]) -> list[dict[str, Any]]:
    with timezone.override(mission_tz()):
        return cla_performance(user=user, start=period["start"], end=period["end"])


def _rows(page: Page, table: str) -> list[list[str]]:
    """The body rows of a table of the page, as the text of their cells."""
    section = page.find_all("section", id=f"{table}-table")[0]
    tbody = page.find_all("tbody", within=section)[0]
    rows = []
    for tr in page.find_all("tr", within=tbody):
        cells = [e for e in page.elements if e.tag in ("th", "td") and tr in e.parents]
        rows.append([c.text.strip() for c in cells])
    return rows


def _cla_cells(row: dict[str, Any]) -> list[str]:
    return [row["name"], row["gender"], row["location"], *[str(row[k]) for k in COUNT_KEYS]]


# --- who may open it ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "hq", "admin"])
def test_coordinators_hq_and_admins_open_the_page(
    client: Client, mission: Mission, role: str
) -> None:
    response = login(client, mission.user(role)).get(URL)

    assert response.status_code == 200
    assert "Monitoring and evaluation of CLAs" in response.content.decode()


@pytest.mark.parametrize("role", ["cla", "force"])
def test_clas_and_force_officers_are_refused(client: Client, mission: Mission, role: str) -> None:
    response = login(client, mission.user(role)).get(URL)
    csv_response = client.get(URL, {"format": "csv", "table": "cla"})

    assert response.status_code == 403
    assert csv_response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, mission: Mission) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["coordinator", "hq"])
def test_the_navigation_leads_to_the_page(client: Client, mission: Mission, role: str) -> None:
    response = login(client, mission.user(role)).get(URL)

    page = parse(response.content)
    nav = page.find_all("nav", class_="nav")[0]
    assert [a.text for a in page.find_all("a", within=nav, href=URL)] == ["CLA monitoring"]


# --- the figures --------------------------------------------------------------------------


def test_the_coordinator_sees_the_figures_of_the_clas_of_their_area(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.coordinator).get(URL, _query(activity))

    rows = _rows(parse(response.content), "cla")
    expected = _expected(mission.coordinator, activity)
    assert rows == [_cla_cells(row) for row in expected]
    assert rows[0][2:] == ["Ippy", "3", "2", "1", "0", "0", "0", "1", "1", "1"]
    assert str(mission.cla_b.cla_profile) not in response.content.decode()


def test_hq_sees_every_cla_and_the_sums_per_location(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity))

    page = parse(response.content)
    expected = _expected(mission.hq, activity)
    assert _rows(page, "cla") == [_cla_cells(row) for row in expected]
    locations = location_performance(expected)
    assert _rows(page, "location") == [
        [row["location"], str(row["clas"]), *[str(row[k]) for k in COUNT_KEYS]] for row in locations
    ]
    assert {row[0] for row in _rows(page, "location")} == {"Ippy", "Baboua"}
    assert [row[2] for row in _rows(page, "location")] == ["1", "3"]  # alerts: Baboua, Ippy


def test_each_cla_name_links_to_the_cla_s_page(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity))

    page = parse(response.content)
    section = page.find_all("section", id="cla-table")[0]
    link = page.find_all(
        "a", within=section, href=reverse("clas:cla_detail", args=[mission.cla_profile.pk])
    )
    assert [a.text for a in link] == [str(mission.cla_profile)]


def test_a_cla_not_deployed_is_shown_as_such(client: Client, mission: Mission) -> None:
    f.CLAFactory(user=f.UserFactory(username="idle", first_name="Idle", last_name="Zz"))

    response = login(client, mission.hq).get(URL)

    rows = {row[0]: row for row in _rows(parse(response.content), "cla")}
    assert rows["Idle Zz"][2] == "Not deployed"


def test_the_default_period_is_the_last_30_days(
    client: Client, mission: Mission, today: dt.date
) -> None:
    response = login(client, mission.hq).get(URL)

    assert response.context["start"] == today - dt.timedelta(days=29)
    assert response.context["end"] == today
    assert not response.context["form"].errors


def test_a_period_that_leaves_out_the_activity_shows_zeros(
    client: Client, mission: Mission, activity: dict[str, dt.date], today: dt.date
) -> None:
    response = login(client, mission.coordinator).get(
        URL, {"start": (today - dt.timedelta(days=60)).isoformat(), "end": (today - dt.timedelta(days=30)).isoformat()}
    )  # fmt: skip

    rows = _rows(parse(response.content), "cla")
    assert rows[0][3] == "1"  # only the alert of 40 days ago
    assert rows[0][4:] == ["0"] * 8


# --- sorting ------------------------------------------------------------------------------


def test_a_column_title_sorts_the_table_by_it(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    client = login(client, mission.hq)

    most = _rows(parse(client.get(URL, _query(activity, cla_sort="-alerts_logged")).content), "cla")
    least = _rows(parse(client.get(URL, _query(activity, cla_sort="alerts_logged")).content), "cla")

    assert [row[3] for row in most] == ["3", "1"]
    assert [row[3] for row in least] == ["1", "3"]


def test_the_sorted_column_links_to_the_other_direction(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity, location_sort="location"))

    page = parse(response.content)
    sorted_th = page.find_all("th", **{"aria-sort": "ascending"})
    assert len(sorted_th) == 1
    href = page.find_all("a", within=sorted_th[0])[0].attrs["href"]
    assert "location_sort=-location" in href
    assert f"start={activity['start'].isoformat()}" in href
    assert [row[0] for row in _rows(page, "location")] == ["Baboua", "Ippy"]


@pytest.mark.parametrize("sort", ["password", "-user__password", "", "--name", "name;drop"])
def test_an_unknown_sort_keeps_the_default_order(
    client: Client, mission: Mission, activity: dict[str, dt.date], sort: str
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity, cla_sort=sort))

    assert response.status_code == 200
    expected = _expected(mission.hq, activity)
    assert [row[0] for row in _rows(parse(response.content), "cla")] == [
        r["name"] for r in expected
    ]


# --- CSV ----------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_of_the_cla_table_holds_the_figures(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity, format="csv", table="cla"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = _csv(response)
    assert lines[0][:4] == ["CLA", "Gender", "Location", "Alerts logged"]
    expected = _expected(mission.hq, activity)
    assert lines[1:] == [_cla_cells(row) for row in expected]


def test_the_csv_of_the_location_table_follows_its_sort(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    query = _query(activity, format="csv", table="location", location_sort="-alerts_logged")

    lines = _csv(login(client, mission.hq).get(URL, query))

    assert lines[0][:3] == ["Location", "CLAs", "Alerts logged"]
    assert [line[:3] for line in lines[1:]] == [["Ippy", "1", "3"], ["Baboua", "1", "1"]]


def test_the_page_links_to_the_csv_of_each_table(
    client: Client, mission: Mission, activity: dict[str, dt.date]
) -> None:
    response = login(client, mission.hq).get(URL, _query(activity))

    page = parse(response.content)
    for table in ("cla", "location"):
        section = page.find_all("section", id=f"{table}-table")[0]
        href = next(
            a.attrs["href"]
            for a in page.find_all("a", within=section)
            if "format=csv" in a.attrs["href"]
        )
        lines = _csv(client.get(URL + href))
        assert len(lines) == 3, table  # the header and two rows  # fmt: skip


def test_a_csv_of_an_unknown_table_is_not_found(client: Client, mission: Mission) -> None:
    response = login(client, mission.hq).get(URL, {"format": "csv", "table": "users"})

    assert response.status_code == 404


def test_a_csv_with_a_bad_period_goes_back_to_the_page_and_its_errors(
    client: Client, mission: Mission
) -> None:
    response = login(client, mission.hq).get(
        URL, {"format": "csv", "table": "cla", "start": "yesterday"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?start=yesterday"
    assert client.get(response["Location"]).context["form"].errors


# --- filters that make no sense -----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "garbage"}, "start"),
        ({"end": "2026-13-45"}, "end"),
        ({"start": "0001-01-01"}, "start"),
        ({"start": "99999-01-01"}, "start"),
        ({"end": "FUTURE"}, "end"),
        ({"start": "FUTURE"}, "start"),
        ({"start": "TODAY", "end": "EARLIER"}, "__all__"),
        ({"start": "\x00"}, "start"),
    ],
)
def test_a_bad_period_is_a_form_error_and_the_default_figures(
    client: Client, mission: Mission, today: dt.date, params: dict[str, str], field: str
) -> None:
    values = {
        "FUTURE": (today + dt.timedelta(days=1)).isoformat(),
        "TODAY": today.isoformat(),
        "EARLIER": (today - dt.timedelta(days=3)).isoformat(),
    }
    params = {k: values.get(v, v) for k, v in params.items()}

    response = login(client, mission.coordinator).get(URL, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["start"] == today - dt.timedelta(days=29)
    assert response.context["end"] == today
    assert 'class="errors"' in response.content.decode()


def test_only_a_start_runs_to_today_and_only_an_end_covers_30_days(
    client: Client, mission: Mission, today: dt.date
) -> None:
    client = login(client, mission.hq)
    start = today - dt.timedelta(days=100)

    from_start = client.get(URL, {"start": start.isoformat()}).context
    to_end = client.get(URL, {"end": start.isoformat()}).context

    assert (from_start["start"], from_start["end"]) == (start, today)
    assert (to_end["start"], to_end["end"]) == (start - dt.timedelta(days=29), start)


# --- queries ------------------------------------------------------------------------------


def _queries(client: Client, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["coordinator", "hq"])
def test_the_number_of_queries_does_not_grow_with_the_clas(
    client: Client, mission: Mission, activity: dict[str, dt.date], role: str
) -> None:
    client = login(client, mission.user(role))
    location = mission.base_a
    f.DeploymentFactory.create_batch(2, location=location)  # 3 CLAs in the coordinator's area
    few = _queries(client, _query(activity))

    for _ in range(9):
        cla = f.DeploymentFactory(location=location).cla
        f.AlertFactory(location=location, logged_by=cla.user)
        f.TrainingFactory(location=location).participants.add(cla)
    many = _queries(client, _query(activity))

    assert len(_expected(mission.user(role), activity)) >= 12
    assert many == few
