"""Who may do what in reporting, for every role: the rules the pages, the API and the
services all ask (reporting.permissions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from clas.models import User
from reporting import permissions
from reporting.models import Report
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ROLES = ("cla", "coordinator", "force", "hq", "admin", "anonymous")


def _user(mission: Mission, role: str) -> User | AnonymousUser:
    return AnonymousUser() if role == "anonymous" else mission.user(role)


def _allowed(mission: Mission, rule: Callable[[User], bool]) -> set[str]:
    return {role for role in ROLES if rule(_user(mission, role))}


@pytest.mark.parametrize(
    ("rule", "roles"),
    [
        pytest.param(rule, roles, id=rule.__name__)
        for rule, roles in (
            (permissions.may_view_dashboard, {"coordinator", "force", "hq", "admin"}),
            (permissions.may_monitor_clas, {"coordinator", "hq", "admin"}),
            (permissions.may_answer_assessment, {"cla", "force"}),
            (permissions.may_run_assessment, {"hq", "admin"}),
            (permissions.may_write_reports, {"cla"}),
            (permissions.may_track_reports, {"coordinator", "hq", "admin"}),
        )
    ],
)
def test_each_role_may_do_what_its_work_needs(
    mission: Mission, rule: Callable[[User], bool], roles: set[str]
) -> None:
    assert _allowed(mission, rule) == roles


def _reports(mission: Mission) -> dict[str, Report]:
    day = dt.date(2026, 6, 10)
    compiled = {
        "origin": Report.Origin.COMPILED,
        "kind": Report.Kind.WEEKLY,
        "period_start": day,
        "period_end": day,
        "location": None,
    }
    return {
        "daily_a": f.ReportFactory(location=mission.base_a, author=mission.cla),
        "daily_b": f.ReportFactory(location=mission.base_b, author=mission.cla_b),
        "mission": f.ReportFactory(scope=Report.Scope.MISSION, **compiled),
        "sector_a": f.ReportFactory(scope=Report.Scope.SECTOR, sector=mission.sector_a, **compiled),
        "sector_b": f.ReportFactory(scope=Report.Scope.SECTOR, sector=mission.sector_b, **compiled),
    }


@pytest.mark.parametrize(
    ("role", "readable"),
    [
        ("cla", {"daily_a"}),
        ("coordinator", {"daily_a", "sector_a"}),
        ("force", {"mission", "sector_a"}),
        ("hq", {"daily_a", "daily_b", "mission", "sector_a", "sector_b"}),
        ("admin", {"daily_a", "daily_b", "mission", "sector_a", "sector_b"}),
        ("anonymous", set()),
    ],
)
def test_each_role_reads_the_reports_of_its_scope(
    mission: Mission, role: str, readable: set[str]
) -> None:
    reports = _reports(mission)
    names = {report.pk: name for name, report in reports.items()}

    ids = Report.objects.filter(permissions.readable_reports(_user(mission, role)))

    assert {names[pk] for pk in ids.values_list("pk", flat=True)} == readable


def test_a_cla_reads_a_report_they_wrote_at_a_location_they_left(mission: Mission) -> None:
    report = f.ReportFactory(location=mission.base_b, author=mission.cla)

    assert Report.objects.filter(permissions.readable_reports(mission.cla)).get() == report


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (Report.Status.DRAFT, True),
        (Report.Status.RETURNED, True),
        (Report.Status.SUBMITTED, False),
        (Report.Status.ACCEPTED, False),
    ],
)
def test_only_the_author_edits_and_only_before_submission_or_once_returned(
    mission: Mission, status: str, editable: bool
) -> None:
    report = f.ReportFactory(location=mission.base_a, author=mission.cla, status=status)

    assert permissions.is_report_author(mission.cla, report)
    assert permissions.may_edit_report(mission.cla, report) is editable
    for role in ROLES[1:]:
        user = _user(mission, role)
        assert not permissions.is_report_author(user, report), role
        assert not permissions.may_edit_report(user, report), role


def test_nobody_edits_a_compiled_report(mission: Mission) -> None:
    report = f.ReportFactory(
        origin=Report.Origin.COMPILED,
        scope=Report.Scope.MISSION,
        location=None,
        author=None,
        status=Report.Status.DRAFT,
    )

    assert not [role for role in ROLES if permissions.may_edit_report(_user(mission, role), report)]


def test_the_coordinator_of_the_area_and_hq_review_never_the_author(mission: Mission) -> None:
    ippy = f.ReportFactory(location=mission.base_a, author=mission.cla)
    baboua = f.ReportFactory(location=mission.base_b, author=mission.cla_b)
    at_the_office = f.ReportFactory(location=mission.office_a, author=mission.cla)

    def reviewers(report: Report) -> set[str]:
        return {r for r in ROLES if permissions.may_review_report(_user(mission, r), report)}

    assert reviewers(ippy) == {"coordinator", "hq", "admin"}
    assert reviewers(at_the_office) == {"coordinator", "hq", "admin"}
    assert reviewers(baboua) == {"hq", "admin"}
    earlier = ippy.period_start - dt.timedelta(days=1)
    by_hq = f.ReportFactory(
        location=mission.base_a, author=mission.hq, period_start=earlier, period_end=earlier
    )
    assert reviewers(by_hq) == {"coordinator", "admin"}


def test_compiled_reports_are_not_reviewed(mission: Mission) -> None:
    report = f.ReportFactory(
        origin=Report.Origin.COMPILED, scope=Report.Scope.MISSION, location=None
    )

    assert not [r for r in ROLES if permissions.may_review_report(_user(mission, r), report)]
