"""The dashboard page, its figures and their CSV: hand-computed figures on a small mission,
scope per role, filters, drill-down links, and a number of queries that does not grow with
the number of alerts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, ThreatCategory
from clas.models import Location, Role
from protection_plans.models import ProtectionPlan
from reporting import dashboard as dash
from reporting.dashboard_views import FIGURE_NAMES, duration_text
from reporting.figures import confirmed_share, response_times
from reporting.selectors import mission_today, mission_tz
from tests import factories as f
from tests.conftest import Mission
from tests.core.html import parse

URL = "/dashboard/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@dataclass
class Data:
    mission: Mission
    today: dt.date
    attack: ThreatCategory
    looting: ThreatCategory
    kaga: Location  # sector A, not in field office A's area
    alerts: dict[int, Alert]


def _alert(
    location: Location,
    category: ThreatCategory,
    *,
    days_ago: int,
    ack_minutes: int | None = None,
    response_minutes: int | None = None,
    outcome: str = "",
    queue: Any = None,
) -> Alert:
    reported = timezone.now() - dt.timedelta(days=days_ago)
    created = reported + dt.timedelta(minutes=5)
    status = Alert.Status.QUEUED
    acknowledged = responded = None
    if ack_minutes is not None:
        acknowledged = created + dt.timedelta(minutes=ack_minutes)
        status = Alert.Status.ACKNOWLEDGED
    if response_minutes is not None:
        responded = created + dt.timedelta(minutes=response_minutes)
        status = Alert.Status.RESPONDED
    return f.AlertFactory(
        location=location,
        category=category,
        reported_at=reported,
        occurred_at=reported - dt.timedelta(hours=1),
        created_at=created,
        acknowledged_at=acknowledged,
        responded_at=responded,
        outcome=outcome,
        status=status,
        queue=queue,
    )


def build_data(m: Mission) -> Data:
    """A small mission whose figures are worked out by hand in the tests.

    Prefectures: Ouaka (Bambari, Ippy), Nana-Mambere (Bouar, Baboua), Kemo (Kaga).
    Alerts in the last 90 days (minutes from logging to acknowledgement / response):
      1 Ippy attack 2 days ago, ack 10, response 60, confirmed
      2 Ippy attack 3 days ago, ack 30, response 120, partly confirmed
      3 Bambari looting 10 days ago, ack 120, response 30, false alarm
      4 Bouar attack 20 days ago, ack 600 (10 h), not confirmed
      5 Baboua looting 40 days ago, ack 1500 (25 h)
      6 Ippy attack 1 day ago, not acknowledged
      8 Kaga looting 5 days ago, not acknowledged
    and 7, at Bambari 120 days ago, outside the period.
    """
    today = mission_today()
    attack = f.CategoryFactory(code="attack")
    looting = f.CategoryFactory(code="looting", name_en="Looting", name_fr="Pillage")
    kaga = f.LocationFactory(name="Kaga", sector=m.sector_a, prefecture="Kemo")
    Location.objects.filter(pk__in=[m.office_a.pk, m.base_a.pk]).update(prefecture="Ouaka")
    Location.objects.filter(pk__in=[m.office_b.pk, m.base_b.pk]).update(prefecture="Nana-Mambere")
    qa, qb = m.queue_a, m.queue_b
    alerts = {
        1: _alert(m.base_a, attack, days_ago=2, ack_minutes=10, response_minutes=60, outcome="confirmed", queue=qa),
        2: _alert(m.base_a, attack, days_ago=3, ack_minutes=30, response_minutes=120, outcome="partly", queue=qa),
        3: _alert(m.office_a, looting, days_ago=10, ack_minutes=120, response_minutes=30, outcome="false", queue=qa),
        4: _alert(m.office_b, attack, days_ago=20, ack_minutes=600, outcome="not_confirmed", queue=qb),
        5: _alert(m.base_b, looting, days_ago=40, ack_minutes=1500, queue=qb),
        6: _alert(m.base_a, attack, days_ago=1, queue=qa),
        7: _alert(m.office_a, attack, days_ago=120, ack_minutes=5, queue=qa),
        8: _alert(kaga, looting, days_ago=5, queue=qa),
    }  # fmt: skip
    # Networks: Bambari active, Ippy dormant, Bouar dissolved (not counted).
    f.NetworkFactory(location=m.office_a, volunteers_women=20, volunteers_men=40)
    f.NetworkFactory(location=m.base_a, status="dormant", volunteers_women=5, volunteers_men=10)
    f.NetworkFactory(
        location=m.office_b, status="dissolved", volunteers_women=100, volunteers_men=100
    )
    # CLAs: the fixture's two women at Ippy and Baboua, a man at Bambari; a past one at Bouar.
    f.DeploymentFactory(cla=f.CLAFactory(gender="male"), location=m.office_a)
    f.DeploymentFactory(
        cla=f.CLAFactory(gender="male"),
        location=m.office_b,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=100),
    )
    # Plans: Bambari overdue, Ippy draft, Bouar due soon, Baboua archived (not listed).
    f.PlanFactory(location=m.office_a, next_review_due=today - dt.timedelta(days=10))
    f.PlanFactory(location=m.base_a, status="draft", next_review_due=None)
    f.PlanFactory(location=m.office_b, next_review_due=today + dt.timedelta(days=5))
    f.PlanFactory(
        location=m.base_b, status="archived", next_review_due=today - dt.timedelta(days=1)
    )
    return Data(mission=m, today=today, attack=attack, looting=looting, kaga=kaga, alerts=alerts)


@pytest.fixture
def data(mission: Mission) -> Data:
    return build_data(mission)


def _figures(user: Any, **kwargs: Any) -> dict[str, Any]:
    filters = dash.dashboard_default_filters()
    if kwargs:
        filters = dash.DashboardFilters(**{**filters.__dict__, **kwargs})
    return dash.dashboard_figures(user=user, filters=filters)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# --- figures against hand-computed values -------------------------------------------------


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


# --- scope ---------------------------------------------------------------------------------


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


@pytest.mark.parametrize("role", ["hq", "admin", "coordinator", "force"])
def test_the_page_opens_for_every_role_but_clas(client: Client, data: Data, role: str) -> None:
    client.force_login(data.mission.user(role))

    response = client.get(reverse("reporting:dashboard"))

    assert response.status_code == 200
    assert reverse("reporting:dashboard") == URL


def test_a_cla_is_sent_to_their_own_alerts(client: Client, data: Data) -> None:
    client.force_login(data.mission.cla)

    response = client.get(URL)
    csv_response = client.get(reverse("reporting:dashboard_csv", args=["key_figures"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:my_alerts")
    assert csv_response.status_code == 302


def test_the_page_asks_a_stranger_to_sign_in(client: Client, data: Data) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_force_page_shows_nothing_of_another_sector(client: Client, data: Data) -> None:
    client.force_login(data.mission.force)

    content = client.get(URL).content.decode()

    assert "Ippy" in content
    assert "Baboua" not in content
    assert "Bouar" not in content


# --- filters -------------------------------------------------------------------------------


def test_filters_narrow_the_period_sector_and_category(client: Client, data: Data) -> None:
    m = data.mission
    start = (data.today - dt.timedelta(days=15)).isoformat()
    filters = dash.DashboardFilters(
        start=data.today - dt.timedelta(days=15),
        end=data.today,
        sector_id=m.sector_a.pk,
        category_id=data.attack.pk,
    )
    fig = dash.dashboard_figures(user=m.hq, filters=filters)
    client.force_login(m.hq)

    response = client.get(
        URL,
        {
            "start": start,
            "end": data.today.isoformat(),
            "sector": m.sector_a.pk,
            "category": data.attack.pk,
        },
    )

    assert fig["alerts"]["total"] == 3  # 1, 2 and 6
    assert response.status_code == 200
    assert response.context["filters"] == filters
    assert response.context["fig"]["alerts"]["total"] == 3
    assert not response.context["form"].errors


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday", "end": "2026-13-45"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"sector": "abc", "category": "99999999999999999999999"},
        {"sector": "-1", "category": "' OR 1=1 --"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": ["2026-01-01", "2026-02-01"], "sector": "\x00"},
    ],
)
def test_garbage_filters_show_errors_and_the_default_figures(
    client: Client, data: Data, params: dict[str, Any]
) -> None:
    client.force_login(data.mission.hq)

    response = client.get(URL, params)

    assert response.status_code == 200
    assert response.context["form"].errors
    filters = response.context["filters"]
    default = dash.dashboard_default_filters()
    assert (filters.start, filters.end) == (default.start, default.end) or params.get("start") == [
        "2026-01-01",
        "2026-02-01",
    ]
    assert filters.sector_id is None and filters.category_id is None
    assert b"some filters were not understood" in response.content.lower()


def test_only_a_start_runs_to_today_and_only_an_end_covers_90_days(data: Data) -> None:
    from reporting.dashboard_forms import DashboardFilterForm

    hq = data.mission.hq
    since = DashboardFilterForm({"start": "2024-01-01"}, user=hq).filters()
    until = DashboardFilterForm({"end": "2025-03-31"}, user=hq).filters()

    assert (since.start, since.end) == (dt.date(2024, 1, 1), data.today)
    assert (until.start, until.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))


def test_a_force_officer_cannot_filter_on_another_sector(client: Client, data: Data) -> None:
    client.force_login(data.mission.force)

    response = client.get(URL, {"sector": data.mission.sector_b.pk})

    assert "sector" in response.context["form"].errors
    assert response.context["fig"]["alerts"]["total"] == 5


# --- drill-down, CSV, page hygiene ----------------------------------------------------------


def _api_count(client: Client, url: str) -> int:
    response = client.get("/api/v1/alerts/?" + urlsplit(url).query)
    assert response.status_code == 200, response.content
    return response.json()["count"]


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
    assert response.context["page_obj"].paginator.count == looting["count"] == 3


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


def test_the_page_links_every_figure_to_its_alerts(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    page = parse(client.get(URL).content)
    hrefs = [a.attrs.get("href") or "" for a in page.find_all("a")]
    drill = [h for h in hrefs if h.startswith(reverse("alerts:alert_list") + "?")]

    assert any(f"category={data.attack.pk}" in h for h in drill)
    assert any(f"location={data.mission.base_a.pk}" in h for h in drill)
    assert any("status=queued" in h for h in drill)


def test_every_chart_has_its_table_and_csv(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    page = parse(client.get(URL).content)

    for name in FIGURE_NAMES:
        csv_url = reverse("reporting:dashboard_csv", args=[name])
        links = [
            a for a in page.find_all("a") if (a.attrs.get("href") or "").startswith(csv_url + "?")
        ]
        assert links, f"no CSV for {name}"
    sections = page.find_all("section", class_="card dash-panel")
    assert len(sections) == len(FIGURE_NAMES) - 1  # the key figures are tiles
    for section in sections:
        assert page.find_all("table", within=section), section.attrs["id"]


def _csv(client: Client, name: str, params: dict[str, Any] | None = None) -> list[list[str]]:
    response = client.get(reverse("reporting:dashboard_csv", args=[name]), params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_the_figures_of_its_table(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)

    categories = _csv(client, "alerts_by_category")
    times = _csv(client, "response_times")
    bases = _csv(client, "only_civilian_locations")
    locations = _csv(client, "alerts_by_location", {"category": data.looting.pk})

    assert categories == [
        ["Threat category", "Alerts", "Share (%)"],
        [data.attack.name_en, "4", "57.1"],
        [data.looting.name_en, "3", "42.9"],
    ]
    assert times[1] == ["Logging to acknowledgement", "5", "120.0", "1140.0"]
    assert [row[0] for row in bases[1:]] == ["Baboua", "Ippy"]
    by_name = {row[0]: row for row in locations[1:]}
    assert by_name["Kaga"][5:] == ["1", "1"]
    assert by_name["Ippy"][5:] == ["0", "0"]


def test_an_unknown_csv_is_not_found(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)

    assert client.get(reverse("reporting:dashboard_csv", args=["secrets"])).status_code == 404


def test_csv_cells_never_start_a_formula(client: Client, mission: Mission) -> None:
    f.CategoryFactory(code="evil", name_en="=HYPERLINK(1)", name_fr="=x")
    f.AlertFactory(location=mission.base_a, category=ThreatCategory.objects.get(code="evil"))
    client.force_login(mission.hq)

    rows = _csv(client, "alerts_by_category")

    assert rows[1][0] == "'=HYPERLINK(1)"


def test_the_page_has_no_inline_script_or_style(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    page = parse(client.get(URL).content)

    assert all(s.attrs.get("src") for s in page.find_all("script"))
    assert not page.find_all("style")
    assert not [e.tag for e in page.elements if "style" in e.attrs]
    assert not [e.tag for e in page.elements if any(a.startswith("on") for a in e.attrs)]


def test_the_map_gets_its_data_and_tiles_from_data_attributes(
    client: Client, data: Data, settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    client.force_login(data.mission.hq)
    page = parse(client.get(URL).content)

    (box,) = page.find_all("div", id="dash-map")
    map_url = box.attrs["data-map-url"]
    assert map_url.startswith(reverse("dashboard-map") + "?")
    assert box.attrs["data-tile-url"] == ""
    assert client.get(map_url).status_code == 200
    scripts = [s.attrs["src"] for s in page.find_all("script")]
    assert any(s.endswith("vendor/leaflet/leaflet.js") for s in scripts)
    assert any(s.endswith("reporting/dashboard.js") for s in scripts)


def test_a_configured_tile_server_reaches_the_map(
    client: Client, data: Data, settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(data.mission.hq)

    (box,) = parse(client.get(URL).content).find_all("div", id="dash-map")

    assert box.attrs["data-tile-url"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_the_vendored_map_files_are_served(client: Client) -> None:
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/leaflet/LICENSE",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/static/vendor/leaflet.markercluster/LICENSE",
        "/static/reporting/dashboard.js",
        "/static/reporting/dashboard.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.strip(), path


def test_bars_use_width_classes_in_steps_of_five(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    page = parse(client.get(URL).content)

    classes = [
        b.attrs["class"]
        for b in page.elements
        if (b.attrs.get("class") or "").startswith("hbar w-")
    ]
    widths = {int(c.split("w-")[1]) for c in classes}
    assert 100 in widths
    assert all(w % 5 == 0 and 0 <= w <= 100 for w in widths)


def test_the_page_says_how_fast_alerts_are_acknowledged(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)

    content = client.get(URL).content.decode()

    # Median 7200 s, 90th percentile 68400 s.
    assert "within <strong>2 h 00 min</strong>" in content
    assert "within <strong>19 h 00 min</strong>" in content


def test_the_form_shows_the_period_shown(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    default = dash.dashboard_default_filters()

    page = parse(client.get(URL).content)

    (start,) = page.find_all("input", name="start")
    (end,) = page.find_all("input", name="end")
    assert (start.attrs["value"], end.attrs["value"]) == (
        default.start.isoformat(),
        default.end.isoformat(),
    )


def test_the_page_reads_delays_as_a_person_would() -> None:
    assert duration_text(None) == "\u2013"
    assert duration_text(42) == "42 s"
    assert duration_text(7200) == "2 h 00 min"
    assert duration_text(68400) == "19 h 00 min"
    assert duration_text(3 * 86400 + 3600) == "3 d 1 h"


# --- queries do not grow with the data ----------------------------------------------------


def _alerts_everywhere(m: Mission, count: int) -> None:
    categories = [f.CategoryFactory(code=c) for c in ("attack", "looting", "abduction")]
    locations = [m.office_a, m.base_a, m.office_b, m.base_b]
    for i in range(count):
        _alert(
            locations[i % 4],
            categories[i % 3],
            days_ago=i % 80,
            ack_minutes=(i * 37) % 2000 if i % 2 else None,
            response_minutes=(i * 53) % 3000 + 2000 if i % 4 == 1 else None,
            queue=m.queue_a if i % 4 < 2 else m.queue_b,
        )


def _queries(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["hq", "force"])
def test_the_number_of_queries_does_not_grow_with_the_alerts(
    client: Client, mission: Mission, role: str
) -> None:
    client.force_login(mission.user(role))
    _alerts_everywhere(mission, 3)
    few = {
        url: _queries(client, url) for url in (URL, "/api/v1/dashboard/", "/api/v1/dashboard/map/")
    }

    _alerts_everywhere(mission, 30)
    many = {url: _queries(client, url) for url in few}

    assert many == few
    assert few[URL] <= 30


def test_cached_figures_cost_no_aggregate_query(client: Client, data: Data) -> None:
    client.force_login(data.mission.hq)
    client.get(URL)

    with CaptureQueriesContext(connection) as queries:
        client.get(URL)

    assert not [q for q in queries if 'FROM "alerts_alert"' in q["sql"]]


def test_an_empty_mission_shows_zeros_not_errors(client: Client, db: None) -> None:
    hq = f.UserFactory(username="hq-empty", role=Role.HQ)
    client.force_login(hq)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["fig"]["alerts"]["total"] == 0
    assert response.context["fig"]["networks"]["coverage"] is None


def test_plan_statuses_listed_are_every_status(data: Data) -> None:
    statuses = [r["status"] for r in _figures(data.mission.hq)["plans"]["by_status"]]

    assert statuses == list(ProtectionPlan.Status.values)
