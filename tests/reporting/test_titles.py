"""Titles the system gives reports are stored as codes (Report.system_title) and read in the
reader's language; a title a person wrote or corrected stays as written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from reporting.assessment.services import assessment_close_and_compile
from reporting.models import Assessment, Report
from reporting.selectors import reports_pending
from reporting.services import report_create, report_update
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def report_language(settings) -> None:
    settings.REPORT_LANGUAGE = "fr"


def _flash_report(mission: Mission) -> Report:
    # Routed while a French-speaking CLA's request was running the tasks in-process.
    with translation.override("fr"):
        alert = log(mission, urgency="Immediate")
    return Report.objects.get(kind=Report.Kind.FLASH, alert=alert)


def _page(user: object, url: str, language: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_flash_report_opened_in_french_is_titled_in_english_for_an_english_reader(
    mission: Mission,
) -> None:
    report = _flash_report(mission)
    reference = report.alert.reference

    with translation.override("en"):
        english = report.display_title
    with translation.override("fr"):
        french = report.display_title

    assert english == f"Flash report: Attack on civilians at Ippy ({reference})"
    assert french == f"Rapport flash{NBSP}: Attaque contre des civils à Ippy ({reference})"
    assert report.title == french  # stored in the report language, for search and mail
    assert english in _page(mission.cla, reverse("reporting:report_list"), "en")
    assert french in _page(mission.cla, reverse("reporting:report_list"), "fr")
    detail = _page(mission.hq, reverse("reporting:report_detail", args=[report.pk]), "en")
    assert f"<h1>{english} " in detail


def test_the_api_gives_the_title_in_the_request_s_language(mission: Mission) -> None:
    report = _flash_report(mission)
    client = APIClient()
    client.force_login(mission.hq)
    url = f"/api/v1/reports/{report.pk}/"

    english = client.get(url, headers={"Accept-Language": "en"}).json()["title"]
    french = client.get(url, headers={"Accept-Language": "fr"}).json()["title"]

    assert english.startswith("Flash report: Attack on civilians at Ippy")
    assert french.startswith(f"Rapport flash{NBSP}: Attaque contre des civils")


def test_a_title_corrected_by_its_author_stays_as_written_for_everyone(mission: Mission) -> None:
    report = _flash_report(mission)

    report_update(user=mission.cla, report_id=report.pk, title="Attaque au marché d'Ippy")
    report.refresh_from_db()

    for language in ("en", "fr"):
        with translation.override(language):
            assert report.display_title == "Attaque au marché d'Ippy"


def test_saving_the_form_with_the_title_unchanged_keeps_it_in_each_reader_s_language(
    mission: Mission,
) -> None:
    report = _flash_report(mission)

    report_update(user=mission.cla, report_id=report.pk, title=report.title, needs="Radios")
    report.refresh_from_db()

    with translation.override("en"):
        assert report.display_title.startswith("Flash report: ")


def test_a_daily_report_left_untitled_is_named_in_each_reader_s_language(
    mission: Mission,
) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    mission.cla.cla_profile.deployments.update(start_date=day - dt.timedelta(days=30))
    with translation.override("en"):
        report = report_create(
            user=mission.cla,
            kind=Report.Kind.DAILY,
            location_id=mission.base_a.pk,
            period_start=day,
        )

    with translation.override("fr"):
        assert report.display_title == f"Rapport de situation quotidien - Ippy - {day.isoformat()}"
    with translation.override("en"):
        assert report.display_title == f"Daily situation report - Ippy - {day.isoformat()}"


def test_the_annual_assessment_report_is_titled_in_each_reader_s_language(
    mission: Mission,
) -> None:
    assessment = Assessment.objects.create(
        year=2026, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 11, 30)
    )

    report = assessment_close_and_compile(assessment_id=assessment.pk)

    assert report.title == "Évaluation conjointe Affaires civiles-Force 2026"
    with translation.override("en"):
        assert report.display_title == "Joint CAS-Force assessment 2026"


@pytest.mark.parametrize(
    "stored",
    [
        {"code": "flash", "params": {"location": "Ippy"}},  # a parameter missing
        {"code": "renamed-later", "params": {}},
        {"code": "period", "params": {"kind": "monthly", "scope": "x", "start": 1, "end": 1}},
        {"code": "period", "params": "not a dict"},
    ],
)
def test_a_stored_title_that_no_longer_fits_shows_the_title_as_written(
    mission: Mission, stored: dict
) -> None:
    report = _flash_report(mission)
    Report.objects.filter(pk=report.pk).update(system_title={**stored, "text": report.title})
    report.refresh_from_db()

    with translation.override("en"):
        assert report.display_title == report.title
    assert _page(mission.hq, reverse("reporting:report_list"), "en")


def test_the_reports_to_send_give_their_titles_without_a_query_each(
    mission: Mission, django_assert_num_queries
) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    mission.cla.cla_profile.deployments.update(start_date=day - dt.timedelta(days=30))
    for back in range(3):
        report_create(
            user=mission.cla,
            kind=Report.Kind.DAILY,
            location_id=mission.base_a.pk,
            period_start=day - dt.timedelta(days=back),
        )
    _flash_report(mission)
    today = timezone.localdate()
    pending = [p for p in reports_pending(user=mission.cla, day=today) if p.report]
    assert len(pending) == 4

    with django_assert_num_queries(0), translation.override("en"):
        titles = [p.report.display_title for p in pending]

    assert sum(t.startswith("Daily situation report - Ippy") for t in titles) == 3
