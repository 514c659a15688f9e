"""Report pages: writing, submitting, reviewing, reading, downloading, the archive and the
late reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clas.models import Deployment, Role, User
from reporting.models import Report
from reporting.selectors import mission_today
from reporting.services import flash_report_open
from tests import factories as f
from tests.conftest import Mission

DAILY_CONTENT = {
    "security_level": "tense",
    "key_events": "Armed men crossed the river at dawn.",
    "can_activity": "Three calls from the Zeré focal point.",
    "needs": "Phone credit",
}


@pytest.fixture
def today() -> dt.date:
    return mission_today()


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def daily(mission: Mission, day: dt.date, **kwargs: Any) -> Report:
    values = {
        "location": mission.base_a,
        "author": mission.cla,
        "period_start": day,
        "period_end": day,
        "security_level": "calm",
        "key_events": "Calm day.",
        "title": f"Daily situation report - Ippy - {day.isoformat()}",
        **kwargs,
    }
    return f.ReportFactory(**values)


def create_url(kind: str = "daily") -> str:
    return reverse("reporting:report_create", args=[kind])


def text(response: Any) -> str:
    return response.content.decode()


# --- writing ------------------------------------------------------------------------------


def test_the_form_proposes_today_at_the_cla_s_location(
    client: Client, mission: Mission, today: dt.date
) -> None:
    response = login(client, mission.cla).get(create_url())

    assert response.status_code == 200
    body = text(response)
    assert "Ippy" in body
    assert f'value="{today.isoformat()}"' in body
    assert 'name="narrative"' not in body


def test_the_weekly_form_asks_for_the_analysis(client: Client, mission: Mission) -> None:
    body = text(login(client, mission.cla).get(create_url("weekly")))

    assert 'name="narrative"' in body
    assert 'name="can_activity"' not in body


def test_a_cla_saves_a_draft_daily_report(client: Client, mission: Mission, today: dt.date) -> None:
    data = {"period_start": today.isoformat(), **DAILY_CONTENT, "save": "1"}

    response = login(client, mission.cla).post(create_url(), data, follow=True)

    report = Report.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reporting:report_detail", args=[report.pk])
    assert report.status == Report.Status.DRAFT
    assert report.location == mission.base_a
    assert report.needs == "Phone credit"
    assert "Draft saved" in text(response)


def test_a_posted_location_is_ignored_the_report_is_for_the_cla_s_own(
    client: Client, mission: Mission, today: dt.date
) -> None:
    data = {"period_start": today.isoformat(), "location": mission.base_b.pk, **DAILY_CONTENT}

    login(client, mission.cla).post(create_url(), data)

    assert Report.objects.get().location == mission.base_a


def test_save_and_submit_sends_the_report_at_once(
    client: Client, mission: Mission, today: dt.date
) -> None:
    data = {"period_start": today.isoformat(), **DAILY_CONTENT, "submit": "1"}

    response = login(client, mission.cla).post(create_url(), data, follow=True)

    report = Report.objects.get()
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_at is not None
    assert "submitted to your coordinator" in text(response)


def test_save_and_submit_an_incomplete_report_keeps_the_draft_and_says_why(
    client: Client, mission: Mission, today: dt.date
) -> None:
    data = {"period_start": today.isoformat(), "key_events": "Calm.", "submit": "1"}

    response = login(client, mission.cla).post(create_url(), data, follow=True)

    report = Report.objects.get()
    assert report.status == Report.Status.DRAFT
    assert response.redirect_chain[-1][0] == reverse("reporting:report_edit", args=[report.pk])
    assert "security situation" in text(response)


def test_a_future_day_is_refused_with_a_message(
    client: Client, mission: Mission, today: dt.date
) -> None:
    data = {"period_start": (today + dt.timedelta(days=1)).isoformat(), **DAILY_CONTENT}

    response = login(client, mission.cla).post(create_url(), data)

    assert response.status_code == 200
    assert "cannot cover a day in the future" in text(response)
    assert not Report.objects.exists()


def test_a_second_daily_report_for_the_day_is_refused_with_a_link_to_the_first(
    client: Client, mission: Mission, today: dt.date
) -> None:
    first = daily(mission, today)
    data = {"period_start": today.isoformat(), **DAILY_CONTENT}

    response = login(client, mission.cla).post(create_url(), data)

    body = text(response)
    assert "already exists" in body
    assert reverse("reporting:report_detail", args=[first.pk]) in body
    assert Report.objects.count() == 1


def test_a_garbage_date_is_a_form_error(client: Client, mission: Mission) -> None:
    data = {"period_start": "2026-02-31", **DAILY_CONTENT}

    response = login(client, mission.cla).post(create_url(), data)

    assert response.status_code == 200
    assert "errorlist" in text(response)
    assert not Report.objects.exists()


def test_a_weekly_analysis_must_start_on_a_monday(
    client: Client, mission: Mission, today: dt.date
) -> None:
    tuesday = today - dt.timedelta(days=(today.weekday() - 1) % 7 or 7)
    data = {"period_start": tuesday.isoformat(), "narrative": "Rising tension."}

    response = login(client, mission.cla).post(create_url("weekly"), data)

    assert "starts on a Monday" in text(response)
    assert not Report.objects.exists()


def test_a_cla_without_deployment_is_told_why_they_cannot_write(
    client: Client, mission: Mission
) -> None:
    Deployment.objects.filter(cla__user=mission.cla).update(end_date=mission_today())

    response = login(client, mission.cla).get(create_url())

    assert response.status_code == 200
    assert "not deployed" in text(response)
    assert 'name="period_start"' not in text(response)


@pytest.mark.parametrize("role", ["coordinator", "force", "hq"])
def test_only_clas_open_the_report_form(client: Client, mission: Mission, role: str) -> None:
    assert login(client, mission.user(role)).get(create_url()).status_code == 403


@pytest.mark.parametrize("kind", ["flash", "annual", "monthly"])
def test_only_daily_and_weekly_forms_exist(client: Client, mission: Mission, kind: str) -> None:
    assert login(client, mission.cla).get(create_url(kind)).status_code == 404


def test_the_author_edits_a_draft(client: Client, mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)
    url = reverse("reporting:report_edit", args=[report.pk])
    client = login(client, mission.cla)
    assert "Calm day." in text(client.get(url))

    client.post(url, {**DAILY_CONTENT, "save": "1"})

    report.refresh_from_db()
    assert report.key_events == DAILY_CONTENT["key_events"]
    assert report.status == Report.Status.DRAFT


def test_a_colleague_of_the_same_location_may_read_but_not_edit(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today)
    colleague = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=colleague), location=mission.base_a)
    client = login(client, colleague)

    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("reporting:report_edit", args=[report.pk])).status_code == 403
    assert client.post(reverse("reporting:report_submit", args=[report.pk])).status_code == 403


def test_another_location_s_cla_gets_404_everywhere(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today)
    client = login(client, mission.cla_b)

    for name in ("report_detail", "report_edit"):
        assert client.get(reverse(f"reporting:{name}", args=[report.pk])).status_code == 404
    for name in ("report_submit", "report_review"):
        response = client.post(
            reverse(f"reporting:{name}", args=[report.pk]), {"decision": "accept"}
        )
        assert response.status_code == 404


def test_a_submitted_report_can_no_longer_be_edited(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)

    response = login(client, mission.cla).post(
        reverse("reporting:report_edit", args=[report.pk]), {**DAILY_CONTENT}, follow=True
    )

    assert "can no longer be changed" in text(response)
    report.refresh_from_db()
    assert report.key_events == "Calm day."


def test_submit_only_answers_post(client: Client, mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    response = login(client, mission.cla).get(reverse("reporting:report_submit", args=[report.pk]))

    assert response.status_code == 405


def test_submitting_twice_says_it_is_already_submitted(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)

    response = login(client, mission.cla).post(
        reverse("reporting:report_submit", args=[report.pk]), follow=True
    )

    assert "can no longer be changed" in text(response)


# --- the review cycle ---------------------------------------------------------------------


def test_return_with_comment_then_resubmit_then_accept(
    client: Client, mission: Mission, today: dt.date
) -> None:
    cla = Client()
    coordinator = Client()
    cla.force_login(mission.cla)
    coordinator.force_login(mission.coordinator)
    alert = f.AlertFactory(
        location=mission.base_a, logged_by=mission.cla, reported_at=timezone.now()
    )
    data = {"period_start": today.isoformat(), **DAILY_CONTENT, "submit": "1"}
    cla.post(create_url(), data)
    report = Report.objects.get()
    detail = reverse("reporting:report_detail", args=[report.pk])
    review = reverse("reporting:report_review", args=[report.pk])

    page = text(coordinator.get(detail))
    assert 'name="decision"' in page
    assert alert.reference in page
    coordinator.post(review, {"decision": "return", "comment": "Which villages were affected?"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED

    page = text(cla.get(detail))
    assert "Which villages were affected?" in page
    assert "Submit again" in page
    assert "Which villages were affected?" in text(
        cla.get(reverse("reporting:report_edit", args=[report.pk]))
    )
    assert report.display_title in text(cla.get(reverse("reporting:report_list")))
    cla.post(
        reverse("reporting:report_edit", args=[report.pk]),
        {**DAILY_CONTENT, "key_events": "Zeré and Bakala were affected.", "submit": "1"},
    )
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED

    coordinator.post(review, {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.reviewed_by == mission.coordinator
    assert report.key_events == "Zeré and Bakala were affected."
    assert list(report.alerts.all()) == [alert]


def test_returning_without_comment_shows_the_error_on_the_form(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)

    response = login(client, mission.coordinator).post(
        reverse("reporting:report_review", args=[report.pk]), {"decision": "return", "comment": ""}
    )

    assert response.status_code == 200
    assert "needs a comment" in text(response)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_coordinator_of_another_field_office_gets_404(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED)
    other = f.UserFactory(role=Role.COORDINATOR, field_office=mission.office_b)
    client = login(client, other)

    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 404
    response = client.post(
        reverse("reporting:report_review", args=[report.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_cla_cannot_review(client: Client, mission: Mission, today: dt.date) -> None:
    report = daily(mission, today, status=Report.Status.SUBMITTED, author=f.UserFactory())
    client = login(client, mission.cla)

    assert 'name="decision"' not in text(
        client.get(reverse("reporting:report_detail", args=[report.pk]))
    )
    response = client.post(
        reverse("reporting:report_review", args=[report.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403


def test_reviewing_a_draft_says_it_is_not_submitted(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today)

    response = login(client, mission.hq).post(
        reverse("reporting:report_review", args=[report.pk]), {"decision": "accept"}, follow=True
    )

    assert "only a submitted report can be reviewed" in text(response)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


# --- reading ------------------------------------------------------------------------------


def test_a_draft_shows_the_alerts_it_will_attach(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today)
    alert = f.AlertFactory(location=mission.base_a, reported_at=timezone.now())
    elsewhere = f.AlertFactory(location=mission.base_b, reported_at=timezone.now())

    body = text(
        login(client, mission.cla).get(reverse("reporting:report_detail", args=[report.pk]))
    )

    assert alert.reference in body
    assert elsewhere.reference not in body
    assert "attached when submitted" in body


def test_a_flash_report_shows_its_deadline_and_is_marked_late(
    client: Client, mission: Mission
) -> None:
    alert = f.AlertFactory(location=mission.base_a, logged_by=mission.cla)
    report = flash_report_open(alert=alert)
    url = reverse("reporting:report_detail", args=[report.pk])
    client = login(client, mission.cla)
    body = text(client.get(url))
    assert "Flash report due by" in body
    assert "Late:" not in body

    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))

    body = text(client.get(url))
    assert "Late:" in body
    assert alert.reference in body
    assert "late" in text(client.get(reverse("reporting:report_list")))


def compiled(mission: Mission, **kwargs: Any) -> Report:
    values = {
        "origin": Report.Origin.COMPILED,
        "scope": Report.Scope.LOCATION,
        "location": mission.base_a,
        "status": Report.Status.PUBLISHED,
        "title": "Compiled report",
        "html": "<article class='report'><h1>Compiled</h1><p id='fig-total'>42</p></article>",
        **kwargs,
    }
    report = f.ReportFactory(**values)
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    report.csv.save("report.csv", ContentFile(b"reference\nALT-1\n"), save=False)
    report.save()
    return report


def test_a_compiled_report_shows_its_html_and_download_links(
    client: Client, mission: Mission
) -> None:
    report = compiled(mission)

    body = text(login(client, mission.hq).get(reverse("reporting:report_detail", args=[report.pk])))

    assert "<p id='fig-total'>42</p>" in body  # the stored copy, to a mission-wide reader
    assert reverse("reporting:report_pdf", args=[report.pk]) in body
    assert reverse("reporting:report_csv", args=[report.pk]) in body


def test_downloads_go_through_the_scope(client: Client, mission: Mission) -> None:
    report = compiled(mission)
    pdf = reverse("reporting:report_pdf", args=[report.pk])
    csv = reverse("reporting:report_csv", args=[report.pk])

    response = login(Client(), mission.hq).get(pdf)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"  # the stored copy
    own = login(Client(), mission.cla)
    response = own.get(pdf)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")  # compiled for the CLA's scope
    assert own.get(csv).status_code == 200

    other = login(Client(), mission.cla_b)
    assert other.get(pdf).status_code == 404
    assert other.get(csv).status_code == 404


def test_a_mission_report_downloads_for_the_force_not_for_a_cla(
    client: Client, mission: Mission
) -> None:
    report = compiled(mission, scope=Report.Scope.MISSION, location=None)
    pdf = reverse("reporting:report_pdf", args=[report.pk])

    assert login(Client(), mission.force).get(pdf).status_code == 200
    assert login(Client(), mission.cla).get(pdf).status_code == 404


def test_a_report_without_a_file_has_no_download(
    client: Client, mission: Mission, today: dt.date
) -> None:
    report = daily(mission, today)

    assert (
        login(client, mission.cla)
        .get(reverse("reporting:report_pdf", args=[report.pk]))
        .status_code
        == 404
    )


def test_pages_need_a_signed_in_user(client: Client, mission: Mission, today: dt.date) -> None:
    report = daily(mission, today)

    for url in (
        reverse("reporting:report_list"),
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("reporting:report_pdf", args=[report.pk]),
        reverse("reporting:reports_overdue"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


# --- the CLA's list: what is due and late -------------------------------------------------


def test_the_cla_s_list_shows_today_s_report_due_and_older_ones_late(
    client: Client, mission: Mission, today: dt.date
) -> None:
    daily(mission, today - dt.timedelta(days=2), status=Report.Status.SUBMITTED)

    body = text(login(client, mission.cla).get(reverse("reporting:report_list")))

    assert f"?period_start={today.isoformat()}" in body
    assert f"?period_start={(today - dt.timedelta(days=3)).isoformat()}" in body
    assert f"?period_start={(today - dt.timedelta(days=2)).isoformat()}" not in body
    assert "badge-danger" in body


def test_the_new_report_link_prefills_the_day(
    client: Client, mission: Mission, today: dt.date
) -> None:
    day = today - dt.timedelta(days=3)

    body = text(login(client, mission.cla).get(create_url() + f"?period_start={day.isoformat()}"))

    assert f'value="{day.isoformat()}"' in body


# --- the archive --------------------------------------------------------------------------


def _titles(response: Any) -> set[str]:
    assert response.status_code == 200
    return {r.title for r in response.context["rows"]}


def test_the_archive_searches_title_key_events_and_analysis(
    client: Client, mission: Mission, today: dt.date
) -> None:
    daily(mission, today, title="A", key_events="Cattle raid near Zeré")
    daily(mission, today - dt.timedelta(days=1), title="B Zeré market")
    f.ReportFactory(
        kind=Report.Kind.WEEKLY,
        location=mission.base_a,
        title="C",
        narrative="Tension in zeré villages",
    )
    daily(mission, today - dt.timedelta(days=2), title="D", needs="Zeré radios")
    client = login(client, mission.coordinator)

    assert _titles(client.get(reverse("reporting:report_list"), {"q": "zeré"})) == {
        "A",
        "B Zeré market",
        "C",
    }
    assert _titles(client.get(reverse("reporting:report_list"), {"q": "cattle zeré"})) == {"A"}


def test_the_archive_filters_by_kind_status_location_and_period(
    client: Client, mission: Mission, today: dt.date
) -> None:
    daily(mission, today, title="today", status=Report.Status.SUBMITTED)
    daily(mission, today - dt.timedelta(days=10), title="old")
    daily(mission, today, location=mission.office_a, title="office")
    f.ReportFactory(kind=Report.Kind.WEEKLY, location=mission.base_a, title="weekly")
    url = reverse("reporting:report_list")
    client = login(client, mission.coordinator)

    assert _titles(client.get(url, {"kind": "weekly"})) == {"weekly"}
    assert _titles(client.get(url, {"status": "submitted"})) == {"today"}
    assert _titles(client.get(url, {"location": mission.office_a.pk})) == {"office"}
    assert "old" not in _titles(
        client.get(url, {"period_after": (today - dt.timedelta(days=3)).isoformat()})
    )
    assert _titles(
        client.get(url, {"period_before": (today - dt.timedelta(days=5)).isoformat()})
    ) == {"old"}


def test_the_archive_is_scoped(client: Client, mission: Mission, today: dt.date) -> None:
    daily(mission, today, title="mine")
    daily(mission, today, location=mission.base_b, author=mission.cla_b, title="theirs")

    assert _titles(login(client, mission.cla).get(reverse("reporting:report_list"))) == {"mine"}


def test_filtering_on_a_location_outside_the_scope_shows_nothing(
    client: Client, mission: Mission, today: dt.date
) -> None:
    daily(mission, today, title="mine")

    response = login(client, mission.cla).get(
        reverse("reporting:report_list"), {"location": mission.base_b.pk}
    )

    assert _titles(response) == set()
    assert "not valid" in text(response)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"status": "' OR 1=1 --"},
        {"location": "abc"},
        {"location": "99999999999999999999999"},
        {"location": "-1"},
        {"sector": "x"},
        {"period_after": "2026-13-45"},
        {"period_before": "0001-01-01"},
        {"period_after": "99999-01-01"},
        {"q": "a\x00b"},
        {"q": "x" * 5000},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"origin": ["written", "compiled", "x"]},
    ],
)
def test_garbage_filters_never_fail(
    client: Client, mission: Mission, today: dt.date, params: dict[str, Any]
) -> None:
    daily(mission, today)

    response = login(client, mission.coordinator).get(reverse("reporting:report_list"), params)

    assert response.status_code == 200


def test_the_archive_is_paginated(client: Client, mission: Mission, today: dt.date) -> None:
    for n in range(51):
        daily(mission, today - dt.timedelta(days=n))
    client = login(client, mission.hq)

    first = client.get(reverse("reporting:report_list"))
    second = client.get(reverse("reporting:report_list"), {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert "51 reports" in text(first)


@pytest.mark.parametrize("role", ["cla", "hq"])
def test_the_list_makes_the_same_number_of_queries_for_more_reports(
    client: Client, mission: Mission, today: dt.date, role: str, django_assert_num_queries: Any
) -> None:
    def add_reports(n: int, offset: int) -> None:
        for i in range(n):
            day = today - dt.timedelta(days=offset + i)
            daily(mission, day, author=f.UserFactory(role=Role.CLA), status=Report.Status.SUBMITTED)
            f.ReportFactory(
                origin=Report.Origin.COMPILED,
                scope=Report.Scope.SECTOR,
                location=None,
                sector=f.SectorFactory(),
                period_start=day,
                period_end=day,
                status=Report.Status.PUBLISHED,
            )

    add_reports(2, 0)
    client = login(client, mission.user(role))
    url = reverse("reporting:report_list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_reports(8, 10)

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- late and missing reports -------------------------------------------------------------


def test_coordinators_see_the_late_reports_of_their_area(
    client: Client, mission: Mission, today: dt.date
) -> None:
    yesterday = today - dt.timedelta(days=2)

    response = login(client, mission.coordinator).get(
        reverse("reporting:reports_overdue"), {"day": today.isoformat()}
    )

    assert response.status_code == 200
    rows = response.context["rows"]
    assert {(r.location.name, r.period_start) for r in rows} >= {("Ippy", yesterday)}
    assert {r.location.name for r in rows} == {"Ippy"}
    assert "missing" in text(response)


def test_hq_sees_every_location(client: Client, mission: Mission) -> None:
    response = login(client, mission.hq).get(reverse("reporting:reports_overdue"))

    assert {r.location.name for r in response.context["rows"]} == {"Ippy", "Baboua"}


@pytest.mark.parametrize("role", ["cla", "force"])
def test_the_late_reports_page_is_for_coordinators_and_hq(
    client: Client, mission: Mission, role: str
) -> None:
    assert (
        login(client, mission.user(role)).get(reverse("reporting:reports_overdue")).status_code
        == 403
    )


@pytest.mark.parametrize("day", ["garbage", "2026-02-30", "0001-01-01", "99999-12-31"])
def test_a_garbage_day_falls_back_to_today(
    client: Client, mission: Mission, today: dt.date, day: str
) -> None:
    response = login(client, mission.coordinator).get(
        reverse("reporting:reports_overdue"), {"day": day}
    )

    assert response.status_code == 200
    assert response.context["day"] == today
    assert "not valid" in text(response)
