"""The monitoring of CLAs in the API: the same figures, rules and scope as the page, as JSON,
with 4xx for what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clas.models import User
from reporting.monitoring.selectors import cla_performance
from reporting.selectors import mission_today, mission_tz
from tests import factories as f
from tests.conftest import Mission

MONITORING = "/api/v1/monitoring/"


def api(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def period(mission: Mission) -> dict[str, dt.date]:
    today = mission_today()
    logged = timezone.now() - dt.timedelta(days=2)
    f.AlertFactory.create_batch(
        2, location=mission.base_a, logged_by=mission.cla, created_at=logged
    )
    f.AlertFactory(location=mission.base_b, logged_by=mission.cla_b, created_at=logged)
    return {"start": today - dt.timedelta(days=10), "end": today}


def _query(period: dict[str, dt.date]) -> dict[str, str]:
    return {k: v.isoformat() for k, v in period.items()}


def test_the_coordinator_gets_the_figures_of_the_clas_of_their_area(
    mission: Mission, period: dict[str, dt.date]
) -> None:
    response = api(mission.coordinator).get(MONITORING, _query(period))

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == _query(period)
    with timezone.override(mission_tz()):
        expected = cla_performance(user=mission.coordinator, **period)
    assert [row["id"] for row in body["clas"]] == [row["cla"].pk for row in expected]
    row = body["clas"][0]
    assert row["name"] == str(mission.cla_profile)
    assert row["gender"] == "female" and row["location"] == "Ippy"
    assert row["alerts_logged"] == 2 == expected[0]["alerts_logged"]
    assert body["locations"] == [
        {"location": "Ippy", "clas": 1, **{k: expected[0][k] for k in row if k in expected[0] and isinstance(expected[0][k], int)}}
    ]  # fmt: skip


def test_hq_gets_every_cla_and_location(mission: Mission, period: dict[str, dt.date]) -> None:
    body = api(mission.hq).get(MONITORING, _query(period)).json()

    assert {row["location"]: row["alerts_logged"] for row in body["locations"]} == {
        "Baboua": 1,
        "Ippy": 2,
    }
    assert len(body["clas"]) == 2


def test_a_cla_never_deployed_has_no_location(mission: Mission) -> None:
    f.CLAFactory(user=f.UserFactory(username="idle"))

    body = api(mission.admin).get(MONITORING).json()

    assert None in [row["location"] for row in body["clas"]]
    assert None in [row["location"] for row in body["locations"]]


@pytest.mark.parametrize("role", ["cla", "force"])
def test_clas_and_force_officers_are_refused_the_monitoring(mission: Mission, role: str) -> None:
    response = api(mission.user(role)).get(MONITORING)

    assert response.status_code == 403
    assert "detail" in response.json()


def test_without_credentials_the_monitoring_is_closed(client: Client, mission: Mission) -> None:
    assert client.get(MONITORING).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "garbage"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "1200-01-01"}, "start"),
        ({"end": "TOMORROW"}, "end"),
        ({"start": "TODAY", "end": "EARLIER"}, "non_field_errors"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(
    mission: Mission, params: dict[str, str], field: str
) -> None:
    today = mission_today()
    values = {
        "TOMORROW": (today + dt.timedelta(days=1)).isoformat(),
        "TODAY": today.isoformat(),
        "EARLIER": (today - dt.timedelta(days=1)).isoformat(),
    }

    response = api(mission.hq).get(MONITORING, {k: values.get(v, v) for k, v in params.items()})

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_default_period_is_the_last_30_days(mission: Mission) -> None:
    today = mission_today()

    body = api(mission.hq).get(MONITORING).json()

    assert body["period"] == {
        "start": (today - dt.timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
    }
