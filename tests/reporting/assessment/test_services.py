from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from core.exceptions import DomainError, InvalidTransition
from reporting.assessment.questionnaire import questions_for
from reporting.assessment.services import assessment_answer, assessment_close_and_compile
from reporting.models import Assessment, AssessmentResponse


@pytest.fixture
def assessment(db) -> Assessment:
    return Assessment.objects.create(
        year=2026, opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 11, 30)
    )


def _answers(kind: str, score: int) -> dict:
    return {q.code: (score if q.scored else f"More radios ({kind})") for q in questions_for(kind)}


@pytest.mark.django_db
def test_results_compare_clas_and_officers(mission, assessment) -> None:
    assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=_answers("cla", 4))
    assessment_answer(user=mission.cla_b, assessment_id=assessment.pk, answers=_answers("cla", 2))
    assessment_answer(user=mission.force, assessment_id=assessment.pk, answers=_answers("force", 5))

    report = assessment_close_and_compile(assessment_id=assessment.pk)

    results = {q["code"]: q for q in report.figures["questions"]}
    assert report.figures["respondents"] == {"cla": 2, "force": 1}
    assert results["feedback"]["cla"]["mean"] == 3.0
    assert results["feedback"]["force"]["mean"] == 5.0
    assert results["feedback"]["gap"] == -2.0
    assert results["safety"]["force"]["count"] == 0  # CLAs only
    text = PdfReader(io.BytesIO(report.pdf.read())).pages[0].extract_text()
    assert "2026" in text
    assert "-2.0" in text or "-2,0" in text  # French reports use a decimal comma
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.CLOSED and assessment.report == report


@pytest.mark.django_db
def test_answering_again_replaces_the_answers(mission, assessment) -> None:
    assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=_answers("cla", 1))
    assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=_answers("cla", 5))

    response = AssessmentResponse.objects.get()
    assert response.answers["feedback"] == 5
    assert response.location == mission.base_a


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [0, 6, "x", None])
def test_scores_outside_one_to_five_are_refused(mission, assessment, bad) -> None:
    answers = _answers("cla", 3) | {"feedback": bad}
    with pytest.raises(ValidationError) as error:
        assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=answers)
    assert "feedback" in error.value.message_dict
    assert not AssessmentResponse.objects.exists()


@pytest.mark.django_db
def test_closed_assessment_and_other_roles_are_refused(mission, assessment) -> None:
    with pytest.raises(DomainError):
        assessment_answer(user=mission.hq, assessment_id=assessment.pk, answers={})
    assessment.status = Assessment.Status.CLOSED
    assessment.save()
    with pytest.raises(InvalidTransition):
        assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=_answers("cla", 3))


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [2.5, True, "3.0", [3]])
def test_scores_must_be_whole_numbers(mission, assessment, bad) -> None:
    answers = _answers("cla", 3) | {"feedback": bad}
    with pytest.raises(ValidationError) as error:
        assessment_answer(user=mission.cla, assessment_id=assessment.pk, answers=answers)
    assert "feedback" in error.value.message_dict
