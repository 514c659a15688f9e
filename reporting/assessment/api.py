"""The joint assessment in the API: the same questionnaire, rules and services as its page.

CLAs and Force officers answer the open assessment; HQ and admins follow who answered, then
close it and compile its report.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from clas.models import User
from core.api import detail_error, field_errors
from core.exceptions import InvalidTransition
from reporting.api import ReportDetailSerializer
from reporting.assessment.questionnaire import (
    OPEN_ANSWER_MAX_LENGTH,
    QUESTIONS,
    SCORE_LABELS,
    questions_for,
    respondent_kind,
)
from reporting.assessment.selectors import (
    assessment_response_counts,
    open_assessment,
    previous_response,
)
from reporting.assessment.services import assessment_answer, assessment_close_and_compile
from reporting.models import Assessment, AssessmentResponse
from reporting.permissions import may_answer_assessment, may_run_assessment

# --- permissions --------------------------------------------------------------------------


class MayAnswerOrFollow(BasePermission):
    message = _("The joint assessment is answered by CLAs and Force officers and run by HQ.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_answer_assessment(request.user) or may_run_assessment(request.user)


class MayAnswer(BasePermission):
    message = _("Only CLAs and Force officers answer the joint assessment.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_answer_assessment(request.user)


class MayCompile(BasePermission):
    message = _("Only HQ staff and admins close and compile the joint assessment.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_run_assessment(request.user)


# --- the endpoints' data ------------------------------------------------------------------


class AssessmentSummarySerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    report = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("The compiled analytical report (see /api/v1/reports/{id}/).")
    )

    class Meta:
        model = Assessment
        fields = ["id", "year", "title", "opens_on", "closes_on", "status", "report"]

    def get_title(self, assessment: Assessment) -> str:
        return str(assessment)


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The key of the answer."))
    text = serializers.CharField()
    scored = serializers.BooleanField(
        help_text=_("True: a score from 1 (not at all) to 5 (fully); false: free text.")
    )


class ScoreLabelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ResponseCountSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    expected = serializers.IntegerField(
        help_text=_("CLAs deployed there now, or active officers of the sector.")
    )
    answered = serializers.IntegerField()


class RespondentKindCountSerializer(serializers.Serializer):
    cla = serializers.IntegerField()
    force = serializers.IntegerField()


class ResponseCountsSerializer(serializers.Serializer):
    by_kind = RespondentKindCountSerializer()
    by_location = ResponseCountSerializer(many=True, help_text=_("CLAs, by location."))
    by_sector = ResponseCountSerializer(many=True, help_text=_("Force officers, by sector."))


class AssessmentStateSerializer(serializers.Serializer):
    assessment = AssessmentSummarySerializer(
        allow_null=True, help_text=_("The open assessment; null when none is open.")
    )
    respondent_kind = serializers.ChoiceField(
        choices=AssessmentResponse.RespondentKind.choices,
        allow_null=True,
        help_text=_("How you answer; null for HQ staff and admins."),
    )
    questions = QuestionSerializer(many=True, help_text=_("Your questions, in order."))
    scores = ScoreLabelSerializer(many=True, help_text=_("What each score means."))
    answers = serializers.DictField(help_text=_("Your answers so far, by question code."))
    submitted_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When you last saved your answers.")
    )
    responses = ResponseCountsSerializer(
        allow_null=True, help_text=_("Who answered (HQ staff and admins only).")
    )


def _answer_fields() -> dict[str, serializers.Field]:
    """The questionnaire as a request body, for the schema: the rules are the service's."""
    fields: dict[str, serializers.Field] = {}
    for question in QUESTIONS:
        who = format_lazy("{} ({}: {})", question.text, _("asked to"), ", ".join(question.audience))
        if question.scored:
            fields[question.code] = serializers.IntegerField(
                required=False, min_value=1, max_value=5, help_text=who
            )
        else:
            fields[question.code] = serializers.CharField(
                required=False,
                allow_blank=True,
                max_length=OPEN_ANSWER_MAX_LENGTH,
                help_text=who,
            )
    return fields


AssessmentAnswersSerializer = type(
    "AssessmentAnswersSerializer", (serializers.Serializer,), _answer_fields()
)

