"""The annual joint Civil Affairs and Force assessment: the questionnaire, answers, and the
analytical report compiled from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clas.models import Deployment, Role, User
from clas.selectors import open_deployment_for
from core.exceptions import DomainError, InvalidTransition
from reporting.figures import percentile
from reporting.models import Assessment, AssessmentResponse, Report

SCORE_CHOICES = range(1, 6)  # 1 = not at all, 5 = fully


@dataclass(frozen=True)
class Question:
    code: str
    text: Promise
    audience: tuple[str, ...]  # respondent kinds who answer it
    scored: bool = True  # a 1-5 score; otherwise free text


QUESTIONS: tuple[Question, ...] = (
    Question(
        "alerts_acted_on",
        gettext_lazy("Alerts passed between CLAs and the Force are acted on."),
        ("cla", "force"),
    ),
    Question(
        "feedback", gettext_lazy("The CLA is told what happened after an alert."), ("cla", "force")
    ),
    Question(
        "joint_patrols",
        gettext_lazy("CLAs take part in planning patrols and community visits."),
        ("cla", "force"),
    ),
    Question(
        "briefings",
        gettext_lazy("The CLA briefs new contingents on the local context."),
        ("cla", "force"),
    ),
    Question("safety", gettext_lazy("The CLA can work safely from the base."), ("cla",)),
    Question(
        "equipment",
        gettext_lazy("The CLA has the equipment needed (phone, radio, credit)."),
        ("cla",),
    ),
    Question(
        "understanding", gettext_lazy("Officers understand the role of the CLA."), ("cla", "force")
    ),
    Question(
        "can_value",
        gettext_lazy("Community Alert Networks give timely and useful alerts."),
        ("cla", "force"),
    ),
    Question(
        "improve",
        gettext_lazy("What would most improve how CLAs and the Force work together?"),
        ("cla", "force"),
        False,
    ),
)


def questions_for(kind: str) -> list[Question]:
    return [q for q in QUESTIONS if kind in q.audience]


def respondent_kind(user: User) -> str:
    if user.role == Role.CLA:
        return AssessmentResponse.RespondentKind.CLA
    if user.role == Role.FORCE:
        return AssessmentResponse.RespondentKind.FORCE
    raise DomainError(_("Only CLAs and Force officers answer the joint assessment."))


def _whole_number(value: Any) -> int | None:
    """A score as typed in a form ("4") or sent as JSON (4); never 2.5, True or "3.0"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def assessment_answer(
    *, user: User, assessment_id: int, answers: dict[str, Any]
) -> AssessmentResponse:
    """Save (or replace) the user's answers while the assessment is open."""
    kind = respondent_kind(user)
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
            if len(text) > 2000:
                errors[question.code] = [_("Keep the answer under 2,000 characters.")]
                continue
            clean[question.code] = text
    if errors:
        raise ValidationError(errors)
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
                scores = [v for v in values if isinstance(v, int)]
                row[kind] = {
                    "count": len(scores),
                    "mean": round(sum(scores) / len(scores), 2) if scores else None,
                    "median": percentile(scores, 0.5),
                }
            else:
                row[kind] = {"answers": [v for v in values if v]}
        if question.scored and row["cla"]["mean"] is not None and row["force"]["mean"] is not None:
            row["gap"] = round(row["cla"]["mean"] - row["force"]["mean"], 2)
        results.append(row)
    counts = {kind: sum(1 for k, _a in responses if k == kind) for kind in ("cla", "force")}
    return {"respondents": counts, "questions": results}


def assessment_close_and_compile(*, assessment_id: int) -> Report:
    """Close the assessment and compile its analytical report (a re-run replaces it)."""
    from reporting.services import render_pdf

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
        report.title = title
        report.status = Report.Status.PUBLISHED
        report.figures = results
        report.html = html
        report.generated_at = timezone.now()
        if report.pdf:
            report.pdf.delete(save=False)
        from django.core.files.base import ContentFile

        report.pdf.save(
            f"assessment-{assessment.year}.pdf", ContentFile(render_pdf(html)), save=False
        )
        report.save()
        assessment.report = report
        assessment.save(update_fields=["status", "report"])
    return report


# --- reads for the page and the API ------------------------------------------------------


def may_answer(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.CLA, Role.FORCE)


def may_compile(user: User) -> bool:
    return user.is_authenticated and user.is_mission_wide


def open_assessment() -> Assessment | None:
    """The assessment being answered: the latest open one."""
    return Assessment.objects.filter(status=Assessment.Status.OPEN).order_by("-year").first()


def previous_response(assessment: Assessment | None, user: User) -> AssessmentResponse | None:
    if assessment is None:
        return None
    return AssessmentResponse.objects.filter(assessment=assessment, respondent=user).first()


def _grouped(qs: Any, id_field: str, name_field: str) -> dict[tuple[Any, Any], int]:
    return {
        (pk, name): n
        for pk, name, n in qs.values_list(id_field, name_field).annotate(n=Count("pk")).order_by()
    }


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

    def rows(expected: dict, answered: dict) -> list[dict[str, Any]]:
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

    return {
        "by_kind": {
            kinds.CLA.value: sum(cla_answers.values()),
            kinds.FORCE.value: sum(force_answers.values()),
        },
        "by_location": rows(deployed, cla_answers),
        "by_sector": rows(officers, force_answers),
    }
