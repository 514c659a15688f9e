"""The place pages show what the apps built on clas register about a location."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clas import sections
from clas.models import User
from clas.sections import LOCATION_DETAIL, NETWORK_DETAIL, section_register
from tests import factories as f
from tests.conftest import Mission

PLAN_TEMPLATE = "protection_plans/_network_plan.html"


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[sections.Section]]:
    """An empty registry for the test, whatever the installed apps registered."""
    empty: dict[str, list[sections.Section]] = {LOCATION_DETAIL: [], NETWORK_DETAIL: []}
    monkeypatch.setattr(sections, "_SECTIONS", empty)
    return empty


def no_plan(*, user: User, location_id: int) -> dict[str, Any]:
    return {"plan": None}


def test_the_location_page_stands_without_any_section(
    client: Client, mission: Mission, registry: dict
) -> None:
    f.PlanFactory(location=mission.base_a)
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_detail", args=[mission.base_a.pk]))

    assert response.status_code == 200
    assert "Community Protection Plan" not in response.content.decode()


def test_a_registered_section_shows_on_its_page_only(
    client: Client, mission: Mission, registry: dict
) -> None:
    section_register(NETWORK_DETAIL, template=PLAN_TEMPLATE, context=no_plan)
    network = f.NetworkFactory(location=mission.base_a)
    client.force_login(mission.coordinator)

    network_page = client.get(reverse("clas:network_detail", args=[network.pk]))
    location_page = client.get(reverse("clas:location_detail", args=[mission.base_a.pk]))

    assert "No plan yet" in network_page.content.decode()
    assert "No plan yet" not in location_page.content.decode()


def test_a_section_registered_twice_shows_once(registry: dict) -> None:
    section_register(LOCATION_DETAIL, template=PLAN_TEMPLATE, context=no_plan)
    section_register(LOCATION_DETAIL, template=PLAN_TEMPLATE, context=no_plan)

    assert len(registry[LOCATION_DETAIL]) == 1


def test_a_section_for_an_unknown_page_fails_at_registration(registry: dict) -> None:
    with pytest.raises(KeyError):
        section_register("cla_detail", template=PLAN_TEMPLATE, context=no_plan)
