"""The distribution of Admiralty grades, by source type and by CLA.

The alerts counted are the dashboard's (reporting.dashboard.selectors.dashboard_alerts): the
same scope (HQ and admins the mission, coordinators their area, Force officers their sector)
and the same filters. One GROUP BY per table, whatever the number of alerts. Who reported an
alert to the CLA never enters: a row is a source type, or the CLA the alert came from.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from alerts.models import Alert, InformationCredibility, SourceReliability
from clas.models import Role, User
from reporting.dashboard.selectors import DashboardFilters, dashboard_alerts

RELIABILITIES: tuple[str, ...] = tuple(SourceReliability.values)
CREDIBILITIES: tuple[int, ...] = tuple(InformationCredibility.values)


def _empty_row(key: str, label: str) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "reliability": dict.fromkeys(RELIABILITIES, 0),
        "credibility": {str(c): 0 for c in CREDIBILITIES},
        "matrix": {f"{r}{c}": 0 for r in RELIABILITIES for c in CREDIBILITIES},
        "ungraded": 0,
        "total": 0,
    }


def _add(row: dict[str, Any], reliability: str, credibility: int | None, n: int) -> None:
    row["total"] += n
    if not reliability or credibility is None:
        row["ungraded"] += n
        return
    row["reliability"][reliability] += n
    row["credibility"][str(credibility)] += n
    row["matrix"][f"{reliability}{credibility}"] += n


def _grouped(qs: QuerySet[Alert], key: Any) -> list[tuple[Any, str, int | None, int]]:
    return list(
        qs.annotate(group=key)
        .values_list("group", "source_reliability", "information_credibility")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _by_source_type(qs: QuerySet[Alert]) -> list[dict[str, Any]]:
    rows = {value: _empty_row(value, str(label)) for value, label in Alert.SourceType.choices}
    for source_type, reliability, credibility, n in _grouped(qs, F("source_type")):
        if source_type in rows:
            _add(rows[source_type], reliability, credibility, n)
    return [row for row in rows.values() if row["total"]]


def _by_cla(qs: QuerySet[Alert]) -> list[dict[str, Any]]:
    """Per CLA the alert came from: the CLA it was heard from by phone or radio, else who
    logged it. Alerts logged by others (an HQ officer, a coordinator) share one last row."""
    counts = _grouped(qs, Coalesce(F("received_from_cla__user_id"), F("logged_by_id")))
    clas = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={user_id for user_id, *_rest in counts}, role=Role.CLA
        )
    }
    rows: dict[Any, dict[str, Any]] = {}
    others = _empty_row("others", _("Logged by others than CLAs"))
    for user_id, reliability, credibility, n in counts:
        user = clas.get(user_id)
        if user is None:
            _add(others, reliability, credibility, n)
            continue
        if user_id not in rows:
            rows[user_id] = _empty_row(str(user_id), user.get_full_name() or user.username)
        _add(rows[user_id], reliability, credibility, n)
    ordered = sorted(rows.values(), key=lambda row: row["label"].casefold())
    return [*ordered, others] if others["total"] else ordered


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total = _empty_row("total", _("Total"))
    for row in rows:
        for part in ("reliability", "credibility", "matrix"):
            for key, n in row[part].items():
                total[part][key] += n
        total["ungraded"] += row["ungraded"]
        total["total"] += row["total"]
    return total


def verification_distribution(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """The grades of the alerts of the dashboard's scope and filters, by source type and by
    CLA, each table with its total row."""
    qs = dashboard_alerts(user=user, filters=filters)
    by_source = _by_source_type(qs)
    by_cla = _by_cla(qs)
    return {
        "period": {"start": filters.start, "end": filters.end},
        "by_source_type": {"rows": by_source, "total": _totals(by_source)},
        "by_cla": {"rows": by_cla, "total": _totals(by_cla)},
    }
