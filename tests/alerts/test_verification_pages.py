"""The verification of an alert on its page and in the API: checks, the grade, who may."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from alerts import services
from alerts.models import Alert, VerificationCheck
from clas.models import Role
from tests import factories as f
from tests.alerts.support import api_client, log, off_duty_force, page_client
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def _acknowledged(mission: Mission) -> Alert:
    alert = log(mission)
    return services.alert_acknowledge(alert_id=alert.pk, user=mission.force)


def _graded(mission: Mission) -> Alert:
    alert = _acknowledged(mission)
    services.alert_grade(
        alert_id=alert.pk, user=mission.force, source_reliability="B", information_credibility=2
    )
    alert.refresh_from_db()
    return alert


def _force_b(mission: Mission) -> object:
    officer = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(officer)
    return officer


# --- the page -----------------------------------------------------------------------------


def test_the_officer_sees_the_checks_the_grade_and_both_forms(mission: Mission) -> None:
    alert = _graded(mission)
    services.alert_record_check(
        alert_id=alert.pk, user=mission.force, method="patrol", result="confirmed", note="Smoke"
    )

    html = page_client(mission.force).get(reverse("alerts:alert_detail", args=[alert.pk]))
    text = html.content.decode()

    assert 'id="verification-check"' in text and 'id="verification-grade"' in text
    assert re.search(
        r'<abbr class="badge badge-grade" title="B: usually reliable; 2: probably true">B2</abbr>',
        text,
    )
    assert "<strong>Patrol</strong>: Confirmed" in text
    assert "Graded</strong>: B2" in text  # the timeline line


def test_the_cla_sees_the_grade_but_no_form(mission: Mission) -> None:
    alert = _graded(mission)
    text = page_client(mission.cla).get(reverse("alerts:alert_detail", args=[alert.pk])).content
    assert b">B2</abbr>" in text
    assert b'id="verification-grade"' not in text and b'id="verification-check"' not in text


def test_the_page_records_a_check(mission: Mission) -> None:
    alert = _acknowledged(mission)
    response = page_client(mission.force).post(
        reverse("alerts:alert_check", args=[alert.pk]),
        {
            "check-version": alert.version,
            "check-method": "other_cla",
            "check-result": "inconclusive",
            "check-note": "The CLA of Bambari heard nothing",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/alerts/{alert.pk}/#verification")
    check = VerificationCheck.objects.get(alert=alert)
    assert (check.method, check.result, check.checked_by) == (
        "other_cla",
        "inconclusive",
        mission.force,
    )


def test_the_page_grades_the_alert(mission: Mission) -> None:
    alert = _acknowledged(mission)
    response = page_client(mission.force).post(
        reverse("alerts:alert_grade", args=[alert.pk]),
        {
            "grade-version": alert.version,
            "grade-source_reliability": "C",
            "grade-information_credibility": "3",
        },
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.grade == "C3"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"grade-source_reliability": "G", "grade-information_credibility": "3"}, "reliability"),
        ({"grade-source_reliability": "C", "grade-information_credibility": "7"}, "credibility"),
        ({"grade-information_credibility": "3"}, "reliability"),
    ],
)
def test_a_grade_outside_the_scale_is_a_field_error_on_the_page(
    mission: Mission, data: dict[str, str], field: str
) -> None:
    alert = _acknowledged(mission)
    response = page_client(mission.force).post(
        reverse("alerts:alert_grade", args=[alert.pk]), {"grade-version": alert.version, **data}
    )
    assert response.status_code == 400
    text = response.content.decode()
    expected = {
        "reliability": "Choose the reliability of the source, from A to F.",
        "credibility": "Choose the credibility of the information, from 1 to 6.",
    }[field]
    assert expected in text
    assert 'href="#id_grade-' in text  # the error summary links to the field
    alert.refresh_from_db()
    assert alert.grade == ""


def test_a_field_error_on_the_page_is_in_french_for_a_french_reader(mission: Mission) -> None:
    alert = _acknowledged(mission)
    client = page_client(mission.force)
    with translation.override("fr"):
        response = client.post(
            reverse("alerts:alert_check", args=[alert.pk]),
            {"check-version": alert.version, "check-method": "patrol"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 400
    assert "Choisissez ce que la vérification a trouvé." in response.content.decode()
    assert not VerificationCheck.objects.exists()


def test_a_form_from_an_out_of_date_page_is_refused_with_a_message(mission: Mission) -> None:
    alert = _acknowledged(mission)
    stale = alert.version
    services.alert_add_note(alert_id=alert.pk, user=mission.force, note="Called")
    response = page_client(mission.force).post(
        reverse("alerts:alert_grade", args=[alert.pk]),
        {
            "grade-version": stale,
            "grade-source_reliability": "A",
            "grade-information_credibility": "1",
        },
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    alert.refresh_from_db()
    assert alert.grade == ""


@pytest.mark.parametrize("role", ["cla", "coordinator", "hq"])
def test_who_does_not_work_the_queue_is_refused_on_the_page(mission: Mission, role: str) -> None:
    alert = _acknowledged(mission)
    response = page_client(mission.user(role)).post(
        reverse("alerts:alert_grade", args=[alert.pk]),
        {
            "grade-version": alert.version,
            "grade-source_reliability": "A",
            "grade-information_credibility": "1",
        },
    )
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.grade == ""


def test_an_officer_of_another_sector_gets_a_404_on_the_page(mission: Mission) -> None:
    alert = _acknowledged(mission)
    client = page_client(_force_b(mission))
    for name in ("alerts:alert_grade", "alerts:alert_check"):
        assert client.post(reverse(name, args=[alert.pk]), {}).status_code == 404


def test_the_queue_row_shows_the_grade_with_its_meaning(mission: Mission) -> None:
    _graded(mission)
    text = page_client(mission.force).get(reverse("alerts:queue_rows")).content.decode()
    assert 'title="B: usually reliable; 2: probably true">B2</abbr>' in text


# --- the API ------------------------------------------------------------------------------


def test_the_api_grades_and_shows_the_grade(mission: Mission) -> None:
    alert = _acknowledged(mission)
    client = api_client(mission.force)

    response = client.post(
        f"/api/v1/alerts/{alert.pk}/grade/",
        {"source_reliability": "D", "information_credibility": 4, "version": alert.version},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["grade"], body["source_reliability"], body["information_credibility"]) == (
        "D4",
        "D",
        4,
    )
    assert body["grade_meaning"] == "D: not usually reliable; 4: doubtful"
    assert body["graded_by"]["id"] == mission.force.pk
    listed = client.get("/api/v1/alerts/").json()["results"]
    assert [row["grade"] for row in listed if row["id"] == alert.pk] == ["D4"]


def test_the_api_records_a_check(mission: Mission) -> None:
    alert = _acknowledged(mission)
    response = api_client(mission.admin).post(
        f"/api/v1/alerts/{alert.pk}/checks/",
        {"method": "imagery", "result": "not_confirmed", "note": "Nothing on the pass"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    checks = response.json()["checks"]
    assert [(c["method"], c["result"], c["note"]) for c in checks] == [
        ("imagery", "not_confirmed", "Nothing on the pass")
    ]
    assert response.json()["timeline"][-1]["kind"] == "checked"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"source_reliability": "Z", "information_credibility": 2}, "source_reliability"),
        ({"source_reliability": "B", "information_credibility": 9}, "information_credibility"),
        ({"source_reliability": "B"}, "information_credibility"),
    ],
)
def test_a_grade_outside_the_scale_is_a_400_on_its_field_in_the_api(
    mission: Mission, payload: dict[str, object], field: str
) -> None:
    alert = _acknowledged(mission)
    response = api_client(mission.force).post(
        f"/api/v1/alerts/{alert.pk}/grade/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    alert.refresh_from_db()
    assert alert.grade == ""


@pytest.mark.parametrize("role", ["cla", "coordinator", "hq"])
def test_who_does_not_work_the_queue_gets_a_403_in_the_api(mission: Mission, role: str) -> None:
    alert = _acknowledged(mission)
    client = api_client(mission.user(role))
    grade = client.post(
        f"/api/v1/alerts/{alert.pk}/grade/",
        {"source_reliability": "A", "information_credibility": 1},
        format="json",
    )
    check = client.post(
        f"/api/v1/alerts/{alert.pk}/checks/",
        {"method": "patrol", "result": "confirmed"},
        format="json",
    )
    assert (grade.status_code, check.status_code) == (403, 403)


def test_an_officer_not_on_the_queue_gets_a_403_in_the_api(mission: Mission) -> None:
    alert = _acknowledged(mission)
    response = api_client(off_duty_force(mission)).post(
        f"/api/v1/alerts/{alert.pk}/grade/",
        {"source_reliability": "A", "information_credibility": 1},
        format="json",
    )
    assert response.status_code == 403


def test_an_officer_of_another_sector_gets_a_404_in_the_api(mission: Mission) -> None:
    alert = _acknowledged(mission)
    client = api_client(_force_b(mission))
    for path in ("grade", "checks"):
        assert client.post(f"/api/v1/alerts/{alert.pk}/{path}/", {}).status_code == 404


def test_a_closed_alert_is_a_409_in_the_api(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="partly")
    services.alert_close(alert_id=alert.pk, user=mission.force)
    response = api_client(mission.force).post(
        f"/api/v1/alerts/{alert.pk}/grade/",
        {"source_reliability": "A", "information_credibility": 1},
        format="json",
    )
    assert response.status_code == 409
