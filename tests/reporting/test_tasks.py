from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.cache import cache

from config.celery import app
from reporting.models import Report
from reporting.tasks import compile_daily_digests, compile_weekly_reports


def test_reports_are_scheduled_in_the_mission_time_zone() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily, weekly = schedule["daily-digest"]["schedule"], schedule["weekly-report"]["schedule"]
    assert isinstance(daily, crontab) and daily.hour == {19}
    assert isinstance(weekly, crontab) and weekly.day_of_week == {1} and weekly.hour == {6}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Africa/Bangui"


def test_report_tasks_go_to_the_reports_queue() -> None:
    route = app.amqp.router.route({}, "reporting.tasks.compile_weekly_reports")
    assert route["queue"].name == "reports"
    assert app.amqp.router.route({}, "alerts.tasks.route_alert")["queue"].name == "alerts"


@pytest.mark.django_db
def test_weekly_task_compiles_mission_and_every_sector(mission) -> None:
    result = compile_weekly_reports.apply(kwargs={"monday": "2026-06-08"}).get()

    assert result["compiled"] == 3
    reports = Report.objects.filter(kind=Report.Kind.WEEKLY, origin=Report.Origin.COMPILED)
    assert {(r.period_start, r.period_end) for r in reports} == {
        (dt.date(2026, 6, 8), dt.date(2026, 6, 14))
    }
    assert reports.filter(scope=Report.Scope.MISSION).count() == 1


@pytest.mark.django_db
def test_a_periodic_task_never_overlaps_itself(mission) -> None:
    cache.add("lock:reporting.daily_digest", "another-run", 60)
    try:
        result = compile_daily_digests.apply(kwargs={"day": "2026-06-10"}).get()
    finally:
        cache.delete("lock:reporting.daily_digest")

    assert result == {"skipped": 1}
    assert not Report.objects.exists()
