"""API of the reports: the same rules as the pages, as JSON with 4xx for what is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clas.models import Role, User
from reporting.models import Report
from reporting.selectors import mission_today
from tests import factories as f
from tests.conftest import Mission

LIST = "/api/v1/reports/"


@pytest.fixture
def today() -> dt.date:
    return mission_today()


def api(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(pk: int, action: str = "") -> str:
    return f"{LIST}{pk}/" + (f"{action}/" if action else "")


def daily(mission: Mission, day: dt.date, **kwargs: Any) -> Report:
    values = {
        "location": mission.base_a,
        "author": mission.cla,
        "period_start": day,
        "period_end": day,
        "security_level": "calm",
        "key_events": "Calm day.",
        **kwargs,
    }
    return f.ReportFactory(**values)


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- reading ------------------------------------------------------------------------------


def test_the_routes_are_the_documented_ones(mission: Mission) -> None:
    assert reverse("report-list") == LIST
    assert reverse("report-submit", args=[7]) == detail(7, "submit")
    assert reverse("report-review", args=[7]) == detail(7, "review")
    assert reverse("report-overdue") == f"{LIST}overdue/"


def test_anonymous_requests_are_refused(client: Client, mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    assert client.get(LIST).status_code in (401, 403)
    assert client.get(detail(report.pk)).status_code in (401, 403)
    assert post(client, LIST, {"kind": "daily"}).status_code in (401, 403)


def test_the_list_is_scoped(mission: Mission, today: dt.date) -> None:
    mine = daily(mission, today)
    theirs = daily(mission, today, location=mission.base_b, author=mission.cla_b)

    assert ids(api(mission.cla).get(LIST)) == {mine.pk}
    assert ids(api(mission.cla_b).get(LIST)) == {theirs.pk}
    assert ids(api(mission.hq).get(LIST)) == {mine.pk, theirs.pk}
    assert ids(api(mission.force).get(LIST)) == set()


def test_a_report_outside_the_scope_is_404(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    assert api(mission.cla_b).get(detail(report.pk)).status_code == 404


def test_the_payload_has_the_report_its_alerts_and_its_review(
    mission: Mission, today: dt.date
) -> None:
    alert = f.AlertFactory(location=mission.base_a)
    report = daily(
        mission,
        today,
        status=Report.Status.RETURNED,
        reviewed_by=mission.coordinator,
        reviewed_at=timezone.now(),
        review_comment="More detail.",
        needs="Radios",
    )
    report.alerts.add(alert)

    body = api(mission.cla).get(detail(report.pk)).json()

    assert body["kind"] == "daily"
    assert body["status"] == "returned"
    assert body["location"] == {
        "id": mission.base_a.pk,
        "code": mission.base_a.code,
        "name": "Ippy",
    }
    assert body["author"]["id"] == mission.cla.pk
    assert body["reviewed_by"]["id"] == mission.coordinator.pk
    assert body["review_comment"] == "More detail."
    assert body["alerts"] == [{"id": alert.pk, "reference": alert.reference}]
    assert body["needs"] == "Radios"
    assert body["is_late"] is False
    assert body["pdf_url"] is None


def test_a_late_flash_report_says_so(mission: Mission, today: dt.date) -> None:
    report = f.ReportFactory(
        kind=Report.Kind.FLASH,
        location=mission.base_a,
        author=mission.cla,
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )

    body = api(mission.cla).get(detail(report.pk)).json()

    assert body["is_late"] is True
    assert body["due_at"] is not None


def test_the_list_filters(mission: Mission, today: dt.date) -> None:
    a = daily(mission, today, title="Zeré raid", status=Report.Status.SUBMITTED)
    b = daily(mission, today - dt.timedelta(days=10), key_events="Cattle at Zeré")
    c = daily(mission, today, location=mission.office_a)
    d = f.ReportFactory(kind=Report.Kind.WEEKLY, location=mission.base_a, narrative="Calm")
    e = daily(mission, today, location=mission.base_b, author=mission.cla_b)
    client = api(mission.hq)

    assert ids(client.get(LIST, {"kind": "weekly"})) == {d.pk}
    assert ids(client.get(LIST, {"status": "submitted"})) == {a.pk}
    assert ids(client.get(LIST, {"location": mission.office_a.pk})) == {c.pk}
    assert ids(client.get(LIST, {"sector": mission.sector_b.pk})) == {e.pk}
    assert ids(client.get(LIST, {"q": "zeré"})) == {a.pk, b.pk}
    after = (today - dt.timedelta(days=3)).isoformat()
    assert b.pk not in ids(client.get(LIST, {"period_after": after}))
    before = (today - dt.timedelta(days=5)).isoformat()
    assert b.pk in ids(client.get(LIST, {"period_before": before}))


def test_a_location_filter_outside_the_scope_is_a_400(mission: Mission) -> None:
    response = api(mission.cla).get(LIST, {"location": mission.base_b.pk})

    assert response.status_code == 400
    assert "location" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"status": "' OR 1=1 --"},
        {"location": "abc"},
        {"location": "99999999999999999999999"},
        {"sector": "x"},
        {"period_after": "2026-13-45"},
        {"period_before": "0001-01-01"},
        {"q": "a\x00b"},
        {"q": "x" * 5000},
        {"ordering": "nonsense"},
        {"page": "abc"},
    ],
)
def test_garbage_filters_are_a_4xx_or_ignored_never_a_500(
    mission: Mission, today: dt.date, params: dict[str, str]
) -> None:
    daily(mission, today)

    response = api(mission.coordinator).get(LIST, params)

    assert response.status_code in (200, 400, 404)
    if response.status_code == 400:
        assert set(response.json()) <= {*params, "non_field_errors"}


def test_the_list_makes_the_same_number_of_queries_for_more_reports(
    mission: Mission, today: dt.date, django_assert_num_queries: Any
) -> None:
    def add_reports(n: int, offset: int) -> None:
        for i in range(n):
            day = today - dt.timedelta(days=offset + i)
            report = daily(
                mission,
                day,
                author=f.UserFactory(role=Role.CLA),
                status=Report.Status.RETURNED,
                reviewed_by=f.UserFactory(role=Role.COORDINATOR),
            )
            report.alerts.add(f.AlertFactory(location=mission.base_a))
            f.ReportFactory(
                kind=Report.Kind.FLASH,
                location=mission.base_a,
                alert=f.AlertFactory(location=mission.base_a),
                period_start=day,
                period_end=day,
            )

    add_reports(2, 0)
    client = api(mission.coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    add_reports(8, 10)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 20


# --- writing ------------------------------------------------------------------------------


def new_daily(today: dt.date, **kwargs: Any) -> dict[str, Any]:
    return {
        "kind": "daily",
        "period_start": today.isoformat(),
        "security_level": "tense",
        "key_events": "Armed men at the crossing.",
        **kwargs,
    }


def test_a_cla_opens_a_report_at_their_location_by_default(
    mission: Mission, today: dt.date
) -> None:
    response = post(api(mission.cla), LIST, new_daily(today))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["location"]["id"] == mission.base_a.pk
    assert body["period_end"] == today.isoformat()
    assert Report.objects.get().author == mission.cla


def test_a_weekly_analysis_gets_its_sunday(mission: Mission, today: dt.date) -> None:
    monday = today - dt.timedelta(days=today.weekday())

    response = post(api(mission.cla), LIST, {"kind": "weekly", "period_start": monday.isoformat()})

    assert response.status_code == 201, response.content
    assert response.json()["period_end"] == (monday + dt.timedelta(days=6)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"location": "other"}, "location"),
        ({"period_start": "future"}, "period_start"),
        ({"kind": "flash"}, "kind"),
        ({"kind": "weekly", "period_start": "tuesday"}, "period_start"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"security_level": "apocalyptic"}, "security_level"),
        ({"needs": "x" * 5001}, "needs"),
        ({"location": "abc"}, "location"),
    ],
)
def test_what_makes_no_sense_is_a_400_on_its_field(
    mission: Mission, today: dt.date, change: dict[str, str], field: str
) -> None:
    tuesday = today - dt.timedelta(days=(today.weekday() - 1) % 7 or 7)
    replacements = {
        "other": mission.base_b.pk,
        "future": (today + dt.timedelta(days=1)).isoformat(),
        "tuesday": tuesday.isoformat(),
    }
    data = new_daily(today, **{k: replacements.get(v, v) for k, v in change.items()})

    response = post(api(mission.cla), LIST, data)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Report.objects.exists()


def test_a_second_daily_report_for_the_day_is_a_400(mission: Mission, today: dt.date) -> None:
    daily(mission, today)

    response = post(api(mission.cla), LIST, new_daily(today))

    assert response.status_code == 400
    assert "already exists" in response.json()["period_start"][0]


@pytest.mark.parametrize("role", ["coordinator", "hq"])
def test_only_clas_open_reports(mission: Mission, today: dt.date, role: str) -> None:
    data = new_daily(today, location=mission.base_a.pk)

    assert post(api(mission.user(role)), LIST, data).status_code == 403


def test_the_author_changes_a_draft(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    response = patch(api(mission.cla), detail(report.pk), {"needs": "Batteries"})

    assert response.status_code == 200
    assert response.json()["needs"] == "Batteries"
    assert response.json()["key_events"] == "Calm day."


def test_a_full_replace_is_not_offered(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    response = api(mission.cla).put(detail(report.pk), {}, content_type="application/json")

    assert response.status_code == 405


def test_edits_by_others_are_refused(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)
    colleague = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=colleague), location=mission.base_a)

    assert patch(api(colleague), detail(report.pk), {"needs": "x"}).status_code == 403
    assert patch(api(mission.cla_b), detail(report.pk), {"needs": "x"}).status_code == 404
    assert patch(api(mission.cla), detail(report.pk), {"security_level": "x"}).status_code == 400


def test_a_submitted_report_cannot_be_changed_409(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)

    response = patch(api(mission.cla), detail(report.pk), {"needs": "x"})

    assert response.status_code == 409
    assert "can no longer be changed" in response.json()["detail"]


# --- submitting and reviewing -------------------------------------------------------------


def test_submit_review_return_resubmit_accept(mission: Mission, today: dt.date) -> None:
    cla, coordinator = api(mission.cla), api(mission.coordinator)
    alert = f.AlertFactory(location=mission.base_a, reported_at=timezone.now())
    report_id = post(cla, LIST, new_daily(today)).json()["id"]

    submitted = post(cla, detail(report_id, "submit"))
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    assert submitted.json()["alerts"] == [{"id": alert.pk, "reference": alert.reference}]

    no_comment = post(coordinator, detail(report_id, "review"), {"decision": "return"})
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()

    returned = post(
        coordinator, detail(report_id, "review"), {"decision": "return", "comment": "Villages?"}
    )
    assert returned.json()["status"] == "returned"
    assert cla.get(detail(report_id)).json()["review_comment"] == "Villages?"

    assert patch(cla, detail(report_id), {"key_events": "Zeré."}).status_code == 200
    assert post(cla, detail(report_id, "submit")).json()["status"] == "submitted"
    accepted = post(coordinator, detail(report_id, "review"), {"decision": "accept"})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["reviewed_by"]["id"] == mission.coordinator.pk


def test_submitting_twice_is_a_409(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)

    assert post(api(mission.cla), detail(report.pk, "submit")).status_code == 409


def test_an_incomplete_report_is_a_400_on_the_missing_field(
    mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today, security_level="")

    response = post(api(mission.cla), detail(report.pk, "submit"))

    assert response.status_code == 400
    assert "security_level" in response.json()


def test_review_permissions(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)
    other_office = f.UserFactory(role=Role.COORDINATOR, field_office=mission.office_b)
    url = detail(report.pk, "review")

    assert post(api(other_office), url, {"decision": "accept"}).status_code == 404
    assert post(api(mission.force), url, {"decision": "accept"}).status_code == 404
    assert post(api(mission.cla), url, {"decision": "accept"}).status_code == 403
    assert post(api(mission.hq), url, {"decision": "maybe"}).status_code == 400
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert post(api(mission.hq), url, {"decision": "accept"}).status_code == 200


def test_reviewing_a_draft_is_a_409(mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    response = post(api(mission.coordinator), detail(report.pk, "review"), {"decision": "accept"})

    assert response.status_code == 409


# --- late and missing reports -------------------------------------------------------------


def test_coordinators_get_the_late_reports_of_their_area(mission: Mission, today: dt.date) -> None:
    day = today - dt.timedelta(days=1)
    daily(mission, day - dt.timedelta(days=1), status=Report.Status.SUBMITTED)

    response = api(mission.coordinator).get(f"{LIST}overdue/", {"day": day.isoformat()})

    assert response.status_code == 200
    rows = response.json()
    assert {row["location"]["name"] for row in rows} == {"Ippy"}
    assert all(row["is_late"] and row["kind"] == "daily" for row in rows)
    days = {row["period_start"] for row in rows}
    assert (day - dt.timedelta(days=1)).isoformat() not in days
    assert (day - dt.timedelta(days=2)).isoformat() in days
    assert all(row["report"] is None for row in rows)


def test_hq_gets_every_location(mission: Mission) -> None:
    rows = api(mission.hq).get(f"{LIST}overdue/").json()

    assert {row["location"]["name"] for row in rows} == {"Ippy", "Baboua"}


@pytest.mark.parametrize("role", ["cla", "force"])
def test_late_reports_are_for_coordinators_and_hq(mission: Mission, role: str) -> None:
    assert api(mission.user(role)).get(f"{LIST}overdue/").status_code == 403


@pytest.mark.parametrize("day", ["garbage", "2026-02-30", "0001-01-01"])
def test_a_garbage_day_is_a_400(mission: Mission, day: str) -> None:
    response = api(mission.hq).get(f"{LIST}overdue/", {"day": day})

    assert response.status_code == 400
    assert "day" in response.json()


def test_the_schema_documents_the_report_endpoints(mission: Mission) -> None:
    response = api(mission.hq).get(reverse("api-schema"), {"format": "json"})

    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports/"])
    assert {"get", "patch"} <= set(paths["/api/v1/reports/{id}/"])
    assert "put" not in paths["/api/v1/reports/{id}/"]
    assert "post" in paths["/api/v1/reports/{id}/submit/"]
    assert "post" in paths["/api/v1/reports/{id}/review/"]
    assert "get" in paths["/api/v1/reports/overdue/"]
    params = {p["name"] for p in paths["/api/v1/reports/"]["get"]["parameters"]}
    assert {"kind", "status", "location", "sector", "period_after", "period_before", "q"} <= params
