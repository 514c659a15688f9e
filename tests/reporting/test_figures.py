from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts.models import Alert
from reporting.figures import confirmed_share, networks_summary, percentile, response_times
from tests import factories as f


def test_percentile_interpolates_between_ranks() -> None:
    # Sorted: 10, 20, 30, 40. Median at rank 1.5 -> 25; p90 at rank 2.7 -> 30 + 0.7 * 10 = 37.
    assert percentile([40, 10, 30, 20], 0.5) == 25
    assert percentile([40, 10, 30, 20], 0.9) == pytest.approx(37)
    assert percentile([5], 0.9) == 5
    assert percentile([], 0.5) is None


@pytest.mark.django_db
def test_response_times_are_measured_from_logging(mission) -> None:
    logged = timezone.now() - dt.timedelta(hours=5)
    for minutes in (2, 4, 6, 8, 100):
        f.AlertFactory(
            location=mission.base_a,
            created_at=logged,
            acknowledged_at=logged + dt.timedelta(minutes=minutes),
            responded_at=logged + dt.timedelta(minutes=minutes * 2),
        )
    f.AlertFactory(location=mission.base_a, created_at=logged)  # not acknowledged: not counted

    times = response_times(Alert.objects.all())

    assert times["acknowledge"]["count"] == 5
    assert times["acknowledge"]["median"] == 6 * 60
    # Ranks 0..4, p90 at 3.6 -> 8 + 0.6 * (100 - 8) = 63.2 minutes.
    assert times["acknowledge"]["p90"] == pytest.approx(63.2 * 60)
    assert times["response"]["median"] == 12 * 60


@pytest.mark.django_db
def test_confirmed_share_counts_partly_confirmed_among_recorded_outcomes(mission) -> None:
    for outcome in ("confirmed", "partly", "not_confirmed", "false", ""):
        f.AlertFactory(location=mission.base_a, outcome=outcome)

    assert confirmed_share(Alert.objects.all()) == pytest.approx(2 / 4)
    assert confirmed_share(Alert.objects.none()) is None


@pytest.mark.django_db
def test_silent_networks_are_active_ones_without_sign_of_life_for_30_days(mission) -> None:
    end = dt.date(2026, 6, 30)
    start = dt.date(2026, 6, 24)
    quiet = f.NetworkFactory(
        name="Quiet", location=mission.base_a, last_activity_on=dt.date(2026, 5, 1)
    )
    f.NetworkFactory(name="Busy", location=mission.base_a, last_activity_on=dt.date(2026, 6, 20))
    reporting = f.NetworkFactory(name="Reporting", location=mission.base_a, last_activity_on=None)
    f.AlertFactory(
        location=mission.base_a,
        source_can=reporting,
        reported_at=timezone.make_aware(dt.datetime(2026, 6, 25, 10)),
        occurred_at=timezone.make_aware(dt.datetime(2026, 6, 25, 9)),
    )
    f.NetworkFactory(
        name="New",
        location=mission.base_a,
        established_on=dt.date(2026, 6, 26),
        last_activity_on=end,
    )
    f.NetworkFactory(name="Dormant", location=mission.base_a, status="dormant")

    summary = networks_summary(type(quiet).objects.all(), start=start, end=end)

    assert summary["new"] == 1
    assert summary["active"] == 3  # Busy, Reporting, New
    assert summary["silent"] == 1
    assert summary["silent_networks"] == [{"name": "Quiet", "location": mission.base_a.name}]
