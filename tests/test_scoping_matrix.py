"""Every role against every model it reaches (people, places, plans, alerts, reports), on
the page and on the API.

For each pair one object is made inside the role's scope and one outside (base_a and base_b
of the `mission` fixture): lists show only the first, detail pages and endpoints answer 404
for the second. HQ staff and admins see the whole mission, so both objects. Alerts are also
checked on the triangulation queue, and reports on their downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from alerts.models import Alert
from clas.models import Location
from reporting.models import Report
from tests import factories as f
from tests.conftest import Mission

ROLES = ["cla", "coordinator", "force", "hq", "admin"]
MISSION_WIDE = {"hq", "admin"}


@dataclass(frozen=True)
class Target:
    page_list: str
    page_detail: str
    api_basename: str
    build: Callable[[Mission, Location], Any]


def _sector(mission: Mission, location: Location) -> Any:
    return location.sector


def _location(mission: Mission, location: Location) -> Any:
    return location


def _cla(mission: Mission, location: Location) -> Any:
    return f.DeploymentFactory(location=location).cla


def _deployment(mission: Mission, location: Location) -> Any:
    return f.DeploymentFactory(location=location)


def _network(mission: Mission, location: Location) -> Any:
    return f.NetworkFactory(location=location)


def _training(mission: Mission, location: Location) -> Any:
    return f.TrainingFactory(location=location)


def _plan(mission: Mission, location: Location) -> Any:
    return f.PlanFactory(location=location)


def _alert(mission: Mission, location: Location) -> Any:
    """Queued on its sector's queue: a Force officer reaches it through the queue."""
    queue = mission.queue_a if location.sector_id == mission.sector_a.pk else mission.queue_b
    return f.AlertFactory(location=location, queue=queue, status=Alert.Status.QUEUED)


