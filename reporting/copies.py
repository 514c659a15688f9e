"""A compiled report as one reader may see it.

A compiled report is stored once for the whole of its scope (the mission, or a sector): its
figures, HTML, PDF and CSV hold every alert, alert network, plan and report from the field of
that scope. Only readers whose scope holds all of it, HQ staff and admins (mission-wide), are
served the stored copy. Any other reader gets the report compiled again, when they read or
download it, from what they may see: the alerts of `alerts.selectors.alert_list` (a Force
officer: those on the queues of their sector), the networks, plans and reports of their own
selectors. So an alert routed to another sector's queue never reaches a Force officer through
a report of their sector or of the mission, in the page, the API, the PDF, the CSV or an email.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import translation

from alerts.models import Alert
from alerts.selectors import alert_list
from clas.models import User
from reporting import services
from reporting.figures import period_alerts
from reporting.models import Report


@dataclass(frozen=True)
class ReaderCopy:
    """What one reader is shown of a compiled report: figures, HTML and the alerts listed."""

    figures: dict[str, Any]
    html: str
    alerts: QuerySet[Alert]

    def pdf(self) -> bytes:
        return services.render_pdf(self.html)

    def csv(self) -> bytes:
        with translation.override(settings.REPORT_LANGUAGE):
            return services.alerts_csv(self.alerts)


def sees_whole_report(user: User) -> bool:
    """Whether the stored copy of a compiled report holds nothing the user may not see."""
    return user.is_authenticated and user.is_mission_wide


def reader_copy(*, user: User, report: Report) -> ReaderCopy | None:
    """The compiled report as `user` may see it; None when the stored copy is theirs to read
    (mission-wide readers), or for a report written by a CLA (scoped as a whole)."""
    if report.origin != Report.Origin.COMPILED or sees_whole_report(user):
        return None
    where = {
        "scope": report.scope,
        "sector_id": report.sector_id,
        "location_id": report.location_id,
    }
    start, end = report.period_start, report.period_end
    flash_id = (report.figures or {}).get("flash_alert_id") or report.alert_id
    flash_alert = (
        alert_list(user=user).filter(pk=flash_id).select_related("location", "category").first()
        if flash_id
        else None
    )
    with translation.override(settings.REPORT_LANGUAGE):
        figures = services.report_figures(start=start, end=end, **where, reader=user)
        figures["flash_alert_id"] = flash_alert.pk if flash_alert else None
        html = services.compiled_html(
            title=report.title,
            figures=figures,
            start=start,
            end=end,
            sector=report.sector,
            flash_alert=flash_alert,
        )
    figures = json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
    return ReaderCopy(figures=figures, html=html, alerts=_alerts(user, report, start, end))


def _alerts(user: User, report: Report, start: dt.date, end: dt.date) -> QuerySet[Alert]:
    scoped = services.scope_alerts(
        scope=report.scope,
        sector_id=report.sector_id,
        location_id=report.location_id,
        reader=user,
    )
    return period_alerts(scoped, start=start, end=end)
