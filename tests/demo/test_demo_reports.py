"""The demo has reports to read: digests of the last weeks compiled for the mission and each
sector, flash digests, distribution lists, and compilations on demand to follow."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clas.models import User
from demo import reports as demo_reports
from reporting.models import CompileRequest, DistributionList, Report
from reporting.selectors import mission_today

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(
    django_db_setup: None, django_db_blocker: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Seed once for the module, inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("demo-reports-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        transaction.atomic(),
    ):
        os.environ.pop("DEMO_PASSWORD", None)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def _signed_in(username: str) -> Client:
    """Signed in, with the second step done for the logins that have an authenticator app."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _compiled(**lookup: object) -> list[Report]:
    return list(Report.objects.filter(origin=Report.Origin.COMPILED, **lookup))


def test_the_mission_has_a_daily_digest_for_each_of_the_last_weeks_days() -> None:
    yesterday = mission_today() - dt.timedelta(days=1)
    days = {r.period_start for r in _compiled(kind="daily", scope="mission")}

    expected = {yesterday - dt.timedelta(days=n) for n in range(demo_reports.MISSION_DAILY_DAYS)}
    assert days == expected
    assert len(days) >= 14


def test_the_mission_and_every_sector_have_the_last_two_weekly_digests() -> None:
    weekly = _compiled(kind="weekly")

    mondays = {r.period_start for r in weekly}
    assert len(mondays) == 2 and all(day.weekday() == 0 for day in mondays)
    scopes = {(r.period_start, r.sector_id) for r in weekly}
    assert len(scopes) == len(mondays) * (1 + len({r.sector_id for r in weekly} - {None}))


def test_there_are_flash_digests_of_the_mission_and_of_sectors() -> None:
    flash = _compiled(kind="flash")

    assert {r.scope for r in flash} == {"mission", "sector"}
    assert any(r.figures["flash_alert_id"] for r in flash if r.scope == "sector")


def test_the_digests_hold_the_demo_alerts() -> None:
    assert sum(r.figures["total"] for r in _compiled(kind="daily", scope="mission")) > 0


def test_demo_hq_reads_daily_and_weekly_digests_on_the_page_and_in_the_api() -> None:
    client = _signed_in("demo-hq")

    page = client.get(reverse("reporting:report_list"), {"origin": "compiled"})
    api = client.get("/api/v1/reports/", {"origin": "compiled", "kind": "weekly"}).json()
    daily = client.get("/api/v1/reports/", {"origin": "compiled", "kind": "daily"}).json()

    assert page.status_code == 200
    assert "Daily situation report" in page.content.decode()
    assert api["count"] >= 2 and daily["count"] >= 14
    report = _compiled(kind="weekly", scope="mission")[0]
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200


def test_the_pdf_of_a_demo_digest_is_rendered_when_first_downloaded() -> None:
    report = _compiled(kind="weekly", scope="mission")[0]
    assert not report.pdf

    response = _signed_in("demo-hq").get(reverse("reporting:report_pdf", args=[report.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_demo_coordinator_and_demo_force_read_the_digests_of_their_sector() -> None:
    coordinator = User.objects.get(username="demo-coordinator")
    officer = User.objects.get(username="demo-force")
    for user in (coordinator, officer):
        sector_id = user.sector_id or coordinator.field_office.sector_id
        report = _compiled(kind="daily", sector_id=sector_id)[0]
        page = _signed_in(user.username).get(reverse("reporting:report_detail", args=[report.pk]))
        assert page.status_code == 200, user.username


def test_a_distribution_list_is_set_up_for_the_mission_and_the_demo_sector() -> None:
    lists = list(DistributionList.objects.filter(is_active=True))
    officer = User.objects.get(username="demo-force")

    mission_wide = [dl for dl in lists if dl.sector_id is None]
    assert mission_wide and User.objects.get(username="demo-hq").email in mission_wide[0].addresses
    sector = [dl for dl in lists if dl.sector_id == officer.sector_id]
    assert sector and officer.email in sector[0].addresses


def test_demo_hq_and_demo_coordinator_find_a_compilation_to_follow() -> None:
    for username in ("demo-hq", "demo-coordinator"):
        asked = CompileRequest.objects.get(requested_by__username=username)
        assert asked.status == "done" and asked.report_id
        page = _signed_in(username).get(reverse("reporting:compile_create"))
        assert reverse("reporting:compile_detail", args=[asked.pk]) in page.content.decode()


def test_seeding_again_compiles_nothing_more() -> None:
    count = Report.objects.count()

    assert demo_reports.reports_seed(today=mission_today()) == 0
    assert Report.objects.count() == count
    assert CompileRequest.objects.count() == 2
