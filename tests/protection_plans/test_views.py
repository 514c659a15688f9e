"""Pages of Community Protection Plans: what the detail shows, filters, paging, queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import ThreatCategory
from protection_plans.models import Measure, ProtectionPlan, VulnerableGroup
from tests import factories as f
from tests.conftest import Mission


def _rows(response: Any) -> list[Any]:
    return list(response.context["page_obj"])


def _full_plan(location: Any) -> ProtectionPlan:
    plan = f.PlanFactory(location=location)
    killing = ThreatCategory.objects.get(code="killing")
    looting = ThreatCategory.objects.get(code="looting")
    f.ThreatFactory(plan=plan, category=looting, likelihood=2, impact=2)
    worst = f.ThreatFactory(plan=plan, category=killing, likelihood=5, impact=4)
    f.VulnerableGroupFactory(plan=plan, group=VulnerableGroup.Group.DISPLACED, estimated_size=840)
    f.MeasureFactory(plan=plan, threat=worst, action="Escort to the fields", status="in_progress")
    f.MeasureFactory(plan=plan, action="Radio relay on the hill", status=Measure.Status.DONE)
    f.PlanVersionFactory(plan=plan, number=1, participants_women=14, participants_men=21)
    f.PlanVersionFactory(plan=plan, number=2, authorities_present=3)
    return plan


def test_plan_list_sends_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    url = reverse("protection_plans:plan_list")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_plan_detail_sends_anonymous_visitors_to_sign_in(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(location=mission.base_a)

    response = client.get(reverse("protection_plans:plan_detail", args=[plan.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_plan_detail_shows_threats_highest_risk_first(client: Client, mission: Mission) -> None:
    plan = _full_plan(mission.base_a)
    client.force_login(mission.cla)

    response = client.get(reverse("protection_plans:plan_detail", args=[plan.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    killing = ThreatCategory.objects.get(code="killing").name_en
    looting = ThreatCategory.objects.get(code="looting").name_en
    assert html.index(killing) < html.index(looting)
    assert ">20<" in html  # risk = likelihood 5 x impact 4


def test_plan_detail_shows_groups_measures_with_status_and_versions(
    client: Client, mission: Mission
) -> None:
    plan = _full_plan(mission.base_a)
    client.force_login(mission.coordinator)

    response = client.get(reverse("protection_plans:plan_detail", args=[plan.pk]))

    html = response.content.decode()
    assert "Displaced people" in html and "840" in html
    assert "Escort to the fields" in html and "In progress" in html
    assert "Radio relay on the hill" in html and "Done" in html
    assert ">14<" in html and ">21<" in html and ">3<" in html
    assert reverse("clas:location_detail", args=[mission.base_a.pk]) in html


def test_plan_detail_flags_an_overdue_review(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(
        location=mission.base_a, next_review_due=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(mission.cla)

    response = client.get(reverse("protection_plans:plan_detail", args=[plan.pk]))

    assert response.context["plan"].review_overdue is True
    assert "overdue" in response.content.decode()


def test_plan_list_filters_by_status(client: Client, mission: Mission) -> None:
    draft = f.PlanFactory(location=mission.base_a, status=ProtectionPlan.Status.DRAFT)
    f.PlanFactory(location=mission.office_a, status=ProtectionPlan.Status.ACTIVE)
    client.force_login(mission.coordinator)

    response = client.get(reverse("protection_plans:plan_list"), {"status": "draft"})

    assert [p.pk for p in _rows(response)] == [draft.pk]


def test_plan_list_filters_overdue_reviews(client: Client, mission: Mission) -> None:
    today = timezone.localdate()
    late = f.PlanFactory(location=mission.base_a, next_review_due=today - dt.timedelta(days=3))
    on_time = f.PlanFactory(location=mission.office_a, next_review_due=today + dt.timedelta(days=9))
    f.PlanFactory(
        location=mission.base_b,
        status=ProtectionPlan.Status.ARCHIVED,
        next_review_due=today - dt.timedelta(days=300),
    )
    client.force_login(mission.hq)
    url = reverse("protection_plans:plan_list")

    overdue = _rows(client.get(url, {"review_overdue": "true"}))
    not_overdue = _rows(client.get(url, {"review_overdue": "false", "status": "active"}))

    assert [p.pk for p in overdue] == [late.pk]
    assert [p.pk for p in not_overdue] == [on_time.pk]


@pytest.mark.parametrize(
    "params",
    [{"status": "burnt"}, {"sector": "x"}, {"review_overdue": "sometimes"}],
)
def test_plan_list_answers_garbage_filters_with_form_errors_and_no_rows(
    client: Client, mission: Mission, params: dict[str, str]
) -> None:
    f.PlanFactory(location=mission.base_a)
    client.force_login(mission.hq)

    response = client.get(reverse("protection_plans:plan_list"), params)

    assert response.status_code == 200
    assert set(params) <= set(response.context["filter"].errors)
    assert _rows(response) == []


def test_plan_list_makes_the_same_number_of_queries_for_2_or_20_rows(
    client: Client, mission: Mission, django_assert_num_queries: Any
) -> None:
    url = reverse("protection_plans:plan_list")
    client.force_login(mission.hq)
    client.get(url)
    f.PlanFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    f.PlanFactory.create_batch(18)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert len(_rows(response)) == 20


def test_plan_detail_makes_the_same_number_of_queries_however_long_the_plan(
    client: Client, mission: Mission, django_assert_num_queries: Any
) -> None:
    plan = f.PlanFactory(location=mission.base_a)
    url = reverse("protection_plans:plan_detail", args=[plan.pk])
    category = ThreatCategory.objects.get(code="attack")

    def grow(n: int) -> None:
        for _ in range(n):
            threat = f.ThreatFactory(plan=plan, category=category)
            f.MeasureFactory(plan=plan, threat=threat)
            f.VulnerableGroupFactory(plan=plan)
            f.PlanVersionFactory(plan=plan)

    client.force_login(mission.coordinator)
    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(18)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert len(response.context["measures"]) == 20
