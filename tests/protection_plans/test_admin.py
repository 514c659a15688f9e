from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from protection_plans.models import Measure, ProtectionPlan
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

PLAN_MODELS = sorted(
    model._meta.label
    for model in admin.site._registry
    if model._meta.app_label == "protection_plans"
)


def url(model_label: str, view: str, *args: object) -> str:
    app_label, model_name = model_label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client: Client, mission: Mission) -> Client:
    client.force_login(mission.admin)
    return client


@pytest.fixture
def plan(mission: Mission) -> ProtectionPlan:
    plan = f.PlanFactory(location=mission.base_a, summary="Market road and river crossing")
    f.PlanVersionFactory(plan=plan, number=1, created_by=mission.cla)
    threat = f.ThreatFactory(plan=plan, perpetrators="Armed herders")
    f.VulnerableGroupFactory(plan=plan)
    f.MeasureFactory(plan=plan, threat=threat)
    return plan


@pytest.mark.parametrize("model_label", PLAN_MODELS)
def test_admin_pages_load_with_data(
    superuser_client: Client, plan: ProtectionPlan, model_label: str
) -> None:
    model = apps.get_model(model_label)
    obj = model._default_manager.first()
    assert obj is not None, "the fixture must create a row of every model"

    assert superuser_client.get(url(model_label, "changelist")).status_code == 200
    assert superuser_client.get(url(model_label, "changelist"), {"q": "a"}).status_code == 200
    assert superuser_client.get(url(model_label, "add")).status_code == 200
    assert superuser_client.get(url(model_label, "change", obj.pk)).status_code == 200


def test_plan_search_finds_by_location(
    superuser_client: Client, plan: ProtectionPlan, mission: Mission
) -> None:
    f.PlanFactory(location=mission.base_b)

    response = superuser_client.get(
        url("protection_plans.ProtectionPlan", "changelist"), {"q": "ippy"}
    )

    assert list(response.context["cl"].result_list) == [plan]


def test_plan_page_edits_every_part_inline(superuser_client: Client, plan: ProtectionPlan) -> None:
    response = superuser_client.get(url("protection_plans.ProtectionPlan", "change", plan.pk))

    inline_models = {
        formset.formset.model._meta.model_name
        for formset in response.context["inline_admin_formsets"]
    }
    assert inline_models == {"planversion", "threat", "vulnerablegroup", "measure"}


def test_measures_offer_only_the_threats_of_their_plan(
    superuser_client: Client, plan: ProtectionPlan, mission: Mission
) -> None:
    other_threat = f.ThreatFactory(plan=f.PlanFactory(location=mission.base_b))

    response = superuser_client.get(url("protection_plans.ProtectionPlan", "change", plan.pk))

    measures = next(
        formset.formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model._meta.model_name == "measure"
    )
    offered = set(measures.forms[0].fields["threat"].queryset)
    assert offered == set(plan.threats.all())
    assert other_threat not in offered


# --- writes go through protection_plans.services -------------------------------------------

INLINES = ("versions", "threats", "vulnerable_groups", "measures")


def plan_post(plan_fields: dict[str, object], **inlines: list[dict[str, object]]) -> dict:
    """The POST of the plan page: the plan's fields and the rows of each inline."""
    data: dict[str, object] = {"review_cycle_months": 6, "summary": "", **plan_fields}
    for prefix in INLINES:
        rows = inlines.get(prefix, [])
        initial = sum(1 for row in rows if "id" in row)
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    return data


def test_a_plan_is_added_with_its_threats(superuser_client: Client, mission: Mission) -> None:
    category = f.CategoryFactory()

    response = superuser_client.post(
        url("protection_plans.ProtectionPlan", "add"),
        plan_post(
            {
                "location": mission.base_b.pk,
                "status": "active",
                "adopted_on": "2025-03-01",
                "next_review_due": "2025-09-01",
            },
            threats=[{"category": category.pk, "likelihood": 4, "impact": 5}],
        ),
    )

    assert response.status_code == 302
    plan = ProtectionPlan.objects.get(location=mission.base_b)
    assert plan.status == ProtectionPlan.Status.ACTIVE
    assert [(t.category, t.risk) for t in plan.threats.all()] == [(category, 20)]


def test_a_plan_in_force_without_adoption_date_is_refused_on_the_field(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.post(
        url("protection_plans.ProtectionPlan", "add"),
        plan_post({"location": mission.base_b.pk, "status": "active"}),
    )

    assert response.status_code == 200
    assert "adopted_on" in response.context["adminform"].form.errors
    assert not ProtectionPlan.objects.filter(location=mission.base_b).exists()


def test_a_measure_refuses_a_threat_of_another_plan(
    superuser_client: Client, plan: ProtectionPlan, mission: Mission
) -> None:
    elsewhere = f.ThreatFactory(plan=f.PlanFactory(location=mission.base_b))

    response = superuser_client.post(
        url("protection_plans.Measure", "add"),
        {
            "plan": plan.pk,
            "threat": elsewhere.pk,
            "action": "Escort to the market",
            "responsible": "Battalion",
            "status": "planned",
        },
    )

    assert response.status_code == 200
    assert "threat" in response.context["adminform"].form.errors
    assert not plan.measures.filter(action="Escort to the market").exists()


def test_an_archived_plan_keeps_its_measures_as_they_were(
    superuser_client: Client, plan: ProtectionPlan
) -> None:
    plan.status = ProtectionPlan.Status.ARCHIVED
    plan.save()
    measure = plan.measures.get()
    fields = {
        "location": plan.location_id,
        "status": "archived",
        "adopted_on": "2024-03-01",
        "next_review_due": "2025-03-01",
        "summary": "Replaced by the 2026 plan",
    }
    row = {
        "id": measure.pk,
        "plan": plan.pk,
        "threat": measure.threat_id,
        "action": measure.action,
        "responsible": measure.responsible,
        "status": "done",
    }
    change = url("protection_plans.ProtectionPlan", "change", plan.pk)

    refused = superuser_client.post(change, plan_post(fields, measures=[row]))
    saved = superuser_client.post(change, plan_post(fields, measures=[row | {"status": "planned"}]))

    assert refused.status_code == 200
    assert saved.status_code == 302
    plan.refresh_from_db()
    measure.refresh_from_db()
    assert plan.summary == "Replaced by the 2026 plan"
    assert measure.status == Measure.Status.PLANNED


def test_a_part_edited_on_its_own_stays_with_its_plan(
    superuser_client: Client, plan: ProtectionPlan
) -> None:
    threat = plan.threats.get()

    response = superuser_client.get(url("protection_plans.Threat", "change", threat.pk))

    assert "plan" not in response.context["adminform"].form.fields
