"""A small mission whose dashboard figures are worked out by hand, for the dashboard's tests
(and the tests of the dashboards with the cache down)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from alerts.models import Alert, ThreatCategory
from clas.models import Location
from reporting.selectors import mission_today
from tests import factories as f
from tests.conftest import Mission


@dataclass
class Data:
    mission: Mission
    today: dt.date
    attack: ThreatCategory
    looting: ThreatCategory
    kaga: Location  # sector A, not in field office A's area
    alerts: dict[int, Alert]


def _alert(
    location: Location,
    category: ThreatCategory,
    *,
    days_ago: int,
    ack_minutes: int | None = None,
    response_minutes: int | None = None,
    outcome: str = "",
    queue: Any = None,
) -> Alert:
    reported = timezone.now() - dt.timedelta(days=days_ago)
    created = reported + dt.timedelta(minutes=5)
    status = Alert.Status.QUEUED
    acknowledged = responded = None
    if ack_minutes is not None:
        acknowledged = created + dt.timedelta(minutes=ack_minutes)
        status = Alert.Status.ACKNOWLEDGED
    if response_minutes is not None:
        responded = created + dt.timedelta(minutes=response_minutes)
        status = Alert.Status.RESPONDED
    return f.AlertFactory(
        location=location,
        category=category,
        reported_at=reported,
        occurred_at=reported - dt.timedelta(hours=1),
        created_at=created,
        acknowledged_at=acknowledged,
        responded_at=responded,
        outcome=outcome,
        status=status,
        queue=queue,
    )


def build_data(m: Mission) -> Data:
    """A small mission whose figures are worked out by hand in the tests.

    Prefectures: Ouaka (Bambari, Ippy), Nana-Mambere (Bouar, Baboua), Kemo (Kaga).
    Alerts in the last 90 days (minutes from logging to acknowledgement / response):
      1 Ippy attack 2 days ago, ack 10, response 60, confirmed
      2 Ippy attack 3 days ago, ack 30, response 120, partly confirmed
      3 Bambari looting 10 days ago, ack 120, response 30, false alarm
      4 Bouar attack 20 days ago, ack 600 (10 h), not confirmed
      5 Baboua looting 40 days ago, ack 1500 (25 h)
      6 Ippy attack 1 day ago, not acknowledged
      8 Kaga looting 5 days ago, not acknowledged
    and 7, at Bambari 120 days ago, outside the period.
    """
    today = mission_today()
    attack = f.CategoryFactory(code="attack")
    looting = f.CategoryFactory(code="looting", name_en="Looting", name_fr="Pillage")
    kaga = f.LocationFactory(name="Kaga", sector=m.sector_a, prefecture="Kemo")
    Location.objects.filter(pk__in=[m.office_a.pk, m.base_a.pk]).update(prefecture="Ouaka")
    Location.objects.filter(pk__in=[m.office_b.pk, m.base_b.pk]).update(prefecture="Nana-Mambere")
    qa, qb = m.queue_a, m.queue_b
    alerts = {
        1: _alert(m.base_a, attack, days_ago=2, ack_minutes=10, response_minutes=60, outcome="confirmed", queue=qa),
        2: _alert(m.base_a, attack, days_ago=3, ack_minutes=30, response_minutes=120, outcome="partly", queue=qa),
        3: _alert(m.office_a, looting, days_ago=10, ack_minutes=120, response_minutes=30, outcome="false", queue=qa),
        4: _alert(m.office_b, attack, days_ago=20, ack_minutes=600, outcome="not_confirmed", queue=qb),
        5: _alert(m.base_b, looting, days_ago=40, ack_minutes=1500, queue=qb),
        6: _alert(m.base_a, attack, days_ago=1, queue=qa),
        7: _alert(m.office_a, attack, days_ago=120, ack_minutes=5, queue=qa),
        8: _alert(kaga, looting, days_ago=5, queue=qa),
    }  # fmt: skip
    # Networks: Bambari active, Ippy dormant, Bouar dissolved (not counted).
    f.NetworkFactory(location=m.office_a, volunteers_women=20, volunteers_men=40)
    f.NetworkFactory(location=m.base_a, status="dormant", volunteers_women=5, volunteers_men=10)
    f.NetworkFactory(
        location=m.office_b, status="dissolved", volunteers_women=100, volunteers_men=100
    )
    # CLAs: the fixture's two women at Ippy and Baboua, a man at Bambari; a past one at Bouar.
    f.DeploymentFactory(cla=f.CLAFactory(gender="male"), location=m.office_a)
    f.DeploymentFactory(
        cla=f.CLAFactory(gender="male"),
        location=m.office_b,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=100),
    )
    # Plans: Bambari overdue, Ippy draft, Bouar due soon, Baboua archived (not listed).
    f.PlanFactory(location=m.office_a, next_review_due=today - dt.timedelta(days=10))
    f.PlanFactory(location=m.base_a, status="draft", next_review_due=None)
    f.PlanFactory(location=m.office_b, next_review_due=today + dt.timedelta(days=5))
    f.PlanFactory(
        location=m.base_b, status="archived", next_review_due=today - dt.timedelta(days=1)
    )
    return Data(mission=m, today=today, attack=attack, looting=looting, kaga=kaga, alerts=alerts)
