"""Digests compiled on demand: asked for on the page and in the API, followed while compiled,
scoped like the digests themselves, refused with a reason per field, never compiled twice at
once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clas.models import Role, User
from reporting.models import CompileRequest, Report
from reporting.on_demand import services
from reporting.selectors import mission_today
from tests import factories as f
from tests.conftest import Mission

API = "/api/v1/reports/compile/"
PAGE = "/reports/compile/"


@pytest.fixture
def today() -> dt.date:
    return mission_today()


@pytest.fixture
def yesterday(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=1)


class TasksRunClient(Client):
    """A client whose requests run the tasks they queue once their transaction commits, as
    the embedded default does (a test's transaction never commits)."""

    capture: Any = None

    def request(self, **request: Any) -> Any:
        with TasksRunClient.capture(execute=True):
            return super().request(**request)


@pytest.fixture(autouse=True)
def _tasks_run_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    TasksRunClient.capture = django_capture_on_commit_callbacks


def signed_in(user: User) -> Client:
    client = TasksRunClient()
    client.force_login(user)
    return client


def ask(user: User, **body: Any) -> Any:
    return signed_in(user).post(API, body, content_type="application/json")


def form(day: dt.date, kind: str = "daily", scope: str = "mission", **extra: str) -> dict:
    return {"kind": kind, "period_start": day.isoformat(), "scope": scope, **extra}


def _alert_on(day: dt.date, **kwargs: Any) -> Any:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return f.AlertFactory(
        reported_at=at, occurred_at=at - dt.timedelta(hours=1), created_at=at, **kwargs
    )


@pytest.fixture
def coordinator_b(mission: Mission) -> User:
    return f.UserFactory(username="coord-b", role=Role.COORDINATOR, field_office=mission.office_b)


# --- the page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hq_compiles_yesterday_s_mission_digest_and_is_led_to_the_report(
    mission: Mission, yesterday: dt.date
) -> None:
    _alert_on(yesterday, location=mission.base_a)
    client = signed_in(mission.hq)

    response = client.post(PAGE, form(yesterday))

    asked = CompileRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:compile_detail", args=[asked.pk])
    assert asked.status == CompileRequest.Status.DONE and asked.progress == 100
    assert asked.requested_by == mission.hq
    report = asked.report
    assert (report.kind, report.scope, report.period_start) == ("daily", "mission", yesterday)
    assert report.figures["total"] == 1
    page = client.get(response["Location"])
    assert reverse("reporting:report_detail", args=[report.pk]) in page.content.decode()
    assert b'http-equiv="refresh"' not in page.content
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200


@pytest.mark.django_db
def test_the_reports_page_offers_to_compile_to_hq_admins_and_coordinators_only(
    mission: Mission,
) -> None:
    link = reverse("reporting:compile_create").encode()
    for role, offered in [
        ("hq", True),
        ("admin", True),
        ("coordinator", True),
        ("force", False),
        ("cla", False),
    ]:
        page = signed_in(mission.user(role)).get(reverse("reporting:report_list"))
        assert (link in page.content) is offered, role


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["cla", "force"])
def test_a_cla_or_a_force_officer_may_not_compile(
    mission: Mission, role: str, yesterday: dt.date
) -> None:
    client = signed_in(mission.user(role))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form(yesterday, scope=str(mission.sector_a.pk))).status_code == 403
    assert (
        ask(mission.user(role), kind="daily", period_start=yesterday.isoformat()).status_code == 403
    )
    assert not CompileRequest.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_is_offered_only_the_sectors_of_their_area(
    mission: Mission, yesterday: dt.date
) -> None:
    client = signed_in(mission.coordinator)

    page = client.get(PAGE)

    scope = page.context["form"].fields["scope"]
    assert [value for value, _label in scope.choices] == [str(mission.sector_a.pk)]
    refused = client.post(PAGE, form(yesterday, scope=str(mission.sector_b.pk)))
    assert refused.status_code == 400
    assert refused.context["form"].errors["scope"]
    mission_wide = client.post(PAGE, form(yesterday, scope="mission"))
    assert mission_wide.status_code == 400 and mission_wide.context["form"].errors["scope"]
    assert not CompileRequest.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_compiles_and_reads_the_digest_of_their_sector_as_they_may_see_it(
    mission: Mission, yesterday: dt.date
) -> None:
    _alert_on(yesterday, location=mission.base_a)
    _alert_on(yesterday, location=mission.office_b)  # another area, another sector
    elsewhere = f.LocationFactory(name="Grimari", sector=mission.sector_a)
    _alert_on(yesterday, location=elsewhere)  # sector A, not the coordinator's area
    client = signed_in(mission.coordinator)

    response = client.post(PAGE, form(yesterday, scope=str(mission.sector_a.pk)))

    report = CompileRequest.objects.get().report
    assert response.status_code == 302
    assert report.scope == Report.Scope.SECTOR and report.sector == mission.sector_a
    assert report.figures["total"] == 2  # stored whole, for HQ
    api = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert api["figures"]["total"] == 1  # compiled again for the coordinator's area
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200


