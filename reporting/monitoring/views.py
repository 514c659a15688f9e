"""The monitoring and evaluation page of the CLAs: what each CLA, and each location, did over a
period (alerts logged, reports on time, alert networks and protection plans, trainings).

Figures come from reporting.monitoring.selectors (the API uses the same functions); this
module only sorts them, lays them out as tables and writes them as CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clas.models import User
from core.export import csv_safe
from reporting.monitoring.forms import MonitoringPeriodForm
from reporting.monitoring.selectors import monitoring_rows
from reporting.permissions import may_monitor_clas
from reporting.selectors import mission_tz


@dataclass(frozen=True)
class Column:
    key: str  # the key of the row, and the value of the sort parameter
    title: str | Promise
    numeric: bool = True


COUNTS: tuple[Column, ...] = (
    Column("alerts_logged", gettext_lazy("Alerts logged")),
    Column("daily_submitted", gettext_lazy("Daily reports")),
    Column("daily_on_time", gettext_lazy("Daily reports on time")),
    Column("weekly_submitted", gettext_lazy("Weekly analyses")),
    Column("weekly_on_time", gettext_lazy("Weekly analyses on time")),
    Column("flash_submitted", gettext_lazy("Flash reports")),
    Column("networks_set_up", gettext_lazy("Alert networks set up")),
    Column("plan_updates", gettext_lazy("Protection plan updates")),
    Column("trainings_attended", gettext_lazy("Trainings attended")),
)
TABLE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "cla": (
        Column("name", gettext_lazy("CLA"), numeric=False),
        Column("gender", gettext_lazy("Gender"), numeric=False),
        Column("location", gettext_lazy("Location"), numeric=False),
        *COUNTS,
    ),
    "location": (
        Column("location", gettext_lazy("Location"), numeric=False),
        Column("clas", gettext_lazy("CLAs")),
        *COUNTS,
    ),
}
TABLE_TITLES = {
    "cla": gettext_lazy("Per CLA"),
    "location": gettext_lazy("Per location"),
}
# The GET parameter that sorts each table: "<key>" ascending, "-<key>" descending.
SORT_PARAMS = {"cla": "cla_sort", "location": "location_sort"}


def sort_key(table: str, value: str | None) -> str:
    """The sort asked for when its column exists, else "" (the default order)."""
    if not value:
        return ""
    keys = {column.key for column in TABLE_COLUMNS[table]}
    return value if value.removeprefix("-") in keys else ""


def sorted_rows(rows: list[dict[str, Any]], table: str, sort: str) -> list[dict[str, Any]]:
    if not sort:
        return rows
    key = sort.removeprefix("-")
    numeric = next(c.numeric for c in TABLE_COLUMNS[table] if c.key == key)

    def value(row: dict[str, Any]) -> Any:
        return row[key] if numeric else str(row[key]).casefold()

    # A stable sort: ties keep the default order (by name, by location).
    return sorted(rows, key=value, reverse=sort.startswith("-"))


def _cell_text(value: Any, column: Column) -> str:
    if column.key == "location" and not value:
        return _("Not deployed")
    return str(value)


@dataclass
class Table:
    name: str
    title: str | Promise
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    totals: list[int]
    label_span: int  # the columns before the first count, spanned by the title of the totals
    csv_url: str


def _table(
    name: str, rows: list[dict[str, Any]], sorts: dict[str, str], period: dict[str, str]
) -> Table:
    current = sorts[name]
    columns = []
    for column in TABLE_COLUMNS[name]:
        if current == column.key:
            next_sort, aria = f"-{column.key}", "ascending"
        elif current == f"-{column.key}":
            next_sort, aria = column.key, "descending"
        else:
            # Counts read best from the highest down, names from A.
            next_sort, aria = (f"-{column.key}" if column.numeric else column.key), ""
        query = urlencode({**period, **_sort_params({**sorts, name: next_sort})})
        columns.append(
            {
                "title": column.title,
                "numeric": column.numeric,
                "aria_sort": aria,
                "url": f"?{query}#{name}-table",
            }
        )
    body = []
    for row in sorted_rows(rows, name, current):
        cells = [
            {"text": _cell_text(row[c.key], c), "numeric": c.numeric} for c in TABLE_COLUMNS[name]
        ]
        url = reverse("clas:cla_detail", args=[row["cla"].pk]) if name == "cla" else ""
        body.append({"cells": cells, "url": url})
    totals = [sum(row[c.key] for row in rows) for c in TABLE_COLUMNS[name] if c.numeric]
    query = urlencode({**period, **_sort_params(sorts), "format": "csv", "table": name})
    span = sum(1 for c in TABLE_COLUMNS[name] if not c.numeric)
    return Table(name, TABLE_TITLES[name], columns, body, totals, span, f"?{query}")


def _sort_params(sorts: dict[str, str]) -> dict[str, str]:
    return {SORT_PARAMS[name]: value for name, value in sorts.items() if value}


def table_csv(rows: list[dict[str, Any]], table: str) -> bytes:
    columns = TABLE_COLUMNS[table]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(str(c.title)) for c in columns])
    for row in rows:
        writer.writerow([csv_safe(row[c.key]) for c in columns])
    # The byte order mark lets spreadsheets read accented names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def _scope_label(user: User) -> str:
    if user.is_mission_wide:
        return settings.MISSION_NAME
    if user.field_office_id:
        return _("Area of the field office of %(office)s") % {"office": user.field_office.name}
    return _("No field office is set for you: ask an administrator.")


@login_required
def monitoring(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_monitor_clas(user):
        raise PermissionDenied
    with timezone.override(mission_tz()):
        form = MonitoringPeriodForm(
            {k: request.GET[k] for k in ("start", "end") if k in request.GET} or None
        )
        start, end = form.period()
        sorts = {
            name: sort_key(name, request.GET.get(param)) for name, param in SORT_PARAMS.items()
        }
        wants_csv = request.GET.get("format") == "csv"
        if wants_csv and form.is_bound and not form.is_valid():
            # Never a file of another period than the one asked: show the page and its errors.
            query = urlencode(
                {k: v for k, v in request.GET.items() if k not in ("format", "table")}
            )
            return redirect(f"{reverse('reporting:monitoring')}?{query}")
        rows, per_location = monitoring_rows(user=user, start=start, end=end)
        tables = {"cla": rows, "location": per_location}
        if wants_csv:
            name = request.GET.get("table", "")
            if name not in tables:
                raise Http404
            body = table_csv(sorted_rows(tables[name], name, sorts[name]), name)
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            filename = f"monitoring-{name}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        period = {"start": start.isoformat(), "end": end.isoformat()}
        context = {
            "form": form,
            "start": start,
            "end": end,
            "sorts": _sort_params(sorts),
            "scope_label": _scope_label(user),
            "tables": [_table(name, data, sorts, period) for name, data in tables.items()],
            "api_url": f"{reverse('monitoring-figures')}?{urlencode(period)}",
        }
        return render(request, "reporting/monitoring.html", context)
