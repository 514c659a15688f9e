"""Report tasks on the `reports` queue: thin wrappers over reporting.services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from alerts.models import Alert
from clas.models import Sector
from core.periodic import single_run
from reporting import services
from reporting.models import Report
from reporting.on_demand.services import compile_request_run


def _compile_all_scopes(kind: str, start: dt.date, end: dt.date) -> dict[str, int]:
    compiled = distributed = 0
    for sector_id in [None, *Sector.objects.values_list("pk", flat=True)]:
        report = services.report_compile(kind=kind, start=start, end=end, sector_id=sector_id)
        compiled += 1
        distributed += services.report_distribute(report_id=report.pk)
    return {"compiled": compiled, "recipients": distributed}


@shared_task(acks_late=True, reject_on_worker_lost=True)
@single_run("reporting.daily_digest", timeout=1800)
def compile_daily_digests(day: str | None = None) -> dict[str, int]:
    """Each evening: the day's digest for the mission and every sector."""
    target = dt.date.fromisoformat(day) if day else timezone.localdate()
    return _compile_all_scopes(Report.Kind.DAILY, target, target)


@shared_task(acks_late=True, reject_on_worker_lost=True)
@single_run("reporting.weekly_report", timeout=3600)
def compile_weekly_reports(monday: str | None = None) -> dict[str, int]:
    """Each Monday: last week's report (Monday to Sunday) for the mission and every sector."""
    if monday:
        start = dt.date.fromisoformat(monday)
    else:
        today = timezone.localdate()
        start = today - dt.timedelta(days=today.weekday() + 7)
    return _compile_all_scopes(Report.Kind.WEEKLY, start, start + dt.timedelta(days=6))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_flash_digest(alert_id: int) -> int:
    """At once, for an Immediate or Extreme alert: the sector's flash digest of the day."""
    alert = Alert.objects.select_related("location").get(pk=alert_id)
    day = timezone.localtime(alert.reported_at).date()
    report = services.report_compile(
        kind=Report.Kind.FLASH,
        start=day,
        end=day,
        sector_id=alert.location.sector_id,
        alert_id=alert_id,
    )
    services.report_distribute(report_id=report.pk, force=True)
    return report.pk


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_on_demand(request_id: int) -> dict[str, int]:
    """A digest someone asked for now (reporting.on_demand)."""
    return compile_request_run(request_id=request_id)
