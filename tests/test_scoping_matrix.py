"""Every role against every model it reaches (people, places, plans, alerts, reports), on
the page and on the API.

For each pair one object is made inside the role's scope and one outside (base_a and base_b
of the `mission` fixture): lists show only the first, detail pages and endpoints answer 404
for the second. HQ staff and admins see the whole mission, so both objects. Alerts are also
checked on the triangulation queue, and reports on their downloads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.selectors import alert_list
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
    shown = {row.pk for row in response.context["rows"]}
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
    # The stored file, or the report compiled for a reader who may see less (reporting.copies).
    assert b"".join(response.streaming_content) if response.streaming else response.content
    expected = 200 if role in MISSION_WIDE else 404
    assert signed_in.get(reverse(download, args=[outside.pk])).status_code == expected


# --- the CLA's follow-up of an alert (page and API) ----------------------------------------

# An alert at base_a logged by another CLA: only the coordinator of the area may follow it up
# (an empty post: 400, the input is wrong, not the user); the others reach it or not (403 or
# 404). At base_b, outside every scope but the mission-wide roles'.
FOLLOW_UP_INSIDE = {"cla": 403, "coordinator": 400, "force": 403, "hq": 403, "admin": 403}


@pytest.mark.parametrize("what", ["note", "community-informed"])
def test_follow_up_page_and_api_are_scoped(
    signed_in: Client, role: str, alerts: tuple[Any, Any], what: str
) -> None:
    inside, outside = alerts
    api_path = {"note": "follow-up-note", "community-informed": "community-informed"}[what]

    for alert, expected in ((inside, FOLLOW_UP_INSIDE[role]), (outside, None)):
        if expected is None:
            expected = 403 if role in MISSION_WIDE else 404
        page = signed_in.post(reverse("alerts:alert_follow_up", args=[alert.pk, what]), {})
        api = signed_in.post(f"/api/v1/alerts/{alert.pk}/{api_path}/", {})
        assert (page.status_code, api.status_code) == (expected, expected), (alert, role)
    assert not inside.events.exists() and not outside.events.exists()


def test_notifications_are_each_ones_own(signed_in: Client, role: str, mission: Mission) -> None:
    response = signed_in.get(reverse("notifications:list"))

    assert response.status_code == (200 if role == "cla" else 403)


# --- every export and download keeps the reader's alert scope ------------------------------

# An alert at base_a routed to sector B's queue: the Force officer of sector A may not see it
# (404 on the alert), though it lies in their sector. CLAs and coordinators see it by its
# location; HQ and admins see everything. The CSV of any compiled report each role may read
# lists exactly the alerts of its scope that alerts.selectors.alert_list gives the reader.


@pytest.fixture
def routed_away(mission: Mission) -> Alert:
    return f.AlertFactory(
        location=mission.base_a,
        queue=mission.queue_b,
        status=Alert.Status.QUEUED,
        place="Kpokolo",
        description="Two women assaulted at the water point.",
        victims_sexual_violence=2,
    )


def _compiled_reports(mission: Mission) -> list[tuple[Report, dict[str, Any]]]:
    """A compiled report of the mission, of sector A and of base_a, over yesterday and today,
    each with the lookup of the alerts it covers."""
    from reporting.services import report_compile

    today = timezone.localdate()
    period = {"start": today - dt.timedelta(days=1), "end": today}
    location = _report(mission, mission.base_a)
    location.period_start, location.period_end = period["start"], period["end"]
    location.save()
    return [
        (report_compile(kind=Report.Kind.DAILY, **period), {}),
        (
            report_compile(kind=Report.Kind.DAILY, **period, sector_id=mission.sector_a.pk),
            {"location__sector": mission.sector_a},
        ),
        (location, {"location": mission.base_a}),
    ]


def _csv_references(body: bytes) -> set[str]:
    """The first column of the rows (the header, in the report language, left out)."""
    return {row[0] for row in list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]}


def test_report_exports_list_exactly_the_alerts_of_the_reader_s_scope(
    signed_in: Client, role: str, mission: Mission, alerts: tuple[Any, Any], routed_away: Alert
) -> None:
    user = mission.user(role)
    assert alert_list(user=user).filter(pk=routed_away.pk).exists() is (role != "force")
    readable = 0
    for report, covers in _compiled_reports(mission):
        response = signed_in.get(reverse("reporting:report_csv", args=[report.pk]))
        if response.status_code == 404:
            continue
        readable += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        expected = alert_list(user=user).filter(**covers).values_list("reference", flat=True)
        if report.scope != Report.Scope.LOCATION or role not in MISSION_WIDE:
            # (a location's report of the matrix is stored with stand-in files and figures)
            assert _csv_references(body) == set(expected), (role, report.scope)
            api = signed_in.get(f"/api/v1/reports/{report.pk}/").json()
            assert api["figures"]["total"] == len(expected)
        assert signed_in.get(reverse("reporting:report_pdf", args=[report.pk])).status_code == 200
    assert readable == {"cla": 1, "coordinator": 2, "force": 3, "hq": 3, "admin": 3}[role]


def test_the_force_never_downloads_an_alert_of_another_sector_s_queue(
    signed_in: Client, role: str, mission: Mission, routed_away: Alert
) -> None:
    for report, _covers in _compiled_reports(mission)[:2]:
        response = signed_in.get(reverse("reporting:report_csv", args=[report.pk]))
        if response.status_code == 404:
            # Compiled reports are not the CLAs'; of the mission, not the coordinators'.
            assert role in ("cla", "coordinator")
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # The coordinator sees it by its location, in their area.
        assert (routed_away.reference in _csv_references(body)) is (role != "force")
        pdf = signed_in.get(reverse("reporting:report_pdf", args=[report.pk]))
        assert pdf.status_code == 200
        detail = signed_in.get(reverse("reporting:report_detail", args=[report.pk]))
        total = f'id="fig-total">{0 if role == "force" else 1}<'
        assert total in detail.content.decode()


def test_dashboard_csv_counts_only_alerts_in_scope(
    signed_in: Client, role: str, mission: Mission, routed_away: Alert
) -> None:
    response = signed_in.get(reverse("reporting:dashboard_csv", args=["alerts_by_location"]))

    if role == "cla":
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    ippy = [row for row in rows if row["Location"] == "Ippy"]
    counted = sum(int(row["Alerts"]) for row in ippy)
    assert counted == (0 if role == "force" else 1)