@pytest.mark.django_db
def test_a_coordinator_of_another_area_does_not_see_the_compilation(
    mission: Mission, coordinator_b: User, yesterday: dt.date
) -> None:
    signed_in(mission.coordinator).post(PAGE, form(yesterday, scope=str(mission.sector_a.pk)))
    asked = CompileRequest.objects.get()
    other = signed_in(coordinator_b)

    assert other.get(reverse("reporting:compile_detail", args=[asked.pk])).status_code == 404
    assert other.get(f"{API}{asked.pk}/").status_code == 404
    assert other.get(reverse("reporting:report_detail", args=[asked.report_id])).status_code == 404
    assert other.get(API).json()["results"] == []
    assert signed_in(mission.force).get(f"{API}{asked.pk}/").status_code == 404
    assert signed_in(mission.hq).get(f"{API}{asked.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_day_in_the_future_is_refused_on_its_field_and_nothing_is_saved(
    mission: Mission, today: dt.date
) -> None:
    tomorrow = today + dt.timedelta(days=1)

    page = signed_in(mission.hq).post(PAGE, form(tomorrow))
    api = ask(mission.hq, kind="daily", period_start=tomorrow.isoformat())

    assert page.status_code == 400 and page.context["form"].errors["period_start"]
    assert b'href="#id_period_start"' in page.content  # the error summary links to the field
    assert api.status_code == 400 and list(api.json()) == ["period_start"]
    assert not CompileRequest.objects.exists() and not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"kind": "annual", "period_start": "2026-06-01"},
        {"kind": "daily", "period_start": "0202-06-01"},
        {"kind": "daily", "period_start": "yesterday"},
        {"kind": "daily"},
        {"kind": "daily", "period_start": "2026-06-01", "sector": "A"},
        {"kind": "daily", "period_start": "2026-06-01", "sector": 2_147_483_648},
    ],
)
def test_the_api_refuses_bad_input_per_field(mission: Mission, body: dict) -> None:
    response = ask(mission.hq, **body)

    assert response.status_code == 400
    assert set(response.json()) <= {"kind", "period_start", "sector"}
    assert not CompileRequest.objects.exists()


@pytest.mark.django_db
def test_the_page_refuses_bad_input_per_field(mission: Mission) -> None:
    client = signed_in(mission.hq)

    response = client.post(PAGE, {"kind": "annual", "period_start": "20026-01-01", "scope": "x"})

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "period_start", "scope"}
    assert not CompileRequest.objects.exists()


@pytest.mark.django_db
def test_a_sector_outside_the_scope_is_refused_in_the_api(
    mission: Mission, yesterday: dt.date
) -> None:
    day = yesterday.isoformat()

    other_sector = ask(
        mission.coordinator, kind="daily", period_start=day, sector=mission.sector_b.pk
    )
    mission_wide = ask(mission.coordinator, kind="daily", period_start=day)
    unknown = ask(mission.hq, kind="daily", period_start=day, sector=999_999)

    for response in (other_sector, mission_wide, unknown):
        assert response.status_code == 400 and list(response.json()) == ["sector"]
    assert not CompileRequest.objects.exists()


