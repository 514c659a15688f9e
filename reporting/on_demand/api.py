"""API of the digests compiled on demand: the same services, selectors and rules as the pages.

POST /api/v1/reports/compile/ asks for a digest and answers 202 with the request to follow
(its `url`); GET that URL for the status, the progress and, once compiled, the report's URL.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.serializers import MAX_ID
from clas.api import SectorSummarySerializer
from core.api import detail_error, field_errors
from core.validators import validate_plausible_year
from reporting.models import CompileRequest
from reporting.on_demand import services
from reporting.on_demand.selectors import compile_request_list, progress_step
from reporting.permissions import may_compile_reports

_ERRORS = {
    400: field_errors(_("Invalid input: messages per field.")),
    403: detail_error(_("Only HQ, mission admins and coordinators compile digests.")),
    404: detail_error(_("No such compilation in your scope.")),
}


class CompileRequestSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Where to follow this compilation."))
    sector = SectorSummarySerializer(
        read_only=True, allow_null=True, help_text=_("Null: the mission-wide digest.")
    )
    step = serializers.SerializerMethodField(help_text=_("What the compilation is doing."))
    report = serializers.SerializerMethodField(
        allow_null=True, help_text=_("The compiled report's id once ready; null before.")
    )
    report_url = serializers.SerializerMethodField(
        allow_null=True, help_text=_("The compiled report in the API once ready; null before.")
    )

    class Meta:
        model = CompileRequest
        fields = [
            "id",
            "url",
            "kind",
            "period_start",
            "period_end",
            "sector",
            "distribute",
            "status",
            "progress",
            "step",
            "report",
            "report_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, asked: CompileRequest) -> str:
        return self._absolute(reverse("compile-request-detail", args=[asked.pk]))

    def get_step(self, asked: CompileRequest) -> str:
        return progress_step(asked)

    def get_report(self, asked: CompileRequest) -> int | None:
        return asked.report_id if asked.status == CompileRequest.Status.DONE else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_report_url(self, asked: CompileRequest) -> str | None:
        if asked.status != CompileRequest.Status.DONE or not asked.report_id:
            return None
        return self._absolute(reverse("report-detail", args=[asked.report_id]))


class CompileAskedSerializer(CompileRequestSerializer):
    reused = serializers.BooleanField(
        read_only=True,
        help_text=_("True when the same digest was already being compiled: this is that one."),
    )
    notices = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("What was changed in what was asked, e.g. a day moved to its Monday."),
    )

    class Meta(CompileRequestSerializer.Meta):
        fields = [*CompileRequestSerializer.Meta.fields, "reused", "notices"]
        read_only_fields = fields


class CompileAskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CompileRequest._meta.get_field("kind").choices)
    period_start = serializers.DateField(
        validators=[validate_plausible_year],
        help_text=_("The day; for a weekly digest, any day of the week (its Monday is used)."),
    )
    sector = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("A sector of your scope; null or left out: the whole mission (HQ, admins)."),
    )
    distribute = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Send the report to the distribution lists of its kind and scope."),
    )


class MayCompileReports(BasePermission):
    message = _("Only HQ, mission admins and coordinators compile digests.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_compile_reports(request.user)


@extend_schema(tags=["reports"])
@extend_schema_view(
    list=extend_schema(summary="Your digests compiled on demand, newest first"),
    retrieve=extend_schema(
        summary="One digest compiled on demand: status, progress, report",
        responses={200: CompileRequestSerializer, 404: _ERRORS[404]},
    ),
    create=extend_schema(
        summary="Compile a daily, weekly or flash digest now (HQ, admins, coordinators)",
        request=CompileAskSerializer,
        responses={202: CompileAskedSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    ),
)
class CompileRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Digests compiled now rather than on the schedule: HQ and admins of the mission or of
    any sector, coordinators of the sectors of their area. The same digest asked for while
    it is being compiled is not compiled twice: the answer is the compilation in progress."""

    serializer_class = CompileRequestSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [IsAuthenticated(), MayCompileReports()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[CompileRequest]:
        if getattr(self, "swagger_fake_view", False):
            return CompileRequest.objects.none()
        return compile_request_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CompileAskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        asked = services.compile_request_create(
            user=request.user,
            kind=data["kind"],
            period_start=data["period_start"],
            sector_id=data.get("sector"),
            distribute=data["distribute"],
        )
        compiled = self.get_queryset().get(pk=asked.request.pk)
        compiled.reused, compiled.notices = asked.reused, [str(n) for n in asked.notices]
        body = CompileAskedSerializer(compiled, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
