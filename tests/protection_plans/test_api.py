"""API of Community Protection Plans: payloads, filters, errors, queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import ThreatCategory
from protection_plans.models import ProtectionPlan, VulnerableGroup
from tests import factories as f
from tests.conftest import Mission


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_anonymous_requests_are_refused(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(location=mission.base_a)

    assert client.get(reverse("plan-list")).status_code in (401, 403)
    assert client.get(reverse("plan-detail", args=[plan.pk])).status_code in (401, 403)


def test_plan_list_rows_name_the_location_and_sector(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(location=mission.base_a, summary="Market days are the riskiest.")
    client.force_login(mission.cla)

    row = client.get(reverse("plan-list")).json()["results"][0]

    assert row["id"] == plan.pk
    assert row["location"]["name"] == "Ippy"
    assert row["location"]["sector"]["code"] == "SA"
    assert row["status"] == "active"
    assert row["summary"] == "Market days are the riskiest."
    assert "threats" not in row


def test_plan_detail_has_threats_by_risk_groups_measures_and_versions(
    client: Client, mission: Mission
) -> None:
    plan = f.PlanFactory(location=mission.base_a)
    low = f.ThreatFactory(
        plan=plan, category=ThreatCategory.objects.get(code="looting"), likelihood=1, impact=2
    )
    high = f.ThreatFactory(
        plan=plan, category=ThreatCategory.objects.get(code="killing"), likelihood=4, impact=5
    )
    f.VulnerableGroupFactory(plan=plan, group=VulnerableGroup.Group.WOMEN_GIRLS)
    f.MeasureFactory(plan=plan, threat=high, status="done")
    f.PlanVersionFactory(plan=plan, number=1, participants_women=9, participants_men=12)
    client.force_login(mission.coordinator)

    body = client.get(reverse("plan-detail", args=[plan.pk])).json()

    assert [t["id"] for t in body["threats"]] == [high.pk, low.pk]
    assert body["threats"][0]["risk"] == 20
    assert body["threats"][0]["category"] == "killing"
    assert body["vulnerable_groups"][0]["group"] == "women_girls"
    assert body["measures"][0]["threat"] == high.pk
    assert body["measures"][0]["status"] == "done"
    version = body["versions"][0]
    assert (version["participants_women"], version["participants_men"]) == (9, 12)


def test_plans_filter_by_status_and_sector(client: Client, mission: Mission) -> None:
    draft = f.PlanFactory(location=mission.base_a, status=ProtectionPlan.Status.DRAFT)
    active_b = f.PlanFactory(location=mission.base_b)
    client.force_login(mission.hq)
    url = reverse("plan-list")

    assert _ids(client.get(url, {"status": "draft"})) == [draft.pk]
    assert _ids(client.get(url, {"sector": mission.sector_b.pk})) == [active_b.pk]


def test_plans_filter_by_review_overdue(client: Client, mission: Mission) -> None:
    today = timezone.localdate()
    late = f.PlanFactory(location=mission.base_a, next_review_due=today - dt.timedelta(days=1))
    due_today = f.PlanFactory(location=mission.office_a, next_review_due=today)
    f.PlanFactory(
        location=mission.base_b,
        status=ProtectionPlan.Status.ARCHIVED,
        next_review_due=today - dt.timedelta(days=100),
    )
    client.force_login(mission.hq)
    url = reverse("plan-list")

    overdue = client.get(url, {"review_overdue": "true"}).json()["results"]
    assert [row["id"] for row in overdue] == [late.pk]
    assert overdue[0]["review_overdue"] is True
    not_overdue = _ids(client.get(url, {"review_overdue": "false"}))
    assert due_today.pk in not_overdue and late.pk not in not_overdue


def test_invalid_filter_values_answer_400_naming_the_field(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.hq)
    url = reverse("plan-list")

    for params, field in [
        ({"status": "burnt"}, "status"),
        ({"sector": "x"}, "sector"),
        ({"review_overdue": "sometimes"}, "review_overdue"),
    ]:
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert field in response.json()


def test_a_sector_outside_the_scope_is_refused_as_a_filter(
    client: Client, mission: Mission
) -> None:
    client.force_login(mission.force)

    response = client.get(reverse("plan-list"), {"sector": mission.sector_b.pk})

    assert response.status_code == 400
    assert "sector" in response.json()


def test_plans_order_by_next_review_due(client: Client, mission: Mission) -> None:
    soon = f.PlanFactory(location=mission.base_a, next_review_due=dt.date(2026, 1, 1))
    later = f.PlanFactory(location=mission.office_a, next_review_due=dt.date(2027, 1, 1))
    client.force_login(mission.coordinator)
    url = reverse("plan-list")

    assert _ids(client.get(url, {"ordering": "next_review_due"})) == [soon.pk, later.pk]
    assert _ids(client.get(url, {"ordering": "-next_review_due"})) == [later.pk, soon.pk]


def test_plan_list_makes_the_same_number_of_queries_for_2_or_20_rows(
    client: Client, mission: Mission, django_assert_num_queries: Any
) -> None:
    url = reverse("plan-list")
    client.force_login(mission.hq)
    client.get(url)
    f.PlanFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    f.PlanFactory.create_batch(18)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.json()["count"] == 20


def test_plan_detail_makes_the_same_number_of_queries_however_long_the_plan(
    client: Client, mission: Mission, django_assert_num_queries: Any
) -> None:
    plan = f.PlanFactory(location=mission.base_a)
    url = reverse("plan-detail", args=[plan.pk])
    category = ThreatCategory.objects.get(code="attack")

    def grow(n: int) -> None:
        for _ in range(n):
            threat = f.ThreatFactory(plan=plan, category=category)
            f.MeasureFactory(plan=plan, threat=threat)
            f.VulnerableGroupFactory(plan=plan)
            f.PlanVersionFactory(plan=plan)

    client.force_login(mission.cla)
    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(18)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert len(response.json()["threats"]) == 20
