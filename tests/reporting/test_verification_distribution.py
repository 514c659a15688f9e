"""The Admiralty grades for HQ (/dashboard/verification/ and its API twin), and the grade in
compiled reports (CSV and PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from alerts.models import Alert
from clas.models import Role
from reporting.models import Report
from reporting.services import report_compile
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/verification/"
API = "/api/v1/dashboard/verification/"
SECRET = "Secret Informant"


def _alert(mission: Mission, grade: str = "", *, sector: str = "a", **kwargs: object) -> Alert:
    """An alert reported yesterday, graded as told ("B2"; "" for not graded)."""
    at = timezone.now() - dt.timedelta(days=1)
    values: dict[str, object] = {
        "reported_at": at,
        "occurred_at": at - dt.timedelta(hours=1),
        "created_at": at,
        "location": mission.base_a if sector == "a" else mission.base_b,
        "logged_by": mission.cla if sector == "a" else mission.cla_b,
        "source_name": SECRET,
        "source_contact": "+236 7000 0000",
        **kwargs,
    }
    if grade:
        values.update(
            source_reliability=grade[0],
            information_credibility=int(grade[1]),
            graded_by=mission.force,
            graded_at=at,
        )
    return f.AlertFactory(**values)


@pytest.fixture
def graded(mission: Mission) -> Mission:
    _alert(mission, "B2")
    _alert(mission, "B2", source_type=Alert.SourceType.LOCAL_AUTHORITY)
    _alert(mission, "C3")
    _alert(mission)  # not graded
    _alert(mission, "A1", logged_by=mission.coordinator)
    _alert(mission, "F6", sector="b")
    return mission


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_urls_are_named(db: None) -> None:
    assert reverse("reporting:dashboard_verification") == PAGE
    assert reverse("dashboard-verification") == API


def test_hq_sees_the_grades_by_source_type_and_by_cla(graded: Mission) -> None:
    body = _client(graded.hq).get(API).json()

    by_source = {row["key"]: row for row in body["by_source_type"]["rows"]}
    can = by_source[Alert.SourceType.CAN_MEMBER]
    assert can["reliability"] == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 0, "F": 1}
    assert can["credibility"] == {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 1}
    assert (can["matrix"]["B2"], can["matrix"]["C3"], can["ungraded"], can["total"]) == (
        1,
        1,
        1,
        5,
    )
    assert by_source[Alert.SourceType.LOCAL_AUTHORITY]["matrix"]["B2"] == 1
    assert body["by_source_type"]["total"]["total"] == 6

    by_cla = {row["key"]: row for row in body["by_cla"]["rows"]}
    cla_a = by_cla[str(graded.cla.pk)]
    assert (cla_a["reliability"]["B"], cla_a["reliability"]["C"], cla_a["ungraded"]) == (2, 1, 1)
    assert by_cla[str(graded.cla_b.pk)]["matrix"]["F6"] == 1
    assert by_cla["others"]["matrix"]["A1"] == 1  # logged by the coordinator


def test_an_alert_heard_from_a_cla_counts_for_that_cla(mission: Mission) -> None:
    _alert(mission, "D4", logged_by=mission.force, received_from_cla=mission.cla_profile)
    body = _client(mission.hq).get(API).json()
    assert [(row["key"], row["matrix"]["D4"]) for row in body["by_cla"]["rows"]] == [
        (str(mission.cla.pk), 1)
    ]


def test_the_page_shows_the_same_figures_as_the_api(graded: Mission) -> None:
    response = _client(graded.hq).get(PAGE)
    assert response.status_code == 200
    tables = {table["name"]: table for table in response.context["tables"]}
    body = _client(graded.hq).get(API).json()
    assert tables["by_source_type"]["total"]["total"] == body["by_source_type"]["total"]["total"]
    text = response.content.decode()
    assert '<abbr title="B: usually reliable">B</abbr>' in text
    assert (graded.cla.get_full_name() or graded.cla.username) in text


def test_a_force_officer_sees_the_grades_of_their_sector_only(graded: Mission) -> None:
    body = _client(graded.force).get(API).json()
    assert body["by_source_type"]["total"]["total"] == 0  # nothing routed to their queues

    Alert.objects.filter(location__sector=graded.sector_a).update(queue=graded.queue_a)
    body = _client(graded.force).get(API).json()
    assert body["by_source_type"]["total"]["total"] == 5
    assert body["by_source_type"]["total"]["matrix"]["F6"] == 0


def test_a_coordinator_sees_their_area(graded: Mission) -> None:
    body = _client(graded.coordinator).get(API).json()
    assert body["by_source_type"]["total"]["total"] == 5


def test_a_cla_is_refused(graded: Mission) -> None:
    client = _client(graded.cla)
    assert client.get(API).status_code == 403
    assert client.get(PAGE).status_code in (302, 404)


def test_who_reported_an_alert_never_shows(graded: Mission) -> None:
    point = f.FocalPointFactory(name="Hidden Focal Point")
    _alert(graded, "B3", received_from_focal_point=point)
    for client in (_client(graded.hq), _client(graded.admin)):
        for url in (PAGE, API):
            text = client.get(url).content.decode()
            assert SECRET not in text and "+236 7000" not in text
            assert "Hidden Focal Point" not in text


def test_a_filter_that_cannot_be_read_is_a_400_in_the_api(graded: Mission) -> None:
    response = _client(graded.hq).get(API, {"start": "yesterday"})
    assert response.status_code == 400
    assert "start" in response.json()


def test_the_period_filters_the_alerts(graded: Mission) -> None:
    long_ago = (timezone.now() - dt.timedelta(days=200)).date().isoformat()
    body = _client(graded.hq).get(API, {"start": long_ago, "end": long_ago}).json()
    assert body["by_source_type"]["rows"] == []


def test_the_queries_do_not_grow_with_the_clas(graded: Mission) -> None:
    client = _client(graded.hq)
    client.get(API)
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    for n in range(5):
        cla = f.UserFactory(username=f"more-cla-{n}", role=Role.CLA)
        _alert(graded, "E5", logged_by=cla)
    with CaptureQueriesContext(connection) as more:
        client.get(API)
    assert len(more) == len(few)


def test_the_dashboard_links_to_the_grades(graded: Mission) -> None:
    text = _client(graded.hq).get(reverse("reporting:dashboard")).content.decode()
    assert 'href="/dashboard/verification/?start=' in text


# --- compiled reports ---------------------------------------------------------------------


def test_a_compiled_report_gives_the_grade_of_each_alert_and_the_counts(graded: Mission) -> None:
    today = timezone.localdate()
    report = report_compile(kind=Report.Kind.WEEKLY, start=today - dt.timedelta(days=6), end=today)

    assert report.figures["grades"]["ungraded"] == 1
    assert {r["grade"]: r["count"] for r in report.figures["grades"]["by_grade"]} == {
        "A1": 1,
        "B2": 2,
        "C3": 1,
        "F6": 1,
    }
    rows = list(csv.reader(io.StringIO(report.csv.read().decode("utf-8-sig"))))
    column = rows[0].index("Cotation")  # compiled in the report language, French
    assert sorted(row[column] for row in rows[1:]) == ["", "A1", "B2", "B2", "C3", "F6"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "habituellement fiable" in text and "Non cotées" in text
    assert SECRET not in text
