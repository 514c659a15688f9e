"""Writes of the annual joint Civil Affairs and Force assessment: the answers, and closing it
with the analytical report compiled from them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clas.models import User
from clas.selectors import open_deployment_for
from core.exceptions import InvalidTransition
from reporting.assessment.questionnaire import (
    OPEN_ANSWER_MAX_LENGTH,
    SCORE_CHOICES,
    questions_for,
    respondent_kind,
)
from reporting.assessment.selectors import assessment_results
from reporting.models import Assessment, AssessmentResponse, Report
from reporting.services import render_pdf


def _whole_number(value: Any) -> int | None:
    """A score as typed in a form ("4") or sent as JSON (4); never 2.5, True or "3.0"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _checked_answers(kind: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Every question of the kind answered: a score from 1 to 5, or text not too long.
    Raises a ValidationError naming each question at fault."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for question in questions_for(kind):
        value = answers.get(question.code)
        if question.scored:
            score = _whole_number(value)
            if score not in SCORE_CHOICES:
                errors[question.code] = [_("Give a score from 1 to 5.")]
                continue
            clean[question.code] = score
        else:
            text = str(value or "").strip()
            if len(text) > OPEN_ANSWER_MAX_LENGTH:
                errors[question.code] = [_("Keep the answer under 2,000 characters.")]
                continue
            clean[question.code] = text
    if errors:
        raise ValidationError(errors)
    return clean


def assessment_answer(
    *, user: User, assessment_id: int, answers: dict[str, Any]
) -> AssessmentResponse:
    """Save (or replace) the user's answers while the assessment is open."""
    kind = respondent_kind(user)
    clean = _checked_answers(kind, answers)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
        if assessment.status != Assessment.Status.OPEN:
            raise InvalidTransition(_("This assessment is closed."))
        deployment = (
            open_deployment_for(user) if kind == AssessmentResponse.RespondentKind.CLA else None
        )
        response, _created = AssessmentResponse.objects.update_or_create(
            assessment=assessment,
            respondent=user,
            defaults={
                "respondent_kind": kind,
                "answers": clean,
                "location": deployment.location if deployment else None,
            },
        )
    return response


def assessment_close_and_compile(*, assessment_id: int) -> Report:
    """Close the assessment and compile its analytical report (a re-run replaces it)."""
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
        assessment.status = Assessment.Status.CLOSED
        with translation.override(settings.REPORT_LANGUAGE):
            results = assessment_results(assessment)
            title = str(assessment)
            html = render_to_string(
                "reporting/assessment_report.html",
                {
                    "assessment": assessment,
                    "results": results,
                    "title": title,
                    "mission_name": settings.MISSION_NAME,
                },
            )
        report = assessment.report or Report(
            kind=Report.Kind.ANNUAL,
            origin=Report.Origin.COMPILED,
            scope=Report.Scope.MISSION,
            period_start=assessment.opens_on,
            period_end=assessment.closes_on,
        )
        report.set_system_title("assessment", year=assessment.year)
        report.status = Report.Status.PUBLISHED
        report.figures = results
        report.html = html
        report.generated_at = timezone.now()
        if report.pdf:
            report.pdf.delete(save=False)
        report.pdf.save(
            f"assessment-{assessment.year}.pdf", ContentFile(render_pdf(html)), save=False
        )
        report.save()
        assessment.report = report
        assessment.save(update_fields=["status", "report"])
    return report
