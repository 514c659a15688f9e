"""The joint assessment in the API: the same questionnaire, rules and services as the page, as
JSON, with 4xx for what is refused; and its place (with the monitoring) in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.test import Client

from clas.models import User
from reporting.assessment.questionnaire import questions_for
from reporting.models import Assessment, AssessmentResponse, Report
from tests.conftest import Mission

MONITORING = "/api/v1/monitoring/"
ASSESSMENT = "/api/v1/assessment/"
ANSWERS = "/api/v1/assessment/answers/"
COMPILE = "/api/v1/assessment/compile/"


@pytest.fixture
def assessment(db: None) -> Assessment:
    return Assessment.objects.create(
        year=2026, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 11, 30)
    )


def api(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data if data is not None else {}, content_type="application/json")


def answers(kind: str, score: int) -> dict[str, Any]:
    return {q.code: (score if q.scored else "Radios") for q in questions_for(kind)}


def test_a_cla_gets_their_questions_and_answers(mission: Mission, assessment: Assessment) -> None:
    client = api(mission.cla)
    before = client.get(ASSESSMENT).json()
    post(client, ANSWERS, answers("cla", 4))

    after = client.get(ASSESSMENT).json()

    assert before["assessment"]["id"] == assessment.pk
    assert before["assessment"]["status"] == "open"
    assert before["respondent_kind"] == "cla"
    assert [q["code"] for q in before["questions"]] == [q.code for q in questions_for("cla")]
    assert before["answers"] == {} and before["submitted_at"] is None
    assert before["responses"] is None
    assert before["scores"][0] == {"value": 1, "label": "1 — not at all"}
    assert after["answers"]["feedback"] == 4 and after["submitted_at"]


def test_a_force_officer_gets_the_officers_questions(
    mission: Mission, assessment: Assessment
) -> None:
    body = api(mission.force).get(ASSESSMENT).json()

    assert body["respondent_kind"] == "force"
    assert "safety" not in [q["code"] for q in body["questions"]]


def test_hq_gets_the_counts_of_who_answered(mission: Mission, assessment: Assessment) -> None:
    post(api(mission.cla), ANSWERS, answers("cla", 4))
    post(api(mission.force), ANSWERS, answers("force", 3))

    body = api(mission.hq).get(ASSESSMENT).json()

    assert body["questions"] == [] and body["respondent_kind"] is None
    assert body["responses"]["by_kind"] == {"cla": 1, "force": 1}
    by_location = {
        r["name"]: (r["expected"], r["answered"]) for r in body["responses"]["by_location"]
    }
    assert by_location == {"Ippy": (1, 1), "Baboua": (1, 0)}
    assert body["responses"]["by_sector"] == [
        {"id": mission.sector_a.pk, "name": "Sector A", "expected": 1, "answered": 1}
    ]


def test_without_an_open_assessment_the_assessment_is_null(mission: Mission) -> None:
    body = api(mission.hq).get(ASSESSMENT).json()

    assert body["assessment"] is None and body["responses"] is None


def test_coordinators_are_refused_the_assessment(mission: Mission, assessment: Assessment) -> None:
    client = api(mission.coordinator)

    assert client.get(ASSESSMENT).status_code == 403
    assert post(client, ANSWERS, answers("cla", 4)).status_code == 403
    assert post(client, COMPILE).status_code == 403


@pytest.mark.parametrize("role", ["cla", "force"])
def test_respondents_answer_the_open_assessment(
    mission: Mission, assessment: Assessment, role: str
) -> None:
    response = post(api(mission.user(role)), ANSWERS, answers(role, 5))

    assert response.status_code == 200
    assert response.json()["answers"]["feedback"] == 5
    saved = AssessmentResponse.objects.get(respondent=mission.user(role))
    assert saved.assessment == assessment and saved.answers["feedback"] == 5


@pytest.mark.parametrize("bad", [0, 6, "x", None, "", [3]])
def test_an_invalid_score_is_a_400_on_its_question_and_nothing_is_saved(
    mission: Mission, assessment: Assessment, bad: Any
) -> None:
    response = post(api(mission.cla), ANSWERS, answers("cla", 3) | {"feedback": bad})

    assert response.status_code == 400
    assert list(response.json()) == ["feedback"]
    assert not AssessmentResponse.objects.exists()


def test_missing_answers_are_named(mission: Mission, assessment: Assessment) -> None:
    response = post(api(mission.force), ANSWERS, {"feedback": 3})

    assert response.status_code == 400
    scored = {q.code for q in questions_for("force") if q.scored}
    assert set(response.json()) == scored - {"feedback"}


@pytest.mark.parametrize("body", [[1, 2], "text", 5])
def test_answers_that_are_not_an_object_are_a_400(
    mission: Mission, assessment: Assessment, body: Any
) -> None:
    response = post(api(mission.cla), ANSWERS, body)

    assert response.status_code == 400
    assert not AssessmentResponse.objects.exists()


def test_a_closed_assessment_is_a_409(mission: Mission, assessment: Assessment) -> None:
    assessment.status = Assessment.Status.CLOSED
    assessment.save()

    answered = post(api(mission.cla), f"{ANSWERS}?assessment={assessment.pk}", answers("cla", 4))
    nothing_open = post(api(mission.cla), ANSWERS, answers("cla", 4))

    assert answered.status_code == 409
    assert answered.json() == {"detail": "This assessment is closed."}
    assert nothing_open.status_code == 409
    assert not AssessmentResponse.objects.exists()


@pytest.mark.parametrize(("query", "code"), [("?assessment=999", 404), ("?assessment=abc", 400)])
def test_a_named_assessment_must_exist(
    mission: Mission, assessment: Assessment, query: str, code: int
) -> None:
    response = post(api(mission.cla), ANSWERS + query, answers("cla", 4))

    assert response.status_code == code
    assert not AssessmentResponse.objects.exists()


@pytest.mark.parametrize("role", ["hq", "admin"])
def test_hq_and_admins_do_not_answer(mission: Mission, assessment: Assessment, role: str) -> None:
    response = post(api(mission.user(role)), ANSWERS, answers("cla", 4))

    assert response.status_code == 403
    assert not AssessmentResponse.objects.exists()


def test_hq_closes_and_compiles_the_assessment(mission: Mission, assessment: Assessment) -> None:
    post(api(mission.cla), ANSWERS, answers("cla", 4))
    post(api(mission.force), ANSWERS, answers("force", 2))

    response = post(api(mission.hq), COMPILE)

    assert response.status_code == 201
    body = response.json()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED
    assert body["id"] == assessment.report_id
    assert body["kind"] == "annual" and body["origin"] == "compiled"
    assert body["pdf_url"].endswith(f"/reports/{body['id']}/pdf/")
    assert body["figures"]["respondents"] == {"cla": 1, "force": 1}
    assert post(api(mission.cla), ANSWERS, answers("cla", 5)).status_code == 409


@pytest.mark.parametrize("role", ["cla", "force"])
def test_respondents_do_not_compile(mission: Mission, assessment: Assessment, role: str) -> None:
    response = post(api(mission.user(role)), COMPILE)

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert not Report.objects.exists()


def test_compiling_without_an_open_assessment_is_a_409(mission: Mission) -> None:
    response = post(api(mission.admin), COMPILE)

    assert response.status_code == 409
    assert not Report.objects.exists()


def test_the_schema_documents_monitoring_and_the_assessment(mission: Mission) -> None:
    response = api(mission.hq).get("/api/schema/")
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]

    assert set(paths[MONITORING]) == {"get"}
    assert {p["name"] for p in paths[MONITORING]["get"]["parameters"]} == {"start", "end"}
    assert set(paths[ASSESSMENT]) == {"get"}
    assert set(paths[ANSWERS]) == {"post"}
    assert set(paths[COMPILE]) == {"post"}
    assert {"200", "400", "403", "404", "409"} <= set(paths[ANSWERS]["post"]["responses"])
    body = paths[ANSWERS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[1]
    assert "feedback" in schema["components"]["schemas"][ref]["properties"]
