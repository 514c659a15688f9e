from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from protection_plans.models import ProtectionPlan
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
