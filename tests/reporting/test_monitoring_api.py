"""The monitoring and joint assessment API: the same figures, rules and scope as the pages,
as JSON, with 4xx for what is refused; and their place in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from clas.models import User
from reporting.assessment import questions_for
from reporting.models import Assessment, AssessmentResponse, Report
from reporting.monitoring import cla_performance
from reporting.selectors import mission_today, mission_tz
from tests import factories as f
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


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def api(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data if data is not None else {}, content_type="application/json")


def answers(kind: str, score: int) -> dict[str, Any]:
    return {q.code: (score if q.scored else "Radios") for q in questions_for(kind)}


# --- monitoring ---------------------------------------------------------------------------


@pytest.fixture
def period(mission: Mission) -> dict[str, dt.date]:
    today = mission_today()
    logged = timezone.now() - dt.timedelta(days=2)
    f.AlertFactory.create_batch(
        2, location=mission.base_a, logged_by=mission.cla, created_at=logged
    )
    f.AlertFactory(location=mission.base_b, logged_by=mission.cla_b, created_at=logged)
    return {"start": today - dt.timedelta(days=10), "end": today}


def _query(period: dict[str, dt.date]) -> dict[str, str]:
    return {k: v.isoformat() for k, v in period.items()}


def test_the_coordinator_gets_the_figures_of_the_clas_of_their_area(
    mission: Mission, period: dict[str, dt.date]
) -> None:
    response = api(mission.coordinator).get(MONITORING, _query(period))

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == _query(period)
    with timezone.override(mission_tz()):
        expected = cla_performance(user=mission.coordinator, **period)
    assert [row["id"] for row in body["clas"]] == [row["cla"].pk for row in expected]
    row = body["clas"][0]
    assert row["name"] == str(mission.cla_profile)
    assert row["gender"] == "female" and row["location"] == "Ippy"
    assert row["alerts_logged"] == 2 == expected[0]["alerts_logged"]
    assert body["locations"] == [
        {"location": "Ippy", "clas": 1, **{k: expected[0][k] for k in row if k in expected[0] and isinstance(expected[0][k], int)}}
    ]  # fmt: skip


def test_hq_gets_every_cla_and_location(mission: Mission, period: dict[str, dt.date]) -> None:
    body = api(mission.hq).get(MONITORING, _query(period)).json()

    assert {row["location"]: row["alerts_logged"] for row in body["locations"]} == {
        "Baboua": 1,
        "Ippy": 2,
    }
    assert len(body["clas"]) == 2


def test_a_cla_never_deployed_has_no_location(mission: Mission) -> None:
    f.CLAFactory(user=f.UserFactory(username="idle"))

    body = api(mission.admin).get(MONITORING).json()

    assert None in [row["location"] for row in body["clas"]]
    assert None in [row["location"] for row in body["locations"]]


@pytest.mark.parametrize("role", ["cla", "force"])
def test_clas_and_force_officers_are_refused_the_monitoring(mission: Mission, role: str) -> None:
    response = api(mission.user(role)).get(MONITORING)

    assert response.status_code == 403
    assert "detail" in response.json()


def test_without_credentials_the_monitoring_is_closed(client: Client, mission: Mission) -> None:
    assert client.get(MONITORING).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "garbage"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "1200-01-01"}, "start"),
        ({"end": "TOMORROW"}, "end"),
        ({"start": "TODAY", "end": "EARLIER"}, "non_field_errors"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(
    mission: Mission, params: dict[str, str], field: str
) -> None:
    today = mission_today()
    values = {
        "TOMORROW": (today + dt.timedelta(days=1)).isoformat(),
        "TODAY": today.isoformat(),
        "EARLIER": (today - dt.timedelta(days=1)).isoformat(),
    }

    response = api(mission.hq).get(MONITORING, {k: values.get(v, v) for k, v in params.items()})

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_default_period_is_the_last_30_days(mission: Mission) -> None:
    today = mission_today()

    body = api(mission.hq).get(MONITORING).json()

    assert body["period"] == {
        "start": (today - dt.timedelta(days=29)).isoformat(),
        "end": today.isoformat(),
    }


# --- the assessment: reading --------------------------------------------------------------


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


# --- the assessment: answering ------------------------------------------------------------


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


# --- the assessment: compiling ------------------------------------------------------------


@pytest.mark.usefixtures("media")
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


# --- the schema ---------------------------------------------------------------------------


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
