"""The dashboard page and its CSV: who opens it, filters, tables and charts, the map, page
hygiene, and a number of queries that does not grow with the number of alerts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import ThreatCategory
from clas.models import Role
from core.formatting import duration_text
from reporting.dashboard import selectors as dash
from reporting.dashboard.tables import FIGURE_NAMES
from tests import factories as f
from tests.conftest import Mission
from tests.core.html import parse
from tests.reporting.dashboard.support import Data, _alert

URL = "/dashboard/"


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


def test_a_force_officer_cannot_filter_on_another_sector(client: Client, data: Data) -> None:
    client.force_login(data.mission.force)

    response = client.get(URL, {"sector": data.mission.sector_b.pk})

    assert "sector" in response.context["form"].errors
    assert response.context["fig"]["alerts"]["total"] == 5


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
