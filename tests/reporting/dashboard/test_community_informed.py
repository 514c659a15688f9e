"""The share of closed alerts whose community was informed, and how long it took from the
alert being logged: on a small hand-made set, in the figures, the API, the page and the
weekly report's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from reporting.dashboard import selectors as dash
from reporting.figures import alert_figures, community_informed
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

HOUR = 3600.0


def _alert(
    mission: Mission,
    *,
    days_ago: float,
    status: str = Alert.Status.CLOSED,
    informed_hours: float | None = None,
    location: Any = None,
) -> Alert:
    created = timezone.now() - dt.timedelta(days=days_ago)
    return f.AlertFactory(
        location=location or mission.base_a,
        reported_at=created - dt.timedelta(minutes=5),
        occurred_at=created - dt.timedelta(hours=1),
        created_at=created,
        status=status,
        closed_at=created + dt.timedelta(hours=1) if status == Alert.Status.CLOSED else None,
        community_informed_at=(
            created + dt.timedelta(hours=informed_hours) if informed_hours is not None else None
        ),
    )


@pytest.fixture
def alerts(mission: Mission) -> list[Alert]:
    """Closed in the period: informed after 2, 10, 30 and 50 hours (sector A, B, A, A) and two
    not informed; an open alert already informed, and a closed one informed 200 days ago,
    are not counted."""
    return [
        _alert(mission, days_ago=5, informed_hours=2),
        _alert(mission, days_ago=6, informed_hours=10, location=mission.base_b),
        _alert(mission, days_ago=7, informed_hours=30),
        _alert(mission, days_ago=8, informed_hours=50),
        _alert(mission, days_ago=9),
        _alert(mission, days_ago=10, location=mission.base_b),
        _alert(mission, days_ago=3, status=Alert.Status.RESPONDED, informed_hours=1),
        _alert(mission, days_ago=200, informed_hours=4),
    ]


def _figures(user: Any, **filters: Any) -> dict[str, Any]:
    default = dash.dashboard_default_filters()
    chosen = dash.DashboardFilters(**{**default.__dict__, **filters})
    return dash.dashboard_figures(user=user, filters=chosen)["community_informed"]


def test_the_share_and_the_time_from_logging(mission: Mission, alerts: list[Alert]) -> None:
    figure = _figures(mission.hq)

    assert (figure["closed"], figure["informed"]) == (6, 4)
    assert figure["share"] == pytest.approx(4 / 6)
    times = figure["time_to_informed"]
    assert times["count"] == 4
    assert times["median"] == pytest.approx(20 * HOUR)  # between 10 and 30 hours
    assert times["p90"] == pytest.approx(30 * HOUR + 0.7 * 20 * HOUR)


def test_the_sector_filter_applies(mission: Mission, alerts: list[Alert]) -> None:
    figure = _figures(mission.hq, sector_id=mission.sector_b.pk)

    assert (figure["closed"], figure["informed"], figure["share"]) == (2, 1, 0.5)
    assert figure["time_to_informed"]["median"] == pytest.approx(10 * HOUR)


def test_no_closed_alert_no_share(mission: Mission) -> None:
    figure = _figures(mission.hq)

    assert figure["share"] is None
    assert figure["time_to_informed"] == {"count": 0, "median": None, "p90": None}


def test_the_reports_compute_it_the_same_way(mission: Mission, alerts: list[Alert]) -> None:
    qs = dash.dashboard_alerts(user=mission.hq, filters=dash.dashboard_default_filters())

    ours, reports = _figures(mission.hq), community_informed(qs)

    assert (reports["closed"], reports["informed"]) == (ours["closed"], ours["informed"])
    assert reports["median"] == pytest.approx(ours["time_to_informed"]["median"])
    assert alert_figures(qs)["community_informed"] == reports


def test_it_costs_no_query_more_with_more_alerts(mission: Mission) -> None:
    _alert(mission, days_ago=5, informed_hours=2)
    with CaptureQueriesContext(connection) as few:
        _figures(mission.hq)
    for n in range(10):
        _alert(mission, days_ago=n + 1, informed_hours=n + 1)
    cache.clear()

    with CaptureQueriesContext(connection) as many:
        _figures(mission.hq)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_api_and_the_page_show_it(
    client: Client, mission: Mission, alerts: list[Alert]
) -> None:
    api = APIClient()
    api.force_authenticate(mission.hq)
    body = api.get(reverse("dashboard-figures")).json()
    assert body["community_informed"]["informed"] == 4
    assert body["community_informed"]["share"] == pytest.approx(4 / 6)

    client.force_login(mission.hq)
    html = client.get(reverse("reporting:dashboard"), headers={"accept-language": "fr"})
    text = html.content.decode()
    assert "Retour vers la communauté" in text
    assert "<strong>67\u00a0%</strong> des alertes closes" in text
    assert "<strong>20 h 00 min</strong>" in text
