"""Reads of the joint assessment: the open one, a respondent's answers, who answered, the
results per question, and the reports of past assessments."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from clas.models import Deployment, Role, User
from reporting.assessment.questionnaire import QUESTIONS
from reporting.figures import percentile
from reporting.models import Assessment, AssessmentResponse, Report
from reporting.selectors import report_list


def open_assessment() -> Assessment | None:
    """The assessment being answered: the latest open one."""
    return Assessment.objects.filter(status=Assessment.Status.OPEN).order_by("-year").first()


def previous_response(assessment: Assessment | None, user: User) -> AssessmentResponse | None:
    if assessment is None:
        return None
    return AssessmentResponse.objects.filter(assessment=assessment, respondent=user).first()


def closed_assessments(*, limit: int) -> list[Assessment]:
    """The latest closed assessments with their reports, the most recent first."""
    return list(
        Assessment.objects.filter(status=Assessment.Status.CLOSED)
        .select_related("report")
        .order_by("-year")[:limit]
    )


def last_assessment_report(*, user: User) -> Report | None:
    """The analytical report of the last closed assessment, if the user may read it."""
    last = (
        Assessment.objects.filter(status=Assessment.Status.CLOSED, report__isnull=False)
        .order_by("-year")
        .first()
    )
    if last is None:
        return None
    return report_list(user=user).filter(pk=last.report_id).first()


def _score_summary(scores: list[int]) -> dict[str, Any]:
    return {
        "count": len(scores),
        "mean": round(sum(scores) / len(scores), 2) if scores else None,
        "median": percentile(scores, 0.5),
    }


def assessment_results(assessment: Assessment) -> dict[str, Any]:
    """Per question: count, mean and median score for CLAs and for officers, and the gap."""
    responses = list(assessment.responses.values_list("respondent_kind", "answers"))
    results = []
    for question in QUESTIONS:
        row: dict[str, Any] = {
            "code": question.code,
            "text": str(question.text),
            "scored": question.scored,
        }
        for kind in ("cla", "force"):
            values = [
                a.get(question.code) for k, a in responses if k == kind and question.code in a
            ]
            if question.scored:
                row[kind] = _score_summary([v for v in values if isinstance(v, int)])
            else:
                row[kind] = {"answers": [v for v in values if v]}
        if question.scored and row["cla"]["mean"] is not None and row["force"]["mean"] is not None:
            row["gap"] = round(row["cla"]["mean"] - row["force"]["mean"], 2)
        results.append(row)
    counts = {kind: sum(1 for k, _a in responses if k == kind) for kind in ("cla", "force")}
    return {"respondents": counts, "questions": results}


def _grouped(qs: QuerySet, id_field: str, name_field: str) -> dict[tuple[Any, Any], int]:
    return {
        (pk, name): n
        for pk, name, n in qs.values_list(id_field, name_field).annotate(n=Count("pk")).order_by()
    }


def _count_rows(
    expected: dict[tuple[Any, Any], int], answered: dict[tuple[Any, Any], int]
) -> list[dict[str, Any]]:
    keys = sorted(set(expected) | set(answered), key=lambda k: (k[0] is None, k[1] or ""))
    return [
        {
            "id": pk,
            "name": name,
            "expected": expected.get((pk, name), 0),
            "answered": answered.get((pk, name), 0),
        }
        for pk, name in keys
    ]


def assessment_response_counts(assessment: Assessment) -> dict[str, Any]:
    """Who answered: CLAs per location (against the CLAs deployed there now) and Force
    officers per sector (against the active officers of the sector). Four queries."""
    responses = assessment.responses.all()
    kinds = AssessmentResponse.RespondentKind
    cla_answers = _grouped(
        responses.filter(respondent_kind=kinds.CLA), "location_id", "location__name"
    )
    deployed = _grouped(
        Deployment.objects.filter(end_date__isnull=True), "location_id", "location__name"
    )
    force_answers = _grouped(
        responses.filter(respondent_kind=kinds.FORCE),
        "respondent__sector_id",
        "respondent__sector__name",
    )
    officers = _grouped(
        User.objects.filter(role=Role.FORCE, is_active=True), "sector_id", "sector__name"
    )
    return {
        "by_kind": {
            kinds.CLA.value: sum(cla_answers.values()),
            kinds.FORCE.value: sum(force_answers.values()),
        },
        "by_location": _count_rows(deployed, cla_answers),
        "by_sector": _count_rows(officers, force_answers),
    }