@pytest.mark.django_db
def test_a_weekly_digest_asked_for_a_wednesday_covers_its_week_and_says_so(
    mission: Mission, today: dt.date
) -> None:
    monday = today - dt.timedelta(days=today.weekday() + 7)
    wednesday = monday + dt.timedelta(days=2)

    response = ask(mission.hq, kind="weekly", period_start=wednesday.isoformat())

    body = response.json()
    assert response.status_code == 202
    assert (body["period_start"], body["period_end"]) == (
        monday.isoformat(),
        (monday + dt.timedelta(days=6)).isoformat(),
    )
    assert monday.isoformat() in body["notices"][0]
    client = signed_in(mission.hq)
    page = client.post(PAGE, form(wednesday, kind="weekly"), follow=True)
    assert monday.isoformat() in page.content.decode()


# --- the API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_answers_202_with_the_url_to_follow_then_the_report(
    mission: Mission, yesterday: dt.date
) -> None:
    _alert_on(yesterday, location=mission.base_b)

    response = ask(
        mission.hq, kind="daily", period_start=yesterday.isoformat(), sector=mission.sector_b.pk
    )

    body = response.json()
    assert response.status_code == 202
    assert body["url"].endswith(f"{API}{body['id']}/")
    assert body["reused"] is False
    followed = signed_in(mission.hq).get(body["url"]).json()
    assert followed["status"] == "done" and followed["progress"] == 100
    assert followed["sector"]["id"] == mission.sector_b.pk
    report = signed_in(mission.hq).get(followed["report_url"]).json()
    assert report["id"] == followed["report"]
    assert report["figures"]["total"] == 1


@pytest.mark.django_db
def test_the_list_holds_what_the_user_may_follow(mission: Mission, yesterday: dt.date) -> None:
    ask(mission.hq, kind="daily", period_start=yesterday.isoformat())
    ask(
        mission.coordinator,
        kind="daily",
        period_start=yesterday.isoformat(),
        sector=mission.sector_a.pk,
    )

    assert len(signed_in(mission.hq).get(API).json()["results"]) == 2
    assert len(signed_in(mission.coordinator).get(API).json()["results"]) == 1
    assert signed_in(mission.cla).get(API).json()["results"] == []
    assert TasksRunClient().get(API).status_code in (401, 403)


# --- progress -------------------------------------------------------------------------------


def _open(mission: Mission, day: dt.date, **values: Any) -> CompileRequest:
    return CompileRequest.objects.create(
        requested_by=mission.hq, kind="daily", period_start=day, period_end=day, **values
    )


@pytest.mark.django_db
def test_a_waiting_or_running_compilation_shows_its_progress_and_refreshes_itself(
    mission: Mission, yesterday: dt.date
) -> None:
    asked = _open(mission, yesterday)
    client = signed_in(mission.hq)
    url = reverse("reporting:compile_detail", args=[asked.pk])

    waiting = client.get(url)
    assert b'http-equiv="refresh"' in waiting.content
    assert b"Waiting for a worker." in waiting.content
    assert client.get(f"{API}{asked.pk}/").json()["status"] == "pending"

    CompileRequest.objects.filter(pk=asked.pk).update(status="running", progress=60)
    running = client.get(url)
    assert b'value="60"' in running.content and b"Rendering the PDF." in running.content
    api = client.get(f"{API}{asked.pk}/").json()
    assert (api["status"], api["progress"], api["report_url"]) == ("running", 60, None)