ASSESSMENT_PARAMETER = OpenApiParameter(
    "assessment",
    OpenApiTypes.INT,
    description="Id of the assessment to answer. Default: the open one.",
)


def _state(user: User, current: Assessment | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessment": current,
        "respondent_kind": None,
        "questions": [],
        "scores": [{"value": v, "label": str(label)} for v, label in SCORE_LABELS],
        "answers": {},
        "submitted_at": None,
        "responses": None,
    }
    if may_answer_assessment(user):
        kind = respondent_kind(user)
        response = previous_response(current, user)
        data["respondent_kind"] = kind
        data["questions"] = [
            {"code": q.code, "text": str(q.text), "scored": q.scored} for q in questions_for(kind)
        ]
        data["answers"] = response.answers if response else {}
        data["submitted_at"] = response.submitted_at if response else None
    elif current is not None:
        data["responses"] = assessment_response_counts(current)
    return data


class AssessmentView(APIView):
    permission_classes = [IsAuthenticated, MayAnswerOrFollow]

    @extend_schema(
        operation_id="assessment_open",
        summary="The open joint assessment",
        description=(
            "CLAs and Force officers: the questions they answer and their answers so far. "
            "HQ staff and admins: how many answered, by kind, location and sector."
        ),
        responses={200: AssessmentStateSerializer, 403: detail_error(_("Not a role concerned."))},
        tags=["assessment"],
    )
    def get(self, request: Request) -> Response:
        return Response(AssessmentStateSerializer(_state(request.user, open_assessment())).data)


class AssessmentTargetSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(required=False, min_value=1)


class AssessmentAnswersView(APIView):
    permission_classes = [IsAuthenticated, MayAnswer]

    @extend_schema(
        operation_id="assessment_answer",
        summary="Answer the joint assessment (CLAs, Force officers)",
        description=(
            "Send every question of your kind (see GET /api/v1/assessment/): a score from 1 "
            "to 5 for the statements, free text (may be empty) for the open question. "
            "Answering again replaces your answers, until the assessment closes."
        ),
        parameters=[ASSESSMENT_PARAMETER],
        request=AssessmentAnswersSerializer,
        responses={
            200: AssessmentStateSerializer,
            400: field_errors(_("Answers missing or not valid, by question code.")),
            403: detail_error(_("Only CLAs and Force officers answer.")),
            404: detail_error(_("No such assessment.")),
            409: detail_error(_("The assessment is closed, or none is open.")),
        },
        tags=["assessment"],
    )
    def post(self, request: Request) -> Response:
        query = AssessmentTargetSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        target_id = query.validated_data.get("assessment")
        if target_id is not None:
            target = get_object_or_404(Assessment, pk=target_id)
        else:
            target = open_assessment()
            if target is None:
                raise InvalidTransition(_("No joint assessment is open."))
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Send the answers as an object.")]}
            )
        # A refused answer is a django ValidationError per question: core.api makes it a 400.
        assessment_answer(
            user=request.user, assessment_id=target.pk, answers=dict(request.data.items())
        )
        return Response(AssessmentStateSerializer(_state(request.user, target)).data)


class AssessmentCompileView(APIView):
    permission_classes = [IsAuthenticated, MayCompile]

    @extend_schema(
        operation_id="assessment_compile",
        summary="Close the open joint assessment and compile its report (HQ, admins)",
        description=(
            "Nobody can answer afterwards. The analytical report (kind `annual`) compares the "
            "scores of CLAs and officers per statement and lists the open answers; it is "
            "rendered as HTML and PDF."
        ),
        request=None,
        responses={
            201: ReportDetailSerializer,
            403: detail_error(_("Only HQ staff and admins compile.")),
            409: detail_error(_("No joint assessment is open.")),
        },
        tags=["assessment"],
    )
    def post(self, request: Request) -> Response:
        current = open_assessment()
        if current is None:
            raise InvalidTransition(_("No joint assessment is open."))
        report = assessment_close_and_compile(assessment_id=current.pk)
        context = {"request": request, "now": timezone.now()}
        return Response(
            ReportDetailSerializer(report, context=context).data, status=status.HTTP_201_CREATED
        )
