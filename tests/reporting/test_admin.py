from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from reporting.models import (
    Assessment,
    AssessmentResponse,
    CompileRequest,
    DistributionList,
    Report,
)
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

REPORTING_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label == "reporting"
)


def url(model_label: str, view: str, *args: object) -> str:
    app_label, model_name = model_label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client: Client, mission: Mission) -> Client:
    client.force_login(mission.admin)
    return client


@pytest.fixture
def report(mission: Mission) -> Report:
    alert = f.AlertFactory(location=mission.base_a, logged_by=mission.cla)
    report = f.ReportFactory(location=mission.base_a, author=mission.cla, title="Ippy daily")
    report.alerts.add(alert)
    DistributionList.objects.create(
        name="Sector A", emails="ops@mission.test\nforce@mission.test", sector=mission.sector_a
    )
    assessment = Assessment.objects.create(
        year=2026, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 11, 30)
    )
    AssessmentResponse.objects.create(
        assessment=assessment,
        respondent=mission.cla,
        respondent_kind="cla",
        answers={"feedback": 4},
    )
    CompileRequest.objects.create(
        requested_by=mission.hq,
        kind="daily",
        period_start=report.period_start,
        period_end=report.period_end,
        sector=mission.sector_a,
    )
    return report


@pytest.mark.parametrize("model_label", REPORTING_MODELS)
def test_admin_pages_load_with_data(
    superuser_client: Client, report: Report, model_label: str
) -> None:
    model = apps.get_model(model_label)
    obj = model._default_manager.first()
    assert obj is not None, "the fixture must create a row of every model"

    assert superuser_client.get(url(model_label, "changelist")).status_code == 200
    assert superuser_client.get(url(model_label, "changelist"), {"q": "a"}).status_code == 200
    assert superuser_client.get(url(model_label, "add")).status_code == 200
    assert superuser_client.get(url(model_label, "change", obj.pk)).status_code == 200


def test_report_search_finds_by_title(
    superuser_client: Client, report: Report, mission: Mission
) -> None:
    f.ReportFactory(location=mission.base_b, title="Baboua daily")

    response = superuser_client.get(url("reporting.Report", "changelist"), {"q": "ippy"})

    assert list(response.context["cl"].result_list) == [report]


def test_report_alerts_are_raw_ids_not_a_select_of_every_alert(
    superuser_client: Client, report: Report
) -> None:
    response = superuser_client.get(url("reporting.Report", "change", report.pk))

    form = response.context["adminform"].form
    assert form.fields["alerts"].widget.__class__.__name__ == "ManyToManyRawIdWidget"
    assert form.fields["alert"].widget.__class__.__name__ == "ForeignKeyRawIdWidget"


def test_distribution_list_saves_ticked_kinds_and_one_address_per_line(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.post(
        url("reporting.DistributionList", "add"),
        {
            "name": "HQ",
            "emails": " hq@mission.test \n\ncas@mission.test\n",
            "kinds": ["weekly", "flash"],
            "sector": "",
            "is_active": "on",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    saved = DistributionList.objects.get(name="HQ")
    assert saved.kinds == ["weekly", "flash"]
    assert saved.addresses == ["hq@mission.test", "cas@mission.test"]


def test_distribution_list_refuses_a_bad_address(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.post(
        url("reporting.DistributionList", "add"),
        {"name": "HQ", "emails": "hq@mission.test\nnot-an-address", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "not-an-address is not a valid email address" in response.content.decode()
    assert not DistributionList.objects.filter(name="HQ").exists()


LIFECYCLE = {
    "status",
    "due_at",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "figures",
    "pdf",
    "csv",
    "generated_at",
    "distributed_at",
}
IDENTITY = {"kind", "origin", "scope", "sector", "location", "period_start", "period_end", "author"}


def test_the_admin_shows_but_never_changes_where_a_report_stands(
    superuser_client: Client, report: Report
) -> None:
    response = superuser_client.get(url("reporting.Report", "change", report.pk))

    fields = set(response.context["adminform"].form.fields)
    assert not fields & (LIFECYCLE | IDENTITY)
    assert {"title", "key_events", "narrative", "alert", "alerts"} <= fields
    assert "distributed_at" in response.content.decode()


def test_a_new_report_in_the_admin_gets_its_kind_and_place_but_no_state(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.get(url("reporting.Report", "add"))

    fields = set(response.context["adminform"].form.fields)
    assert not fields & LIFECYCLE
    assert fields >= IDENTITY


def test_the_admin_corrects_the_text_of_a_report_not_its_status(
    superuser_client: Client, report: Report
) -> None:
    alert_ids = ",".join(str(pk) for pk in report.alerts.values_list("pk", flat=True))

    response = superuser_client.post(
        url("reporting.Report", "change", report.pk),
        {
            "title": "Ippy daily, corrected",
            "security_level": "calm",
            "key_events": "Market day, calm.",
            "can_activity": "",
            "needs": "",
            "narrative": "",
            "alert": "",
            "alerts": alert_ids,
            "status": Report.Status.ACCEPTED,
            "review_comment": "Looks fine",
            "period_start": "2020-01-01",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.title == "Ippy daily, corrected"
    assert report.key_events == "Market day, calm."
    assert report.status == Report.Status.DRAFT
    assert report.review_comment == ""
    assert report.period_start != dt.date(2020, 1, 1)
