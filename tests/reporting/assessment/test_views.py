"""The joint assessment page: the questionnaire of CLAs and Force officers (answer, come back,
correct), the status HQ follows, and closing and compiling the analytical report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clas.models import User
from reporting.assessment.questionnaire import questions_for
from reporting.models import Assessment, AssessmentResponse, Report
from tests import factories as f
from tests.conftest import Mission
from tests.core.html import Page, parse

URL = reverse("reporting:assessment")
COMPILE = reverse("reporting:assessment_compile")


@pytest.fixture
def assessment(db: None) -> Assessment:
    return Assessment.objects.create(
        year=2026, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 11, 30)
    )


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def answers(kind: str, score: int, assessment: Assessment, text: str = "More radios") -> dict:
    data: dict[str, Any] = {"assessment": assessment.pk}
    for q in questions_for(kind):
        data[q.code] = score if q.scored else text
    return data


def checked(page: Page, name: str) -> list[str]:
    return [e.attrs["value"] for e in page.find_all("input", name=name) if "checked" in e.attrs]


def text(response: Any) -> str:
    return response.content.decode()


# --- the questionnaire --------------------------------------------------------------------


def test_a_cla_sees_the_questions_for_clas_with_scores_from_1_to_5(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    response = login(client, mission.cla).get(URL)

    assert response.status_code == 200
    page = parse(response.content)
    for q in questions_for("cla"):
        assert str(q.text) in text(response)
        if q.scored:
            assert [e.attrs["value"] for e in page.find_all("input", name=q.code)] == [
                "1", "2", "3", "4", "5"
            ]  # fmt: skip
        else:
            assert page.find_all("textarea", name=q.code)
    labels = [e.text.strip() for e in page.find_all("label")]
    assert "1 — not at all" in labels and "5 — fully" in labels
    assert page.find_all("input", name="assessment", value=str(assessment.pk))


def test_a_force_officer_gets_the_officers_questions_only(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    page = parse(login(client, mission.force).get(URL).content)

    assert page.find_all("input", name="feedback")
    assert not page.find_all("input", name="safety")  # asked to CLAs only


@pytest.mark.parametrize("role", ["cla", "force"])
def test_the_navigation_of_respondents_leads_to_the_questionnaire(
    client: Client, mission: Mission, assessment: Assessment, role: str
) -> None:
    page = parse(login(client, mission.user(role)).get(URL).content)

    nav = page.find_all("nav", class_="nav")[0]
    assert [a.text for a in page.find_all("a", within=nav, href=URL)] == ["Joint assessment"]


def test_the_questionnaire_round_trip(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    client = login(client, mission.cla)

    response = client.post(URL, answers("cla", 4, assessment) | {"safety": "2"})

    assert response.status_code == 302 and response["Location"] == URL
    saved = AssessmentResponse.objects.get(respondent=mission.cla)
    assert saved.answers["feedback"] == 4 and saved.answers["safety"] == 2
    assert saved.answers["improve"] == "More radios"
    assert saved.location == mission.base_a
    again = client.get(URL)
    assert "your answers are saved" in text(again)
    page = parse(again.content)
    assert checked(page, "feedback") == ["4"]
    assert checked(page, "safety") == ["2"]
    assert page.find_all("textarea", name="improve")[0].text.strip() == "More radios"


def test_answering_again_replaces_the_answers(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    client = login(client, mission.force)
    client.post(URL, answers("force", 2, assessment))

    client.post(URL, answers("force", 5, assessment, text=""))

    saved = AssessmentResponse.objects.get()
    assert saved.answers["feedback"] == 5 and saved.answers["improve"] == ""
    assert saved.respondent_kind == "force"


@pytest.mark.parametrize("bad", ["9", "0", "x", ""])
def test_an_invalid_score_is_shown_on_its_question_and_nothing_is_saved(
    client: Client, mission: Mission, assessment: Assessment, bad: str
) -> None:
    client = login(client, mission.cla)
    client.post(URL, answers("cla", 3, assessment))

    response = client.post(URL, answers("cla", 5, assessment) | {"feedback": bad})

    assert response.status_code == 200
    page = parse(response.content)
    question = page.find_all("fieldset", id="q-feedback")[0]
    assert "Give a score from 1 to 5." in question.text
    other = page.find_all("fieldset", id="q-safety")[0]
    assert "Give a score from 1 to 5." not in other.text
    assert "Nothing was saved" in text(response)
    assert checked(page, "safety") == ["5"]  # what was typed stays on the page
    assert AssessmentResponse.objects.get().answers["feedback"] == 3


def test_an_open_answer_too_long_is_refused_on_its_question(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    response = login(client, mission.cla).post(URL, answers("cla", 3, assessment, text="x" * 2001))

    field = parse(response.content).find_all("div", id="q-improve")[0]
    assert "2,000 characters" in field.text
    assert not AssessmentResponse.objects.exists()


def test_a_closed_assessment_refuses_answers_with_a_message(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    client = login(client, mission.cla)
    form = answers("cla", 4, assessment)
    assessment.status = Assessment.Status.CLOSED
    assessment.save()

    response = client.post(URL, form, follow=True)

    assert "This assessment is closed." in text(response)
    assert "No joint assessment is open" in text(response)
    assert not AssessmentResponse.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "0"])
def test_a_damaged_form_is_an_error_not_a_crash(
    client: Client, mission: Mission, assessment: Assessment, value: str
) -> None:
    response = login(client, mission.cla).post(
        URL, answers("cla", 4, assessment) | {"assessment": value}
    )

    assert response.status_code == 200
    assert "The form is damaged" in text(response)
    assert not AssessmentResponse.objects.exists()


def test_answers_to_an_assessment_that_does_not_exist_are_not_found(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    response = login(client, mission.cla).post(
        URL, answers("cla", 4, assessment) | {"assessment": assessment.pk + 100}
    )

    assert response.status_code == 404
    assert not AssessmentResponse.objects.exists()


def test_without_an_open_assessment_the_cla_is_told_so(client: Client, mission: Mission) -> None:
    response = login(client, mission.cla).get(URL)

    assert response.status_code == 200
    assert "No joint assessment is open" in text(response)
    assert not parse(response.content).find_all("form", method="post", action=URL)


def test_the_latest_open_assessment_is_the_one_answered(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    Assessment.objects.create(
        year=2025, opens_on=dt.date(2025, 10, 1), closes_on=dt.date(2025, 11, 30)
    )

    page = parse(login(client, mission.cla).get(URL).content)

    assert page.find_all("input", name="assessment", value=str(assessment.pk))


# --- who may do what ----------------------------------------------------------------------


def test_coordinators_are_refused(client: Client, mission: Mission, assessment: Assessment) -> None:
    assert login(client, mission.coordinator).get(URL).status_code == 403
    assert client.post(URL, answers("cla", 4, assessment)).status_code == 403
    assert not AssessmentResponse.objects.exists()


def test_hq_cannot_answer(client: Client, mission: Mission, assessment: Assessment) -> None:
    response = login(client, mission.hq).post(URL, answers("cla", 4, assessment))

    assert response.status_code == 200  # the status page: nothing is read from the post
    assert not AssessmentResponse.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, mission: Mission) -> None:
    assert client.get(URL).status_code == 302
    assert client.post(COMPILE).status_code == 302


# --- HQ: the status -----------------------------------------------------------------------


def _rows(page: Page, caption: str) -> list[list[str]]:
    table = next(t for t in page.find_all("table") if caption in t.text)
    tbody = page.find_all("tbody", within=table)[0]
    return [
        [c.text.strip() for c in page.elements if c.tag in ("th", "td") and tr in c.parents]
        for tr in page.find_all("tr", within=tbody)
    ]


def test_hq_sees_who_answered_by_kind_location_and_sector(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    client.force_login(mission.cla)
    client.post(URL, answers("cla", 4, assessment))
    client.force_login(mission.force)
    client.post(URL, answers("force", 4, assessment))
    f.UserFactory(username="force-b", role="force", sector=mission.sector_b)

    response = login(client, mission.hq).get(URL)

    page = parse(response.content)
    assert "1 CLA answered" in text(response)
    assert "1 Force officer answered" in text(response)
    assert _rows(page, "CLAs by location") == [["Baboua", "1", "0"], ["Ippy", "1", "1"]]
    assert _rows(page, "Force officers by sector") == [
        ["Sector A", "1", "1"],
        ["Sector B", "1", "0"],
    ]
    assert page.find_all("form", method="post", action=COMPILE)


def test_without_an_open_assessment_admins_get_a_link_to_open_one(
    client: Client, mission: Mission
) -> None:
    response = login(client, mission.admin).get(URL)

    assert "No joint assessment is open" in text(response)
    assert parse(response.content).find_all("a", href=reverse("admin:reporting_assessment_add"))
    assert not parse(response.content).find_all("form", action=COMPILE)


def test_hq_staff_outside_the_admin_are_told_who_opens_it(client: Client, mission: Mission) -> None:
    response = login(client, mission.hq).get(URL)

    assert "A mission administrator opens the next one" in text(response)
    assert reverse("admin:reporting_assessment_add") not in text(response)


# --- HQ: close and compile ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["hq", "admin"])
def test_compiling_closes_the_assessment_and_shows_its_report(
    client: Client, mission: Mission, assessment: Assessment, role: str
) -> None:
    client.force_login(mission.cla)
    client.post(URL, answers("cla", 4, assessment))

    response = login(client, mission.user(role)).post(COMPILE)

    assessment.refresh_from_db()
    report = assessment.report
    assert assessment.status == Assessment.Status.CLOSED
    assert report.kind == Report.Kind.ANNUAL and report.origin == Report.Origin.COMPILED
    assert report.pdf and report.html
    assert report.figures["respondents"] == {"cla": 1, "force": 0}
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "its analytical report compiled" in text(page)
    assert report.title in text(page)


def test_after_compiling_the_questionnaire_is_closed_and_links_to_the_report(
    client: Client, mission: Mission, assessment: Assessment
) -> None:
    login(client, mission.hq).post(COMPILE)

    response = login(client, mission.force).get(URL)

    assert "No joint assessment is open" in text(response)
    report = Report.objects.get(kind=Report.Kind.ANNUAL)
    assert parse(response.content).find_all(
        "a", href=reverse("reporting:report_detail", args=[report.pk])
    )  # Force officers read the mission's compiled reports


@pytest.mark.parametrize("role", ["cla", "force", "coordinator"])
def test_only_hq_and_admins_compile(
    client: Client, mission: Mission, assessment: Assessment, role: str
) -> None:
    response = login(client, mission.user(role)).post(COMPILE)

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert not Report.objects.exists()


def test_compiling_is_a_post(client: Client, mission: Mission, assessment: Assessment) -> None:
    assert login(client, mission.hq).get(COMPILE).status_code == 405
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


def test_compiling_without_an_open_assessment_says_so(client: Client, mission: Mission) -> None:
    response = login(client, mission.hq).post(COMPILE, follow=True)

    assert "nothing to compile" in text(response)
    assert not Report.objects.exists()
