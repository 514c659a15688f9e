"""Digests compiled on demand go to the distribution lists of their kind and scope when asked;
PDFs left for later are rendered when first needed, for a download or an email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from reporting.models import CompileRequest, DistributionList, Report
from reporting.on_demand.services import compile_request_create, compile_request_run
from reporting.selectors import mission_today
from reporting.services import report_compile, report_distribute
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def yesterday() -> dt.date:
    return mission_today() - dt.timedelta(days=1)


@pytest.fixture
def lists(mission: Mission) -> dict[str, DistributionList]:
    return {
        "mission": DistributionList.objects.create(
            name="HQ", emails="jmac@example.org\njoc@example.org", kinds=[]
        ),
        "sector_a": DistributionList.objects.create(
            name="Sector A",
            emails=f"joc-a@example.org\n{mission.hq.email}",
            kinds=["daily"],
            sector=mission.sector_a,
        ),
        "weekly_only": DistributionList.objects.create(
            name="Analysts", emails="analyst@example.org", kinds=["weekly"]
        ),
    }


def _run(asked: Any) -> CompileRequest:
    compile_request_run(request_id=asked.request.pk)
    return CompileRequest.objects.get(pk=asked.request.pk)


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.bcc}


def test_a_digest_asked_to_be_sent_goes_to_the_lists_of_its_kind_and_scope(
    mission: Mission, lists: dict[str, DistributionList], yesterday: dt.date
) -> None:
    asked = compile_request_create(
        user=mission.hq,
        kind="daily",
        period_start=yesterday,
        sector_id=mission.sector_a.pk,
        distribute=True,
    )

    done = _run(asked)

    assert done.status == "done"
    assert _recipients() == {"joc-a@example.org", mission.hq.email}
    assert done.report.distributed_at is not None
    to_hq = next(m for m in mail.outbox if mission.hq.email in m.bcc)
    assert any(name.endswith(".pdf") for name, _content, _type in to_hq.attachments)


def test_a_mission_digest_goes_to_the_mission_lists_that_take_its_kind(
    mission: Mission, lists: dict[str, DistributionList], yesterday: dt.date
) -> None:
    asked = compile_request_create(
        user=mission.admin, kind="daily", period_start=yesterday, distribute=True
    )

    _run(asked)

    assert _recipients() == {"jmac@example.org", "joc@example.org"}


def test_a_digest_not_asked_to_be_sent_is_sent_to_nobody(
    mission: Mission, lists: dict[str, DistributionList], yesterday: dt.date
) -> None:
    done = _run(compile_request_create(user=mission.hq, kind="daily", period_start=yesterday))

    assert done.status == "done" and mail.outbox == []
    assert done.report.distributed_at is None


def test_asking_to_send_a_digest_being_compiled_sends_it_once_compiled(
    mission: Mission, lists: dict[str, DistributionList], yesterday: dt.date
) -> None:
    first = compile_request_create(user=mission.hq, kind="daily", period_start=yesterday)
    second = compile_request_create(
        user=mission.admin, kind="daily", period_start=yesterday, distribute=True
    )

    assert second.reused and second.request.pk == first.request.pk
    _run(first)
    assert _recipients() == {"jmac@example.org", "joc@example.org"}


def test_the_page_sends_when_the_box_is_ticked(
    mission: Mission,
    lists: dict[str, DistributionList],
    yesterday: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(mission.coordinator)
    body = {
        "kind": "daily",
        "period_start": yesterday.isoformat(),
        "scope": str(mission.sector_a.pk),
        "distribute": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:compile_create"), body)

    assert response.status_code == 302
    assert CompileRequest.objects.get().distribute is True
    assert _recipients() == {"joc-a@example.org", mission.hq.email}


def test_a_report_compiled_without_its_pdf_renders_it_when_first_downloaded(
    mission: Mission, yesterday: dt.date
) -> None:
    report = report_compile(kind="daily", start=yesterday, end=yesterday, with_pdf=False)
    assert not report.pdf and report.csv
    client = Client()
    client.force_login(mission.hq)

    api = client.get(f"/api/v1/reports/{report.pk}/").json()
    response = client.get(reverse("reporting:report_pdf", args=[report.pk]))

    assert api["pdf_url"].endswith(reverse("reporting:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    report.refresh_from_db()
    assert report.pdf.name.endswith(".pdf")


def test_a_report_compiled_without_its_pdf_is_emailed_with_it(
    mission: Mission, lists: dict[str, DistributionList], yesterday: dt.date
) -> None:
    report = report_compile(
        kind="daily", start=yesterday, end=yesterday, sector_id=mission.sector_a.pk, with_pdf=False
    )

    report_distribute(report_id=report.pk)

    attachments = [name for message in mail.outbox for name, _c, _t in message.attachments]
    assert any(name.endswith(".pdf") for name in attachments)
    assert Report.objects.get(pk=report.pk).pdf


def test_compiling_again_without_the_pdf_drops_the_pdf_of_before(
    mission: Mission, yesterday: dt.date
) -> None:
    first = report_compile(kind="daily", start=yesterday, end=yesterday)
    assert first.pdf

    again = report_compile(kind="daily", start=yesterday, end=yesterday, with_pdf=False)

    assert again.pk == first.pk and not again.pdf
