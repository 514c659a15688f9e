from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from pypdf import PdfReader

from reporting.models import DistributionList, Report
from reporting.services import report_compile, report_distribute
from tests import factories as f

DAY = dt.date(2026, 6, 10)


def _alert_on(day: dt.date, **kwargs):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return f.AlertFactory(
        reported_at=at, occurred_at=at - dt.timedelta(hours=1), created_at=at, **kwargs
    )


@pytest.mark.django_db
def test_weekly_report_figures_pdf_and_csv(mission) -> None:
    for _ in range(3):
        _alert_on(
            DAY, location=mission.base_a, source_name="Secret Name", source_contact="+236 1111"
        )
    _alert_on(DAY, location=mission.base_b)
    _alert_on(DAY + dt.timedelta(days=10), location=mission.base_a)  # outside the period

    report = report_compile(
        kind=Report.Kind.WEEKLY, start=DAY - dt.timedelta(days=2), end=DAY + dt.timedelta(days=4)
    )

    assert report.figures["total"] == 4
    assert {r["location"]: r["count"] for r in report.figures["by_location"]} == {
        "Ippy": 3,
        "Baboua": 1,
    }
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)
    assert "Ippy" in text and "Baboua" in text
    assert "Analyse hebdomadaire" in text  # compiled in the mission's report language, French
    rows = list(csv.DictReader(io.StringIO(report.csv.read().decode())))
    assert len(rows) == 4
    assert "Secret Name" not in report.csv.open().read().decode()
    assert "source_name" not in rows[0]


@pytest.mark.django_db
def test_sector_report_only_counts_its_sector(mission) -> None:
    _alert_on(DAY, location=mission.base_a)
    _alert_on(DAY, location=mission.base_b)

    report = report_compile(
        kind=Report.Kind.DAILY, start=DAY, end=DAY, sector_id=mission.sector_b.pk
    )

    assert report.scope == Report.Scope.SECTOR
    assert report.figures["total"] == 1


@pytest.mark.django_db
def test_a_rerun_replaces_the_report(mission) -> None:
    _alert_on(DAY, location=mission.base_a)
    first = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)
    _alert_on(DAY, location=mission.base_a)

    second = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    assert second.pk == first.pk
    assert Report.objects.filter(origin=Report.Origin.COMPILED).count() == 1
    assert second.figures["total"] == 2


@pytest.mark.django_db
def test_distribution_emails_the_lists_of_its_scope_once(mission) -> None:
    # Addresses of mission-wide accounts (mission.hq's and this one) get the stored files.
    f.UserFactory(username="chief", role="hq")
    DistributionList.objects.create(
        name="HQ", emails="hq@mission.test\nchief@mission.test", kinds=["daily"]
    )
    DistributionList.objects.create(
        name="Weekly only", emails="weekly@mission.test", kinds=["weekly"]
    )
    DistributionList.objects.create(
        name="Sector B", emails="b@mission.test", sector=mission.sector_b
    )
    report = report_compile(kind=Report.Kind.DAILY, start=DAY, end=DAY)

    assert report_distribute(report_id=report.pk) == 2
    assert report_distribute(report_id=report.pk) == 0

    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].bcc) == ["chief@mission.test", "hq@mission.test"]
    assert [a[2] for a in mail.outbox[0].attachments] == ["application/pdf", "text/csv"]


# --- in the report language, labels and never codes --------------------------------------

NBSP = "\u00a0"
LABELS = {
    "fr": {
        "typography": f"Urgence{NBSP}: Immédiate / Gravité{NBSP}: Extrême / Certitude{NBSP}: Observée",
        "row": ["Attaque contre des civils", "Immédiate", "Extrême", "Observée"],
        "status": "Résultat enregistré",
        "outcome": "Partiellement confirmée",
        "response": "Patrouille envoyée",
        "header": ["Référence", "Date du signalement", "Date des faits", "Localité"],
    },
    "en": {
        "typography": "Urgency: Immediate / Severity: Extreme / Certainty: Observed",
        "row": ["Attack on civilians", "Immediate", "Extreme", "Observed"],
        "status": "Outcome recorded",
        "outcome": "Partly confirmed",
        "response": "Patrol dispatched",
        "header": ["Reference", "Reported at", "Occurred at", "Location"],
    },
}


def _pdf_text(report: Report) -> str:
    report.pdf.open()
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_pdf_and_csv_speak_the_report_language_with_labels_not_codes(
    settings, mission, language: str
) -> None:
    settings.REPORT_LANGUAGE = language
    expected = LABELS[language]
    alert = _alert_on(
        DAY,
        location=mission.base_a,
        urgency="Immediate",
        severity="Extreme",
        certainty="Observed",
        status="verified",
        outcome="partly",
        response="patrol",
    )

    # Compiled while the other language is active (a worker, an English request).
    with translation.override("en" if language == "fr" else "fr"):
        report = report_compile(
            kind=Report.Kind.FLASH,
            start=DAY,
            end=DAY,
            sector_id=mission.sector_a.pk,
            alert_id=alert.pk,
        )

    text = _pdf_text(report)
    assert expected["typography"] in text
    assert expected["status"] in text
    assert "verified" not in text  # the status code
    raw = report.csv.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets then read the accents as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[:4] == expected["header"]
    cells = dict(zip(header, row, strict=True))
    assert [cells[header[i]] for i in (7, 8, 9, 10)] == expected["row"]
    assert [cells[header[i]] for i in (11, 12, 13)] == [
        expected["status"],
        expected["outcome"],
        expected["response"],
    ]
    assert not {"verified", "partly", "patrol", "attack", "can_member"} & set(row)


@pytest.mark.django_db
def test_a_french_report_puts_a_non_breaking_space_before_its_colons(settings, mission) -> None:
    settings.REPORT_LANGUAGE = "fr"
    _alert_on(DAY, location=mission.base_a, status="verified", outcome="confirmed")

    report = report_compile(
        kind=Report.Kind.DAILY, start=DAY, end=DAY, sector_id=mission.sector_a.pk
    )

    text = _pdf_text(report)
    assert f"Période{NBSP}: du {DAY.isoformat()}" in text
    assert f"Secteur{NBSP}: {mission.sector_a.name}" in text
    assert f"100{NBSP}%" in text
    assert not re.search(r"\S[:;?!]\s", text.replace("http://", "").replace("https://", ""))


@pytest.mark.django_db
def test_a_compiled_report_is_titled_in_each_reader_s_language(settings, mission) -> None:
    settings.REPORT_LANGUAGE = "fr"
    with translation.override("en"):
        report = report_compile(kind=Report.Kind.WEEKLY, start=DAY, end=DAY + dt.timedelta(days=6))

    stored = f"Analyse hebdomadaire - {settings.MISSION_NAME} - 2026-06-10 / 2026-06-16"
    assert report.title == stored
    with translation.override("en"):
        assert report.display_title == (
            f"Weekly analysis - {settings.MISSION_NAME} - 2026-06-10 / 2026-06-16"
        )
    with translation.override("fr"):
        assert report.display_title == stored
    assert report.system_title["code"] == "period"
