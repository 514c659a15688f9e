"""The plan of a location on the place pages of clas, as protection_plans registers it."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import Mission


def test_the_network_page_links_to_the_plan_of_its_location(
    client: Client, mission: Mission
) -> None:
    plan = f.PlanFactory(location=mission.base_a)
    network = f.NetworkFactory(location=mission.base_a)
    client.force_login(mission.cla)

    response = client.get(reverse("clas:network_detail", args=[network.pk]))

    assert reverse("protection_plans:plan_detail", args=[plan.pk]) in response.content.decode()


def test_the_location_page_says_when_the_review_is_due(client: Client, mission: Mission) -> None:
    f.PlanFactory(location=mission.base_a, next_review_due=dt.date(2026, 7, 14))
    client.force_login(mission.coordinator)

    response = client.get(reverse("clas:location_detail", args=[mission.base_a.pk]))

    assert "review due July 14, 2026" in response.content.decode()
