from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reporting.models import Report
from reporting.monitoring.selectors import cla_performance, location_performance
from tests import factories as f

START, END = dt.date(2026, 6, 1), dt.date(2026, 6, 30)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.mark.django_db
def test_performance_counts_alerts_reports_on_time_and_trainings(mission) -> None:
    cla = mission.cla
    for day in (dt.date(2026, 6, 3), dt.date(2026, 6, 4)):
        f.AlertFactory(location=mission.base_a, logged_by=cla, created_at=_at(day, 10))
    f.AlertFactory(location=mission.base_a, logged_by=cla, created_at=_at(dt.date(2026, 7, 2), 10))
    # On time: submitted by 09:00 the next day; late: after that.
    f.ReportFactory(
        location=mission.base_a,
        author=cla,
        period_start=dt.date(2026, 6, 3),
        period_end=dt.date(2026, 6, 3),
        submitted_at=_at(dt.date(2026, 6, 3), 18),
    )
    f.ReportFactory(
        location=mission.base_a,
        author=cla,
        period_start=dt.date(2026, 6, 4),
        period_end=dt.date(2026, 6, 4),
        submitted_at=_at(dt.date(2026, 6, 5), 8),
    )
    f.ReportFactory(
        location=mission.base_a,
        author=cla,
        period_start=dt.date(2026, 6, 5),
        period_end=dt.date(2026, 6, 5),
        submitted_at=_at(dt.date(2026, 6, 6), 11),
    )
    f.ReportFactory(
        location=mission.base_a,
        author=cla,
        period_start=dt.date(2026, 6, 6),
        period_end=dt.date(2026, 6, 6),
    )  # draft
    training = f.TrainingFactory(held_on=dt.date(2026, 6, 10))
    training.participants.add(mission.cla_profile)

    rows = {r["name"]: r for r in cla_performance(user=mission.coordinator, start=START, end=END)}

    row = rows[str(mission.cla_profile)]
    assert row["alerts_logged"] == 2
    assert row["daily_submitted"] == 3
    assert row["daily_on_time"] == 2
    assert row["trainings_attended"] == 1
    assert row["location"] == mission.base_a.name
    assert str(mission.cla_b.cla_profile) not in rows  # another field office


@pytest.mark.django_db
def test_query_count_does_not_grow_with_clas(mission, django_assert_max_num_queries) -> None:
    for _ in range(10):
        f.DeploymentFactory(location=mission.base_a)
    with django_assert_max_num_queries(5):
        rows = cla_performance(user=mission.hq, start=START, end=END)
    assert len(rows) == 12
    per_location = {r["location"]: r["clas"] for r in location_performance(rows)}
    assert per_location == {mission.base_a.name: 11, mission.base_b.name: 1}


@pytest.mark.django_db
def test_clas_and_officers_get_no_monitoring_rows(mission) -> None:
    assert cla_performance(user=mission.cla, start=START, end=END) == []
    assert cla_performance(user=mission.force, start=START, end=END) == []
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_cla_never_deployed_has_an_empty_location_and_per_location_totals_still_work(
    mission,
) -> None:
    f.CLAFactory()  # no deployment: HQ sees every CLA

    rows = cla_performance(user=mission.hq, start=START, end=END)

    expected = sorted(["", mission.base_a.name, mission.base_b.name])
    assert sorted(r["location"] for r in rows) == expected
    assert [r["location"] for r in location_performance(rows)] == expected
