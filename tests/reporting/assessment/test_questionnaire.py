"""The joint assessment's questionnaire."""

from __future__ import annotations

from reporting.assessment.questionnaire import QUESTIONS


def test_every_question_has_an_audience() -> None:
    assert all(set(q.audience) <= {"cla", "force"} and q.audience for q in QUESTIONS)
