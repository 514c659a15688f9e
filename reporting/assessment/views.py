"""The page of the annual joint Civil Affairs and Force assessment.

CLAs and Force officers answer the questionnaire of the open assessment; HQ staff and admins
follow who answered, then close it and compile its analytical report. The rules are
reporting.assessment.services'; this module turns their errors into errors on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clas.models import User
from core.exceptions import InvalidTransition
from reporting.assessment.forms import AssessmentAnswerForm
from reporting.assessment.questionnaire import questions_for, respondent_kind
from reporting.assessment.selectors import (
    assessment_response_counts,
    closed_assessments,
    last_assessment_report,
    open_assessment,
    previous_response,
)
from reporting.assessment.services import assessment_answer, assessment_close_and_compile
from reporting.models import Assessment, AssessmentResponse
from reporting.permissions import may_answer_assessment, may_run_assessment

PAST_SHOWN = 5

# --- the page -----------------------------------------------------------------------------


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    user = request.user
    if may_answer_assessment(user):
        return _questionnaire(request, user)
    if may_run_assessment(user):
        return _status(request, user)
    raise PermissionDenied


def _questionnaire(request: HttpRequest, user: User) -> HttpResponse:
    questions = questions_for(respondent_kind(user))
    current = open_assessment()
    if request.method == "POST":
        form = AssessmentAnswerForm(request.POST, questions=questions)
        if form.is_valid():
            target = form.cleaned_data["assessment"]
            try:
                assessment_answer(user=user, assessment_id=target, answers=form.answers())
            except Assessment.DoesNotExist:
                raise Http404 from None
            except ValidationError as exc:
                for code, errors in exc.message_dict.items():
                    form.add_error(code if code in form.fields else None, errors)
                current = Assessment.objects.filter(pk=target).first()
            except InvalidTransition as exc:
                messages.error(request, exc.message)
                return redirect("reporting:assessment")
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your answers are saved. You can change them until the "
                        "assessment closes."
                    ),
                )
                return redirect("reporting:assessment")
    response = previous_response(current, user)
    if request.method != "POST":
        initial = {"assessment": current.pk if current else None}
        initial.update(response.answers if response else {})
        form = AssessmentAnswerForm(initial=initial, questions=questions)
    context = {
        "assessment": current,
        "form": form,
        "response": response,
        "kind_label": AssessmentResponse.RespondentKind(respondent_kind(user)).label,
    }
    if current is None:
        context["last_report"] = last_assessment_report(user=user)
    return render(request, "reporting/assessment_form.html", context)


def _status(request: HttpRequest, user: User) -> HttpResponse:
    current = open_assessment()
    context: dict[str, Any] = {
        "assessment": current,
        "counts": assessment_response_counts(current) if current else None,
        "past": closed_assessments(limit=PAST_SHOWN),
        # The Django admin only lets staff in; anyone else would bounce to its login page.
        "admin_add_url": reverse("admin:reporting_assessment_add") if user.is_staff else "",
    }
    return render(request, "reporting/assessment_status.html", context)


@login_required
@require_POST
def assessment_compile(request: HttpRequest) -> HttpResponse:
    if not may_run_assessment(request.user):
        raise PermissionDenied
    current = open_assessment()
    if current is None:
        messages.error(request, _("No joint assessment is open: there is nothing to compile."))
        return redirect("reporting:assessment")
    report = assessment_close_and_compile(assessment_id=current.pk)
    messages.success(
        request,
        _("The assessment is closed and its analytical report compiled."),
    )
    return redirect("reporting:report_detail", pk=report.pk)
