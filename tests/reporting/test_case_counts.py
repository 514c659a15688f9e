"""The figures count cases, not copies: an alert merged into another's case (a confirmed
duplicate) is counted with its lead, on the dashboard and in a compiled report; the lists
still show it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from reporting.dashboard import selectors as dash
from reporting.models import Report
from reporting.services import report_compile
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def three_reports_one_event(mission: Mission) -> tuple[Alert, Alert, Alert]:
    """Three reports of the same event at Ippy merged into one case, and one other alert."""
    now = timezone.now()
    reports = [
        log(
            mission,
            occurred_at=now - dt.timedelta(hours=h + 1),
            reported_at=now - dt.timedelta(hours=h),
        )
        for h in (5, 4, 3)
    ]
    lead = reports[0]
    for follower in reports[1:]:
        services.duplicate_confirm(user=mission.force, alert_id=follower.pk, other_id=lead.pk)
    log(mission, mission.cla_b, location_id=mission.base_b.pk)
    return lead, reports[1], reports[2]


def test_the_dashboard_counts_cases(mission: Mission) -> None:
    three_reports_one_event(mission)

    figures = dash.dashboard_figures(user=mission.hq, filters=dash.dashboard_default_filters())

    assert figures["alerts"]["total"] == 2
    by_status = {row["status"]: row["count"] for row in figures["alerts"]["by_status"]}
    assert by_status["queued"] == 2
    assert sum(row["count"] for row in figures["alerts_by_category"]) == 2


def test_the_dashboard_counts_a_closed_case_once_with_its_outcome(mission: Mission) -> None:
    lead, _second, _third = three_reports_one_event(mission)
    officer = mission.force
    services.alert_acknowledge(alert_id=lead.pk, user=officer)
    services.alert_record_outcome(alert_id=lead.pk, user=officer, outcome="confirmed")
    services.alert_close(alert_id=lead.pk, user=officer)
    cache.clear()

    figures = dash.dashboard_figures(user=mission.hq, filters=dash.dashboard_default_filters())

    assert Alert.objects.filter(status="closed").count() == 3
    assert figures["community_informed"]["closed"] == 1
    assert figures["response_times"]["acknowledge"]["count"] == 1


def test_a_compiled_report_counts_cases_and_lists_every_report(mission: Mission) -> None:
    lead, second, third = three_reports_one_event(mission)
    today = timezone.localdate()

    report = report_compile(kind=Report.Kind.DAILY, start=today - dt.timedelta(days=1), end=today)

    assert report.figures["total"] == 2
    assert sum(report.figures["by_status"].values()) == 2
    by_location = {row["location"]: row["count"] for row in report.figures["by_location"]}
    assert by_location[mission.base_a.name] == 1
    rows = list(csv.reader(io.StringIO(report.csv.read().decode("utf-8-sig"))))
    listed = {cell for row in rows for cell in row}
    assert {lead.reference, second.reference, third.reference} <= listed
