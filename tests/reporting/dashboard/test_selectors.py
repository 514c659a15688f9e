"""The dashboard's figures against values worked out by hand on a small mission: counts,
delays, coverage, scope per role, the cache, and drill-down links that list exactly the alerts
counted."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from protection_plans.models import ProtectionPlan
from reporting.dashboard import selectors as dash
from reporting.figures import confirmed_share, response_times
from reporting.selectors import mission_tz
from tests import factories as f
from tests.conftest import Mission
from tests.reporting.dashboard.support import Data, _alert


def _figures(user: Any, **kwargs: Any) -> dict[str, Any]:
    filters = dash.dashboard_default_filters()
    if kwargs:
        filters = dash.DashboardFilters(**{**filters.__dict__, **kwargs})
    return dash.dashboard_figures(user=user, filters=filters)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_it_counts_the_alerts_of_the_period_by_category_and_prefecture(data: Data) -> None:
    fig = _figures(data.mission.hq)

    assert fig["alerts"]["total"] == 7
    assert [(r["code"], r["count"]) for r in fig["alerts_by_category"]] == [
        ("attack", 4),
        ("looting", 3),
    ]
    by_prefecture = {p["prefecture"]: p["count"] for p in fig["alerts_by_prefecture"]}
    assert by_prefecture == {"Ouaka": 4, "Nana-Mambere": 2, "Kemo": 1}
    ouaka = next(p for p in fig["alerts_by_prefecture"] if p["prefecture"] == "Ouaka")
    assert [(loc["name"], loc["count"]) for loc in ouaka["locations"]] == [
        ("Ippy", 3),
        ("Bambari", 1),
    ]


def test_it_counts_alerts_per_week_of_the_period(data: Data) -> None:
    fig = _figures(data.mission.hq)
    filters = dash.dashboard_default_filters()

    weeks = fig["alerts_per_week"]
    assert weeks[0]["start"] == filters.start
    assert weeks[-1]["end"] == filters.end
    assert all(w["week"].weekday() == 0 for w in weeks)
    assert all(b["week"] - a["week"] == dt.timedelta(days=7) for a, b in itertools.pairwise(weeks))
    in_period = [a for n, a in data.alerts.items() if n != 7]
    expected = Counter(
        (d := timezone.localtime(a.reported_at, mission_tz()).date())
        - dt.timedelta(days=d.weekday())
        for a in in_period
    )
    assert {w["week"]: w["count"] for w in weeks if w["count"]} == dict(expected)


def test_it_measures_time_to_acknowledge_and_to_response(data: Data) -> None:
    times = _figures(data.mission.hq)["response_times"]

    # Acknowledged after 600, 1800, 7200, 36000 and 90000 seconds.
    assert times["acknowledge"]["count"] == 5
    assert times["acknowledge"]["median"] == pytest.approx(7200)
    assert times["acknowledge"]["p90"] == pytest.approx(36000 + 0.6 * (90000 - 36000))
    # Responded after 3600, 7200 and 1800 seconds.
    assert times["response"]["count"] == 3
    assert times["response"]["median"] == pytest.approx(3600)
    assert times["response"]["p90"] == pytest.approx(3600 + 0.8 * 3600)
    assert [(b["bucket"], b["count"]) for b in times["acknowledge_histogram"]] == [
        ("lt_15m", 1),
        ("15_60m", 1),
        ("1_6h", 1),
        ("6_24h", 1),
        ("gt_24h", 1),
    ]
    assert times["acknowledge_histogram"][0]["share"] == pytest.approx(0.2)


def test_percentiles_of_the_database_match_those_of_the_reports(data: Data) -> None:
    qs = dash.dashboard_alerts(user=data.mission.hq, filters=dash.dashboard_default_filters())

    ours, reports = dash._response_times(qs), response_times(qs)

    for key in ("acknowledge", "response"):
        assert ours[key]["count"] == reports[key]["count"]
        assert ours[key]["median"] == pytest.approx(reports[key]["median"])
        assert ours[key]["p90"] == pytest.approx(reports[key]["p90"])


def test_the_confirmed_share_is_that_of_the_reports(data: Data) -> None:
    qs = dash.dashboard_alerts(user=data.mission.hq, filters=dash.dashboard_default_filters())

    assert _figures(data.mission.hq)["alerts"]["confirmed_share"] == confirmed_share(qs)


def test_percentiles_are_empty_without_acknowledged_alerts(mission: Mission) -> None:
    f.AlertFactory(location=mission.base_a, queue=mission.queue_a)

    times = _figures(mission.hq)["response_times"]

    assert times["acknowledge"] == {"count": 0, "median": None, "p90": None}
    assert all(b["share"] is None for b in times["acknowledge_histogram"])


def test_a_clock_behind_counts_as_no_delay(mission: Mission) -> None:
    now = timezone.now()
    f.AlertFactory(
        location=mission.base_a,
        reported_at=now - dt.timedelta(hours=1),
        created_at=now - dt.timedelta(minutes=10),
        acknowledged_at=now - dt.timedelta(minutes=12),
        status=Alert.Status.ACKNOWLEDGED,
    )

    times = _figures(mission.hq)["response_times"]

    assert times["acknowledge"]["median"] == 0
    assert times["acknowledge_histogram"][0]["count"] == 1


def test_it_counts_statuses_unacknowledged_and_the_confirmed_share(data: Data) -> None:
    alerts = _figures(data.mission.hq)["alerts"]

    by_status = {r["status"]: r["count"] for r in alerts["by_status"]}
    assert by_status["queued"] == 2
    assert by_status["acknowledged"] == 2
    assert by_status["responded"] == 3
    assert alerts["unacknowledged"] == 2
    assert alerts["confirmed_share"] == pytest.approx(2 / 4)


def test_it_measures_alert_network_coverage_and_volunteers(data: Data) -> None:
    networks = _figures(data.mission.hq)["networks"]

    assert networks["locations"] == 5
    assert networks["locations_with_network"] == 2
    assert networks["coverage"] == pytest.approx(0.4)
    assert networks["networks"] == 2
    assert networks["volunteers"] == [
        {"gender": "female", "count": 25},
        {"gender": "male", "count": 50},
    ]


def test_it_counts_deployed_clas_by_gender_and_kind_of_location(data: Data) -> None:
    clas = _figures(data.mission.hq)["clas"]

    assert clas["total"] == 3
    assert {r["gender"]: r["count"] for r in clas["by_gender"]} == {"female": 2, "male": 1}
    assert {r["kind"]: r["count"] for r in clas["by_location_kind"]} == {
        "permanent": 1,
        "temporary": 2,
        "hq": 0,
    }


def test_it_counts_plans_by_status_and_overdue_reviews(data: Data) -> None:
    plans = _figures(data.mission.hq)["plans"]

    assert {r["status"]: r["count"] for r in plans["by_status"]} == {
        "draft": 1,
        "active": 2,
        "under_review": 0,
        "archived": 1,
    }
    assert plans["reviews_overdue"] == 1
    assert [(r["location"], r["overdue"]) for r in plans["reviews_due"]] == [
        ("Bambari", True),
        ("Bouar", False),
    ]


def test_it_lists_the_temporary_bases_with_their_only_civilian(data: Data) -> None:
    bases = _figures(data.mission.hq)["only_civilian_locations"]

    assert [(b["name"], [c["name"] for c in b["clas"]], b["alerts"]) for b in bases] == [
        ("Baboua", [data.mission.cla_b.get_full_name()], 1),
        ("Ippy", [data.mission.cla.get_full_name()], 3),
    ]


def test_a_force_officer_sees_the_alerts_of_their_sector_only(data: Data) -> None:
    fig = _figures(data.mission.force)

    assert fig["alerts"]["total"] == 5  # 1, 2, 3, 6 and 8
    assert {p["prefecture"] for p in fig["alerts_by_prefecture"]} == {"Ouaka", "Kemo"}
    assert [b["name"] for b in fig["only_civilian_locations"]] == ["Ippy"]
    assert fig["networks"]["locations"] == 3


def test_a_coordinator_sees_the_area_of_their_field_office_only(data: Data) -> None:
    fig = _figures(data.mission.coordinator)

    assert fig["alerts"]["total"] == 4  # 1, 2, 3 and 6: Kaga is another office's
    assert fig["networks"]["coverage"] == pytest.approx(1.0)
    assert fig["clas"]["total"] == 2
    assert [r["location"] for r in fig["plans"]["reviews_due"]] == ["Bambari"]


def test_figures_are_cached_per_scope(data: Data) -> None:
    assert _figures(data.mission.hq)["alerts"]["total"] == 7
    _alert(data.mission.base_a, data.attack, days_ago=1, queue=data.mission.queue_a)

    assert _figures(data.mission.hq)["alerts"]["total"] == 7  # still the cached figures
    assert _figures(data.mission.admin)["alerts"]["total"] == 7  # same scope: the mission
    assert _figures(data.mission.force)["alerts"]["total"] == 6  # another scope, computed now
    cache.clear()
    assert _figures(data.mission.hq)["alerts"]["total"] == 8


def _api_count(client: Client, url: str) -> int:
    response = client.get("/api/v1/alerts/?page_size=200&" + urlsplit(url).query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return len(body["results"])


def test_every_drill_down_link_lists_exactly_the_alerts_counted(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    fig = _figures(data.mission.hq)
    alert_list = reverse("alerts:alert_list")

    links = [(fig["alerts"]["alerts_url"], fig["alerts"]["total"])]
    links += [(r["alerts_url"], r["count"]) for r in fig["alerts_by_category"]]
    links += [(r["alerts_url"], r["count"]) for r in fig["alerts"]["by_status"]]
    links += [(w["alerts_url"], w["count"]) for w in fig["alerts_per_week"] if w["count"]]
    links += [
        (loc["alerts_url"], loc["count"])
        for p in fig["alerts_by_prefecture"]
        for loc in p["locations"]
    ]
    links += [(b["alerts_url"], b["alerts"]) for b in fig["only_civilian_locations"]]

    for url, count in links:
        assert urlsplit(url).path == alert_list
        assert _api_count(client, url) == count, url


def test_a_drill_down_link_opens_the_alert_list_page_with_those_alerts(
    client: Client, data: Data
) -> None:
    client.force_login(data.mission.hq)
    looting = next(
        r for r in _figures(data.mission.hq)["alerts_by_category"] if r["code"] == "looting"
    )

    response = client.get(looting["alerts_url"])

    assert response.status_code == 200
    assert len(response.context["rows"]) == looting["count"] == 3


def test_drill_down_links_carry_the_filters(data: Data) -> None:
    m = data.mission
    filters = dash.DashboardFilters(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        sector_id=m.sector_a.pk,
        category_id=data.looting.pk,
    )
    fig = dash.dashboard_figures(user=m.hq, filters=filters)

    params = _query(fig["alerts"]["by_status"][1]["alerts_url"])

    assert params == {
        "reported_after": ["2026-01-01"],
        "reported_before": ["2026-03-31"],
        "sector": [str(m.sector_a.pk)],
        "category": [str(data.looting.pk)],
        "status": ["queued"],
    }


def test_plan_statuses_listed_are_every_status(data: Data) -> None:
    statuses = [r["status"] for r in _figures(data.mission.hq)["plans"]["by_status"]]

    assert statuses == list(ProtectionPlan.Status.values)
