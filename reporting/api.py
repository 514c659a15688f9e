"""API of the reports: the same selectors, services and rules as the pages.

Out of the user's scope is a 404, a role or author that may not act a 403, a report in a
state that does not allow the action a 409, bad input a 400 with a message per field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from alerts.models import Alert
from clas.api import LocationSummarySerializer, SectorSummarySerializer
from clas.models import User
from clas.selectors import open_deployment_for
from core.api import detail_error, field_errors
from core.validators import validate_plausible_year
from reporting import selectors, services
from reporting.copies import reader_copy
from reporting.filters import ReportFilter
from reporting.models import Report
from reporting.permissions import may_track_reports

WRITTEN_KIND_CHOICES = [(kind.value, kind.label) for kind in services.WRITTEN_KINDS]

_ERRORS = {
    400: field_errors(_("Invalid input: messages per field.")),
    403: detail_error(_("Your role, or your relation to the report, does not allow this.")),
    404: detail_error(_("No such report in your scope.")),
    409: detail_error(_("The report's status does not allow this now.")),
}


def _length(name: str) -> int:
    return Report._meta.get_field(name).max_length


# Serializers -----------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class AlertReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = ["id", "reference"]


class ReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        source="display_title",
        read_only=True,
        help_text=_("In the request's language when the system named the report; else as written."),
    )
    location = LocationSummarySerializer(read_only=True, allow_null=True)
    sector = SectorSummarySerializer(read_only=True, allow_null=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    reviewed_by = PersonSerializer(read_only=True, allow_null=True)
    alert = AlertReferenceSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The alert that opened a flash report."),
    )
    alerts = AlertReferenceSerializer(
        many=True, read_only=True, help_text=_("The alerts of the period, attached on submission.")
    )
    is_late = serializers.SerializerMethodField(
        help_text=_("Past its due time and not submitted yet.")
    )
    pdf_url = serializers.SerializerMethodField(
        allow_null=True, help_text=_("Where to download the PDF; null when there is none.")
    )
    csv_url = serializers.SerializerMethodField(
        allow_null=True, help_text=_("Where to download the CSV; null when there is none.")
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "origin",
            "scope",
            "title",
            "location",
            "sector",
            "period_start",
            "period_end",
            "status",
            "author",
            "alert",
            "security_level",
            "key_events",
            "can_activity",
            "needs",
            "narrative",
            "alerts",
            "due_at",
            "is_late",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "generated_at",
            "pdf_url",
            "csv_url",
        ]

    def get_is_late(self, report: Report) -> bool:
        return selectors.report_is_late(report, self.context.get("now"))

    def _download_url(self, report: Report, field: str) -> str | None:
        # A compiled report's PDF may be rendered when first downloaded.
        lazy = field == "pdf" and report.origin == Report.Origin.COMPILED and bool(report.html)
        if not getattr(report, field) and not lazy:
            return None
        url = reverse(f"reporting:report_{field}", args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, report: Report) -> str | None:
        return self._download_url(report, "pdf")

    @extend_schema_field(OpenApiTypes.URI)
    def get_csv_url(self, report: Report) -> str | None:
        return self._download_url(report, "csv")


class ReportDetailSerializer(ReportSerializer):
    html = serializers.CharField(
        read_only=True, help_text=_("A compiled report rendered as HTML (empty when written).")
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures", "html"]

    def to_representation(self, report: Report) -> dict[str, Any]:
        """A compiled report as the reader may see it (reporting.copies)."""
        data = super().to_representation(report)
        request = self.context.get("request")
        copy = reader_copy(user=request.user, report=report) if request else None
        if copy is not None:
            data["figures"], data["html"] = copy.figures, copy.html
        return data


class ReportContentSerializer(serializers.Serializer):
    """What the author writes; every field may be left out."""

    title = serializers.CharField(required=False, max_length=_length("title"))
    security_level = serializers.ChoiceField(
        choices=Report.SecurityLevel.choices, required=False, allow_blank=True
    )
    key_events = serializers.CharField(
        required=False, allow_blank=True, max_length=_length("key_events")
    )
    can_activity = serializers.CharField(
        required=False, allow_blank=True, max_length=_length("can_activity")
    )
    needs = serializers.CharField(required=False, allow_blank=True, max_length=_length("needs"))
    narrative = serializers.CharField(
        required=False, allow_blank=True, max_length=_length("narrative")
    )


class ReportCreateSerializer(ReportContentSerializer):
    kind = serializers.ChoiceField(choices=WRITTEN_KIND_CHOICES)
    location = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Defaults to the location of your open deployment."),
    )
    period_start = serializers.DateField(
        validators=[validate_plausible_year],
        help_text=_("The day of a daily report; the Monday of a weekly analysis."),
    )
    period_end = serializers.DateField(
        required=False,
        validators=[validate_plausible_year],
        help_text=_("Computed: the same day, or the Sunday after the Monday."),
    )


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=services.ReviewDecision.choices)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=_length("review_comment"),
        help_text=_("Required to return the report: what to change."),
    )


class PendingReportSerializer(serializers.Serializer):
    location = LocationSummarySerializer()
    kind = serializers.ChoiceField(choices=Report.Kind.choices)
    period_start = serializers.DateField()
    due_at = serializers.DateTimeField()
    is_late = serializers.BooleanField()
    report = serializers.SerializerMethodField(help_text=_("The draft, if one was opened."))

    def get_report(self, item: selectors.PendingReport) -> int | None:
        return item.report.pk if item.report else None


class DayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, validators=[validate_plausible_year])


# Permissions -----------------------------------------------------------------------------


class MayTrackReports(BasePermission):
    message = _("Only coordinators and HQ follow the late reports.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_track_reports(request.user)


# Viewset ---------------------------------------------------------------------------------


@extend_schema(tags=["reports"])
@extend_schema_view(
    list=extend_schema(summary="Reports the user may read"),
    retrieve=extend_schema(
        summary="One report", responses={200: ReportDetailSerializer, 404: _ERRORS[404]}
    ),
    create=extend_schema(
        summary="Open a daily report or a weekly analysis (CLA)",
        request=ReportCreateSerializer,
        responses={201: ReportDetailSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    ),
    partial_update=extend_schema(
        summary="Change a draft or returned report (its author)",
        request=ReportContentSerializer,
        responses={200: ReportDetailSerializer, **_ERRORS},
    ),
)
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Daily, weekly, flash and annual reports: the CLAs' written reports of the user's
    locations and the reports compiled by the system. A CLA opens daily reports and weekly
    analyses (flash reports open with their alert), completes and submits them; the
    coordinator of the field office covering the location, or HQ, accepts them or returns
    them with a comment."""

    filterset_class = ReportFilter
    ordering_fields = ["period_start", "submitted_at", "created_at"]
    ordering = ["-period_start", "kind", "-pk"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Report]:
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return (
            selectors.report_list(user=self.request.user)
            .select_related("reviewed_by", "alert")
            .prefetch_related(
                Prefetch("alerts", queryset=Alert.objects.only("id", "reference").order_by("pk"))
            )
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context.setdefault("now", timezone.now())
        return context

    def _respond(self, report: Report, status_code: int = status.HTTP_200_OK) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data, status=status_code)

    def create(self, request: Request) -> Response:
        payload = ReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        location_id = data.pop("location", None)
        if location_id is None:
            deployment = open_deployment_for(request.user)
            location_id = deployment.location_id if deployment else None
        report = services.report_create(user=request.user, location_id=location_id, **data)
        return self._respond(report, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        payload = ReportContentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.report_update(
            user=request.user, report_id=int(pk), **payload.validated_data
        )
        return self._respond(report)

    @extend_schema(
        summary="Submit a draft or returned report to the coordinator (its author)",
        request=None,
        responses={200: ReportDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        report = services.report_submit(user=request.user, report_id=int(pk))
        return self._respond(report)

    @extend_schema(
        summary="Accept a submitted report, or return it with a comment (coordinator, HQ)",
        request=ReviewSerializer,
        responses={200: ReportDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.report_review(
            user=request.user, report_id=int(pk), **payload.validated_data
        )
        return self._respond(report)

    @extend_schema(
        summary="Late and missing reports (coordinators, HQ)",
        description=(
            "Daily reports expected from every location where a CLA was deployed, due by "
            "09:00 mission time the next morning, and flash reports due within the hour after "
            "their alert, not submitted by then. Daily reports of the seven days up to `day`."
        ),
        parameters=[
            OpenApiParameter(
                "day",
                OpenApiTypes.DATE,
                description="As of this day (mission time); default today.",
            )
        ],
        filters=False,
        responses={200: PendingReportSerializer(many=True), 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        filterset_class=None,
        permission_classes=[IsAuthenticated, MayTrackReports],
    )
    def overdue(self, request: Request) -> Response:
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("day") or selectors.mission_today()
        rows = selectors.reports_overdue(user=request.user, day=day)
        return Response(PendingReportSerializer(rows, many=True).data)