def _report(mission: Mission, location: Location) -> Any:
    """A compiled report of the location and its sector, with its files: a CLA and a
    coordinator reach it by the location, a Force officer by the sector."""
    report = f.ReportFactory(
        origin=Report.Origin.COMPILED,
        scope=Report.Scope.LOCATION,
        location=location,
        sector=location.sector,
        status=Report.Status.PUBLISHED,
        title=f"Compiled report of {location.name}",
        html="<article class='report'><h1>Compiled</h1></article>",
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    report.csv.save("report.csv", ContentFile(b"reference\nALT-1\n"), save=False)
    report.save()
    return report


TARGETS = {
    "sector": Target("clas:sector_list", "clas:sector_detail", "sector", _sector),
    "location": Target("clas:location_list", "clas:location_detail", "location", _location),
    "cla": Target("clas:cla_list", "clas:cla_detail", "cla", _cla),
    "deployment": Target(
        "clas:deployment_list", "clas:deployment_detail", "deployment", _deployment
    ),
    "network": Target("clas:network_list", "clas:network_detail", "network", _network),
    "training": Target("clas:training_list", "clas:training_detail", "training", _training),
    "plan": Target("protection_plans:plan_list", "protection_plans:plan_detail", "plan", _plan),
    "alert": Target("alerts:alert_list", "alerts:alert_detail", "alert", _alert),
    "report": Target("reporting:report_list", "reporting:report_detail", "report", _report),
}
WORKS_QUEUES = {"force", "hq", "admin"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=list(TARGETS))
def target(request: pytest.FixtureRequest) -> Target:
    return TARGETS[request.param]


@pytest.fixture
def objects(mission: Mission, target: Target) -> tuple[Any, Any]:
    """One object at base_a (inside every role's scope), one at base_b (outside it)."""
    return target.build(mission, mission.base_a), target.build(mission, mission.base_b)


@pytest.fixture
def signed_in(client: Client, mission: Mission, role: str) -> Client:
    client.force_login(mission.user(role))
    return client


def test_page_list_shows_only_objects_in_scope(
    signed_in: Client, role: str, target: Target, objects: tuple[Any, Any]
) -> None:
    inside, outside = objects

    response = signed_in.get(reverse(target.page_list))

    assert response.status_code == 200
    shown = {row.pk for row in response.context["page_obj"]}
    html = response.content.decode()
    assert inside.pk in shown
    assert f'href="{reverse(target.page_detail, args=[inside.pk])}"' in html
    assert (outside.pk in shown) is (role in MISSION_WIDE)
    link_to_outside = f'href="{reverse(target.page_detail, args=[outside.pk])}"'
    assert (link_to_outside in html) is (role in MISSION_WIDE)


def test_page_detail_is_found_in_scope_and_404_outside(
    signed_in: Client, role: str, target: Target, objects: tuple[Any, Any]
) -> None:
    inside, outside = objects

    assert signed_in.get(reverse(target.page_detail, args=[inside.pk])).status_code == 200
    expected = 200 if role in MISSION_WIDE else 404
    assert signed_in.get(reverse(target.page_detail, args=[outside.pk])).status_code == expected


def test_api_list_returns_only_objects_in_scope(
    signed_in: Client, role: str, target: Target, objects: tuple[Any, Any]
) -> None:
    inside, outside = objects

    response = signed_in.get(reverse(f"{target.api_basename}-list"))

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert inside.pk in ids
    assert (outside.pk in ids) is (role in MISSION_WIDE)


def test_api_detail_is_found_in_scope_and_404_outside(
    signed_in: Client, role: str, target: Target, objects: tuple[Any, Any]
) -> None:
    inside, outside = objects
    detail = f"{target.api_basename}-detail"

    response = signed_in.get(reverse(detail, args=[inside.pk]))
    assert response.status_code == 200
    assert response.json()["id"] == inside.pk

    response = signed_in.get(reverse(detail, args=[outside.pk]))
    if role in MISSION_WIDE:
        assert response.status_code == 200
        assert response.json()["id"] == outside.pk
    else:
        assert response.status_code == 404
        assert "id" not in response.json()


# --- alerts on the triangulation queue, reports on their downloads -------------------------


@pytest.fixture
def alerts(mission: Mission) -> tuple[Any, Any]:
    return _alert(mission, mission.base_a), _alert(mission, mission.base_b)


@pytest.mark.parametrize("url", ["alerts:queue", "alerts:queue_rows"])
def test_queue_shows_only_alerts_in_scope_to_who_works_the_queues(
    signed_in: Client, role: str, alerts: tuple[Any, Any], url: str
) -> None:
    inside, outside = alerts

    response = signed_in.get(reverse(url))

    if role not in WORKS_QUEUES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["rows"]}
    assert inside.pk in shown
    assert (outside.pk in shown) is (role in MISSION_WIDE)


def test_api_queues_are_only_those_in_scope(
    signed_in: Client, role: str, mission: Mission, alerts: tuple[Any, Any]
) -> None:
    response = signed_in.get(reverse("queue-list"))

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    expected = {
        "cla": set(),
        "coordinator": set(),
        "force": {mission.queue_a.pk},
    }.get(role, {mission.queue_a.pk, mission.queue_b.pk})
    assert ids == expected
    for queue in (mission.queue_a, mission.queue_b):
        found = signed_in.get(reverse("queue-detail", args=[queue.pk])).status_code
        assert found == (200 if queue.pk in expected else 404)


@pytest.mark.parametrize("download", ["reporting:report_pdf", "reporting:report_csv"])
def test_report_downloads_are_found_in_scope_and_404_outside(
    signed_in: Client, role: str, mission: Mission, download: str
) -> None:
    inside, outside = _report(mission, mission.base_a), _report(mission, mission.base_b)

    response = signed_in.get(reverse(download, args=[inside.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    expected = 200 if role in MISSION_WIDE else 404
    assert signed_in.get(reverse(download, args=[outside.pk])).status_code == expected