@pytest.mark.django_db
def test_the_task_reports_progress_as_it_compiles(
    mission: Mission, yesterday: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _open(mission, yesterday)
    seen: list[tuple[str, int]] = []
    compile_for_real = services.services.report_compile

    def watched(**kwargs: Any) -> Report:
        def progress(percent: int) -> None:
            kwargs["progress"](percent)
            row = CompileRequest.objects.get(pk=asked.pk)
            seen.append((row.status, row.progress))

        return compile_for_real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(services.services, "report_compile", watched)

    result = services.compile_request_run(request_id=asked.pk)

    asked.refresh_from_db()
    assert seen == [("running", 40), ("running", 60), ("running", 90)]
    assert asked.status == "done" and asked.progress == 100 and result["report"] == asked.report_id
    assert asked.started_at and asked.finished_at and asked.attempts == 1


@pytest.mark.django_db
def test_a_failed_compilation_says_so_and_keeps_the_error_for_admins(
    mission: Mission, yesterday: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Report:
        raise OSError("disk full")

    monkeypatch.setattr(services.services, "report_compile", broken)

    response = ask(mission.hq, kind="daily", period_start=yesterday.isoformat())

    asked = CompileRequest.objects.get()
    assert response.status_code == 202
    assert asked.status == "failed" and "disk full" in asked.error and asked.report is None
    page = signed_in(mission.hq).get(reverse("reporting:compile_detail", args=[asked.pk]))
    assert b"could not be compiled" in page.content and b"disk full" not in page.content
    assert "disk full" not in signed_in(mission.hq).get(f"{API}{asked.pk}/").content.decode()


# --- never twice at once --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_digest_asked_while_compiled_follows_the_compilation_in_progress(
    mission: Mission, yesterday: dt.date
) -> None:
    running = _open(mission, yesterday, status="running", started_at=timezone.now())

    api = ask(mission.admin, kind="daily", period_start=yesterday.isoformat())
    page = signed_in(mission.hq).post(PAGE, form(yesterday))

    assert api.status_code == 202
    assert api.json()["id"] == running.pk and api.json()["reused"] is True
    assert page["Location"] == reverse("reporting:compile_detail", args=[running.pk])
    assert CompileRequest.objects.count() == 1
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_another_scope_or_period_is_compiled_apart(mission: Mission, yesterday: dt.date) -> None:
    _open(mission, yesterday, status="running", started_at=timezone.now())

    sector = ask(
        mission.hq, kind="daily", period_start=yesterday.isoformat(), sector=mission.sector_a.pk
    )
    weekly = ask(mission.hq, kind="weekly", period_start=yesterday.isoformat())

    assert sector.json()["reused"] is False and weekly.json()["reused"] is False
    assert CompileRequest.objects.count() == 3


@pytest.mark.django_db
def test_a_compilation_whose_task_was_lost_is_given_up_and_asked_again(
    mission: Mission, yesterday: dt.date
) -> None:
    lost = _open(mission, yesterday, created_at=timezone.now() - dt.timedelta(hours=1))

    response = ask(mission.hq, kind="daily", period_start=yesterday.isoformat())

    lost.refresh_from_db()
    assert lost.status == "failed"
    again = CompileRequest.objects.get(pk=response.json()["id"])
    assert again.pk != lost.pk and again.status == "done"


@pytest.mark.django_db
def test_a_second_delivery_of_the_task_compiles_nothing_more(
    mission: Mission, yesterday: dt.date
) -> None:
    ask(mission.hq, kind="daily", period_start=yesterday.isoformat())
    asked = CompileRequest.objects.get()
    generated = asked.report.generated_at

    assert services.compile_request_run(request_id=asked.pk) == {"skipped": 1}
    asked.report.refresh_from_db()
    assert asked.report.generated_at == generated


@pytest.mark.django_db
def test_compiling_again_replaces_the_report_of_the_same_digest(
    mission: Mission, yesterday: dt.date
) -> None:
    first = ask(mission.hq, kind="daily", period_start=yesterday.isoformat()).json()
    _alert_on(yesterday, location=mission.base_a)  # a late alert

    second = ask(mission.hq, kind="daily", period_start=yesterday.isoformat()).json()

    assert second["id"] != first["id"] and second["report"] == first["report"]
    assert Report.objects.get().figures["total"] == 1


@pytest.mark.django_db
def test_the_pages_are_in_french_for_a_french_reader(mission: Mission, yesterday: dt.date) -> None:
    client = signed_in(mission.hq)
    client.post(PAGE, form(yesterday))
    asked = CompileRequest.objects.get()

    form_page = client.get(PAGE, headers={"accept-language": "fr"})
    detail = client.get(
        reverse("reporting:compile_detail", args=[asked.pk]), headers={"accept-language": "fr"}
    )

    assert "Compiler une synthèse maintenant" in form_page.content.decode()
    assert "Ouvrir le rapport" in detail.content.decode()
