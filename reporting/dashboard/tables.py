"""The dashboard's figures as a person reads them: tables (also written as CSV), bar charts
drawn with CSS classes or SVG attributes (no inline style, no script), and links to the alert
list. The figures come from reporting.dashboard.selectors, as the API's do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from alerts.models import Alert, Channel
from clas.models import Gender, Location
from core.export import csv_safe
from core.formatting import NONE, duration_text
from protection_plans.models import ProtectionPlan

BUCKET_LABELS = {
    "lt_15m": gettext_lazy("Under 15 minutes"),
    "15_60m": gettext_lazy("15 to 60 minutes"),
    "1_6h": gettext_lazy("1 to 6 hours"),
    "6_24h": gettext_lazy("6 to 24 hours"),
    "gt_24h": gettext_lazy("Over 24 hours"),
}


@dataclass
class Cell:
    text: str  # what the page shows
    value: Any = None  # what the CSV holds (the text when None)
    url: str = ""
    num: bool = False

    @property
    def csv_value(self) -> Any:
        return self.text if self.value is None else self.value


@dataclass
class Table:
    name: str  # also the name of its CSV: ?figure=<name>
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    csv_url: str = ""

    @property
    def header(self) -> list[dict[str, Any]]:
        """The column titles, each saying whether its column holds numbers."""
        first = self.rows[0] if self.rows else []
        return [
            {"title": title, "num": i < len(first) and first[i].num and i > 0}
            for i, title in enumerate(self.columns)
        ]


@dataclass
class Bar:
    label: str
    text: str
    url: str
    width: int  # percent of the widest bar, in steps of 5 (a CSS class per step)


@dataclass
class Column:
    x: int
    y: float
    height: float
    title: str


@dataclass
class Panel:
    """A chart with the table of its figures and the CSV of that table."""

    table: Table
    bars: list[Bar] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    note: str = ""
    collapsed: bool = False  # the table goes in a <details> even without a chart

    @property
    def view_width(self) -> int:
        return max(len(self.columns) * 10, 10)


# --- formatting ---------------------------------------------------------------------------


def _n(value: int | None) -> Cell:
    return Cell(f"{value or 0:,}".replace(",", "\u202f"), value or 0, num=True)


def _share(part: float | None) -> Cell:
    if part is None:
        return Cell(NONE, "", num=True)
    percent = round(part * 100, 1)
    return Cell(f"{percent:.0f}\u00a0%", percent, num=True)


def share_text(part: float | None) -> str:
    """A share as the tables write it ("42 %")."""
    return _share(part).text


def _minutes(seconds: float | None) -> Cell:
    if seconds is None:
        return Cell(NONE, "", num=True)
    return Cell(duration_text(seconds), round(seconds / 60, 1), num=True)


def _category_name(row: dict[str, Any]) -> str:
    return row["name_fr"] if (get_language() or "en").startswith("fr") else row["name_en"]


def _width(value: float, widest: float) -> int:
    if value <= 0 or widest <= 0:
        return 0
    return max(5, round(value / widest * 20) * 5)


def _bars(rows: list[tuple[str, float, str, str]]) -> list[Bar]:
    """(label, value, value as text, url) -> bars scaled to the largest value."""
    widest = max((value for _label, value, _text, _url in rows), default=0)
    return [Bar(label, text, url, _width(value, widest)) for label, value, text, url in rows]


def _bars_from(table: Table, label: int = 0, value: int = 1) -> list[Bar]:
    return _bars(
        [
            (row[label].text, row[value].csv_value or 0, row[value].text, row[label].url)
            for row in table.rows
        ]
    )


# --- the tables of the figures ------------------------------------------------------------


def _key_figures(fig: dict[str, Any]) -> Table:
    alerts, times, networks = fig["alerts"], fig["response_times"], fig["networks"]
    clas, plans = fig["clas"], fig["plans"]
    women = next(r["count"] for r in clas["by_gender"] if r["gender"] == Gender.FEMALE)
    rows = [
        [Cell(_("Alerts reported"), url=alerts["alerts_url"]), _n(alerts["total"])],
        [
            Cell(_("Not acknowledged yet"), url=alerts["unacknowledged_url"]),
            _n(alerts["unacknowledged"]),
        ],
        [Cell(_("Median time to acknowledge (minutes)")), _minutes(times["acknowledge"]["median"])],
        [
            Cell(_("90th percentile time to acknowledge (minutes)")),
            _minutes(times["acknowledge"]["p90"]),
        ],
        [Cell(_("Median time to response (minutes)")), _minutes(times["response"]["median"])],
        [
            Cell(_("Confirmed or partly confirmed, of alerts with an outcome")),
            _share(alerts["confirmed_share"]),
        ],
        [
            Cell(
                _("Community informed, of closed alerts"),
                url=fig["community_informed"]["closed_url"],
            ),
            _share(fig["community_informed"]["share"]),
        ],
        [
            Cell(_("Median time from logging to community informed")),
            _minutes(fig["community_informed"]["time_to_informed"]["median"]),
        ],
        [
            Cell(_("Locations with an alert network"), url=networks["networks_url"]),
            _n(networks["locations_with_network"]),
        ],
        [Cell(_("Field locations")), _n(networks["locations"])],
        [Cell(_("Alert network coverage")), _share(networks["coverage"])],
        [Cell(_("Deployed CLAs")), _n(clas["total"])],
        [Cell(_("Deployed CLAs who are women")), _n(women)],
        [
            Cell(_("Protection plan reviews overdue"), url=plans["overdue_url"]),
            _n(plans["reviews_overdue"]),
        ],
        [
            Cell(_("Locations where the CLA is the only civilian")),
            _n(len(fig["only_civilian_locations"])),
        ],
    ]
    return Table("key_figures", _("Key figures"), [_("Figure"), _("Value")], rows)


def _per_week(fig: dict[str, Any]) -> Table:
    rows = [
        [
            Cell(w["start"].isoformat(), url=w["alerts_url"]),
            Cell(w["end"].isoformat()),
            _n(w["count"]),
        ]
        for w in fig["alerts_per_week"]
    ]
    return Table("alerts_per_week", _("Alerts per week"), [_("From"), _("To"), _("Alerts")], rows)


def _by_category(fig: dict[str, Any]) -> Table:
    total = fig["alerts"]["total"]
    rows = [
        [
            Cell(_category_name(r), url=r["alerts_url"]),
            _n(r["count"]),
            _share(r["count"] / total if total else None),
        ]
        for r in fig["alerts_by_category"]
    ]
    return Table(
        "alerts_by_category",
        _("Alerts by threat category"),
        [_("Threat category"), _("Alerts"), _("Share (%)")],
        rows,
    )


def _by_prefecture(fig: dict[str, Any]) -> Table:
    rows = []
    for p in fig["alerts_by_prefecture"]:
        locations = "; ".join(f"{loc['name']}: {loc['count']}" for loc in p["locations"])
        rows.append([Cell(p["prefecture"]), _n(p["count"]), Cell(locations)])
    return Table(
        "alerts_by_prefecture",
        _("Alerts by prefecture"),
        [_("Prefecture"), _("Alerts"), _("Locations")],
        rows,
    )


def _by_status(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(Alert.Status(r["status"]).label), url=r["alerts_url"]), _n(r["count"])]
        for r in fig["alerts"]["by_status"]
    ]
    return Table("alerts_by_status", _("Alerts by status"), [_("Status"), _("Alerts")], rows)


def _by_channel(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(Channel(r["channel"]).label), url=r["alerts_url"]), _n(r["count"])]
        for r in fig["alerts"]["by_channel"]
    ]
    return Table("alerts_by_channel", _("Alerts by channel"), [_("Channel"), _("Alerts")], rows)


def _ack_histogram(fig: dict[str, Any]) -> Table:
    rows = [
        [
            Cell(str(BUCKET_LABELS[b["bucket"]]), url=b["alerts_url"]),
            _n(b["count"]),
            _share(b["share"]),
        ]
        for b in fig["response_times"]["acknowledge_histogram"]
    ]
    return Table(
        "acknowledge_times",
        _("Time from logging to acknowledgement"),
        [_("Time to acknowledge"), _("Alerts"), _("Share (%)")],
        rows,
    )


def _percentiles(fig: dict[str, Any]) -> Table:
    times = fig["response_times"]
    rows = [
        [
            Cell(label),
            _n(times[key]["count"]),
            _minutes(times[key]["median"]),
            _minutes(times[key]["p90"]),
        ]
        for key, label in (
            ("acknowledge", _("Logging to acknowledgement")),
            ("response", _("Logging to response")),
        )
    ]
    return Table(
        "response_times",
        _("Response times"),
        [_("Measure"), _("Alerts measured"), _("Median (minutes)"), _("90th percentile (minutes)")],
        rows,
    )


def _near_base_times(fig: dict[str, Any]) -> Table:
    split = fig["response_times_near_base"]
    radius = split["radius_km"]
    km = number_format(int(radius) if radius == int(radius) else radius)
    groups = (
        ("near_base", _("Near a base (≤ %(km)s km)") % {"km": km}),
        ("others", _("Farther or without coordinates")),
    )
    rows = [
        [
            Cell(label, url=split[group]["alerts_url"]),
            Cell(measure),
            _n(split[group][key]["count"]),
            _minutes(split[group][key]["median"]),
            _minutes(split[group][key]["p90"]),
        ]
        for group, label in groups
        for key, measure in (
            ("acknowledge", _("Logging to acknowledgement")),
            ("response", _("Logging to response")),
        )
    ]
    return Table(
        "response_times_near_base",
        _("Response times near a base"),
        [
            _("Alerts"),
            _("Measure"),
            _("Alerts measured"),
            _("Median (minutes)"),
            _("90th percentile (minutes)"),
        ],
        rows,
    )


def _community_informed(fig: dict[str, Any]) -> Table:
    c = fig["community_informed"]
    times = c["time_to_informed"]
    rows = [
        [Cell(_("Closed alerts"), url=c["closed_url"]), _n(c["closed"])],
        [Cell(_("Community informed")), _n(c["informed"])],
        [Cell(_("Community not informed (not recorded)")), _n(c["closed"] - c["informed"])],
        [Cell(_("Share informed")), _share(c["share"])],
        [Cell(_("Median time from logging to community informed")), _minutes(times["median"])],
        [
            Cell(_("90th percentile time from logging to community informed")),
            _minutes(times["p90"]),
        ],
    ]
    return Table(
        "community_informed",
        _("Community informed of what happened (closed alerts)"),
        [_("Figure"), _("Value")],
        rows,
    )


def _coverage(fig: dict[str, Any]) -> Table:
    n = fig["networks"]
    without = n["locations"] - n["locations_with_network"]
    rows = [
        [Cell(_("With an alert network"), url=n["networks_url"]), _n(n["locations_with_network"])],
        [Cell(_("Without an alert network")), _n(without)],
        [Cell(_("Alert networks (not dissolved)")), _n(n["networks"])],
        [Cell(_("Networks established in the period")), _n(n["new"])],
        [Cell(_("Networks with a sign of life in the last 30 days")), _n(n["active"])],
        [Cell(_("Active networks gone silent")), _n(n["silent"])],
    ]
    return Table(
        "network_coverage", _("Alert network coverage"), [_("Field locations"), _("Number")], rows
    )


def _volunteers(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(Gender(r["gender"]).label), url=fig["networks"]["networks_url"]), _n(r["count"])]
        for r in fig["networks"]["volunteers"]
    ]
    return Table(
        "network_volunteers",
        _("Alert network volunteers by gender"),
        [_("Gender"), _("Volunteers")],
        rows,
    )


def _clas_by_gender(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(Gender(r["gender"]).label), url=r["clas_url"]), _n(r["count"])]
        for r in fig["clas"]["by_gender"]
    ]
    return Table("clas_by_gender", _("Deployed CLAs by gender"), [_("Gender"), _("CLAs")], rows)


def _clas_by_kind(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(Location.Kind(r["kind"]).label), url=r["locations_url"]), _n(r["count"])]
        for r in fig["clas"]["by_location_kind"]
    ]
    return Table(
        "clas_by_location_kind",
        _("Deployed CLAs by kind of location"),
        [_("Kind of location"), _("CLAs")],
        rows,
    )


def _plans_by_status(fig: dict[str, Any]) -> Table:
    rows = [
        [Cell(str(ProtectionPlan.Status(r["status"]).label), url=r["plans_url"]), _n(r["count"])]
        for r in fig["plans"]["by_status"]
    ]
    return Table(
        "plans_by_status",
        _("Protection plans by status"),
        [_("Status"), _("Plans")],
        rows,
    )


def _plan_reviews(fig: dict[str, Any]) -> Table:
    rows = [
        [
            Cell(r["location"]),
            Cell(r["due"]),
            Cell(_("Overdue") if r["overdue"] else _("Due soon"), "yes" if r["overdue"] else "no"),
        ]
        for r in fig["plans"]["reviews_due"]
    ]
    return Table(
        "plan_reviews",
        _("Protection plan reviews due"),
        [_("Location"), _("Review due"), _("Overdue")],
        rows,
    )


def _only_civilian(fig: dict[str, Any]) -> Table:
    rows = []
    for base in fig["only_civilian_locations"]:
        names = ", ".join(f"{c['name']} ({Gender(c['gender']).label})" for c in base["clas"]) or _(
            "No CLA deployed"
        )
        rows.append(
            [
                Cell(base["name"], url=base["alerts_url"]),
                Cell(base["prefecture"]),
                Cell(base["sector"]),
                Cell(names),
                _n(base["alerts"]),
            ]
        )
    return Table(
        "only_civilian_locations",
        _("Temporary bases: the CLA is the only civilian"),
        [_("Location"), _("Prefecture"), _("Sector"), _("CLAs"), _("Alerts")],
        rows,
    )


def _by_location(points: dict[str, Any]) -> Table:
    rows = []
    for feature in points["features"]:
        p = feature["properties"]
        longitude, latitude = feature["geometry"]["coordinates"]
        rows.append(
            [
                Cell(p["name"], url=p["alerts_url"]),
                Cell(p["prefecture"]),
                Cell(str(Location.Kind(p["kind"]).label)),
                Cell(f"{latitude:.3f}", latitude, num=True),
                Cell(f"{longitude:.3f}", longitude, num=True),
                _n(p["alerts"]),
                _n(p["unacknowledged"]),
            ]
        )
    return Table(
        "alerts_by_location",
        _("Alerts by location"),
        [
            _("Location"),
            _("Prefecture"),
            _("Kind"),
            _("Latitude"),
            _("Longitude"),
            _("Alerts"),
            _("Not acknowledged"),
        ],
        rows,
    )


TABLES: dict[str, Callable[[dict[str, Any]], Table]] = {
    "alerts_per_week": _per_week,
    "alerts_by_category": _by_category,
    "alerts_by_prefecture": _by_prefecture,
    "alerts_by_status": _by_status,
    "alerts_by_channel": _by_channel,
    "acknowledge_times": _ack_histogram,
    "response_times": _percentiles,
    "response_times_near_base": _near_base_times,
    "community_informed": _community_informed,
    "network_coverage": _coverage,
    "network_volunteers": _volunteers,
    "clas_by_gender": _clas_by_gender,
    "clas_by_location_kind": _clas_by_kind,
    "plans_by_status": _plans_by_status,
    "plan_reviews": _plan_reviews,
    "only_civilian_locations": _only_civilian,
}
FIGURE_NAMES = ("key_figures", *TABLES, "alerts_by_location")


def dashboard_tables(fig: dict[str, Any], points: dict[str, Any] | None = None) -> dict[str, Table]:
    """Every table of the page; the one of the map only when its points are given."""
    tables = {"key_figures": _key_figures(fig)}
    tables.update({name: build(fig) for name, build in TABLES.items()})
    if points is not None:
        tables["alerts_by_location"] = _by_location(points)
    return tables


# --- charts -------------------------------------------------------------------------------


def _week_columns(fig: dict[str, Any]) -> list[Column]:
    weeks = fig["alerts_per_week"]
    highest = max((w["count"] for w in weeks), default=0)
    columns = []
    for i, w in enumerate(weeks):
        height = round(w["count"] / highest * 100, 2) if highest else 0
        title = _("Week from %(start)s: %(count)s alerts") % {
            "start": w["start"].isoformat(),
            "count": w["count"],
        }
        columns.append(Column(x=i * 10 + 1, y=round(100 - height, 2), height=height, title=title))
    return columns


def dashboard_panels(tables: dict[str, Table], fig: dict[str, Any]) -> dict[str, Panel]:
    """Each table with its chart: bars, or columns for the weeks."""
    panels = {name: Panel(table=table) for name, table in tables.items()}
    if "alerts_by_location" in panels:
        panels["alerts_by_location"].collapsed = True  # the map above is its chart
    panels["alerts_per_week"].columns = _week_columns(fig)
    weeks = fig["alerts_per_week"]
    if weeks:
        panels["alerts_per_week"].note = _(
            "Weeks from %(first)s to %(last)s; the busiest week had %(highest)s alerts."
        ) % {
            "first": weeks[0]["start"].isoformat(),
            "last": weeks[-1]["end"].isoformat(),
            "highest": max(w["count"] for w in weeks),
        }
    for name in (
        "alerts_by_category",
        "alerts_by_prefecture",
        "alerts_by_status",
        "alerts_by_channel",
        "acknowledge_times",
        "network_volunteers",
        "clas_by_gender",
        "clas_by_location_kind",
        "plans_by_status",
    ):
        panels[name].bars = _bars_from(tables[name])
    panels["network_coverage"].bars = _bars_from(
        Table("", "", [], tables["network_coverage"].rows[:2])
    )
    panels["community_informed"].bars = _bars_from(
        Table("", "", [], tables["community_informed"].rows[1:3])
    )
    return panels


# --- CSV ----------------------------------------------------------------------------------


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(cell.csv_value) for cell in row])
    # The byte order mark lets spreadsheets read accented names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()
