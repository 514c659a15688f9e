"""The API of the exchange app.

Exports of the alert list: asked for, followed and downloaded like on the pages, each person
seeing only their own.

CAP 1.2 for partner systems: one alert's message, and an Atom feed of the alerts of the
token holder's scope (the same selector as the alert pages and API), each entry linking to
its CAP message. Read with an API token (POST /api/v1/auth/token/) or a signed-in session.
Errors are JSON like the rest of the API whatever the client accepts: the XML is the answer
to a successful read only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.serializers import MAX_ID
from exchange import cap, services
from exchange.models import Export
from exchange.permissions import may_export_alerts
from exchange.selectors import cap_alert_list, export_list

FEED_MEDIA_TYPE = "application/atom+xml"
FEED_LIMIT_DEFAULT = 50
FEED_LIMIT_MAX = 200


class ErrorsInJson(BaseContentNegotiation):
    """The view answers XML itself; DRF renders only errors, always as JSON."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class FeedQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(
        required=False, help_text="Only alerts logged after this time (ISO 8601)."
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=FEED_LIMIT_MAX,
        default=FEED_LIMIT_DEFAULT,
        help_text="How many alerts, newest first.",
    )


def _cap_url(alert_id: int) -> str:
    return settings.SITE_URL + reverse("exchange-cap-alert", args=[alert_id])


class CapAlertView(APIView):
    content_negotiation_class = ErrorsInJson

    @extend_schema(
        operation_id="cap_alert",
        summary="One alert as a CAP 1.2 message",
        description=(
            "The alert as it is now, as an OASIS CAP 1.2 message (Alert, Update after a change, "
            "Cancel when closed as a false alarm). Never the source's identity."
        ),
        responses={
            (200, cap.MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description="CAP 1.2 XML"),
            404: OpenApiResponse(description="No such alert in your scope."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        if pk > MAX_ID:
            raise Http404
        alert = get_object_or_404(
            cap_alert_list(user=request.user).select_related("location__sector", "category"),
            pk=pk,
        )
        message = cap.message(alert, sent=alert.last_change or alert.created_at)
        response = HttpResponse(message.xml, content_type=f"{cap.MEDIA_TYPE}; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{message.identifier}.xml"'
        return response


class CapFeedView(APIView):
    content_negotiation_class = ErrorsInJson

    @extend_schema(
        operation_id="cap_feed",
        summary="Atom feed of CAP 1.2 messages",
        description=(
            "The alerts of your scope, newest first; each entry links to the alert's page and, "
            "as an enclosure, to its CAP 1.2 message. An entry's `updated` is the alert's last "
            "change: fetch its message again when it moves."
        ),
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, required=False),
            OpenApiParameter("limit", OpenApiTypes.INT, required=False),
        ],
        responses={
            (200, FEED_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description="Atom 1.0"),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = list(
            cap_alert_list(
                user=request.user, since=query.validated_data.get("since")
            ).select_related("location__sector", "category")[: query.validated_data["limit"]]
        )
        feed_url = settings.SITE_URL + reverse("exchange-cap-feed")
        feed = Atom1Feed(
            title=_("%(mission)s: alerts") % {"mission": settings.MISSION_NAME},
            link=settings.SITE_URL + reverse("alerts:alert_list"),
            description="",
            feed_url=feed_url,
            feed_guid=feed_url,
            language="fr" if request.LANGUAGE_CODE.startswith("fr") else "en",
        )
        for alert in alerts:
            sent = alert.last_change or alert.created_at
            message = cap.message(alert, sent=sent)
            feed.add_item(
                title=cap.headline(alert),
                link=settings.SITE_URL + reverse("alerts:alert_detail", args=[alert.pk]),
                description=_("%(reference)s, %(urgency)s, %(severity)s: %(status)s")
                % {
                    "reference": alert.reference,
                    "urgency": alert.get_urgency_display(),
                    "severity": alert.get_severity_display(),
                    "status": alert.get_status_display(),
                },
                unique_id=_cap_url(alert.pk),
                unique_id_is_permalink=False,
                pubdate=alert.created_at,
                updateddate=sent,
                enclosures=[Enclosure(_cap_url(alert.pk), str(len(message.xml)), cap.MEDIA_TYPE)],
            )
        response = HttpResponse(content_type=f"{FEED_MEDIA_TYPE}; charset=utf-8")
        feed.write(response, "utf-8")
        return response


# --- exports of the alert list --------------------------------------------------------------


class ExportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="token", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file once `status` is `done`; null before."
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "format",
            "filters",
            "status",
            "rows_total",
            "rows_done",
            "percent",
            "size",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, export: Export) -> str | None:
        if export.status != Export.Status.DONE:
            return None
        return settings.SITE_URL + reverse("export-download", args=[export.token])


class ExportCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Export.Format.choices)
    filters = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=dict,
        help_text="The alert list's filters (those of GET /api/v1/alerts/), e.g. "
        '{"sector": "3", "urgency": "Immediate", "reported_after": "2026-06-01"}.',
    )


class CanExport(BasePermission):
    message = gettext_lazy("Your role may not export the alert list.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return may_export_alerts(request.user)


@extend_schema_view(
    list=extend_schema(summary="Your exports of the alert list, newest first"),
    retrieve=extend_schema(summary="One of your exports: its status and progress"),
)
class ExportViewSet(viewsets.ReadOnlyModelViewSet):
    """Exports of the alert list (CSV, XLSX, HXL-tagged CSV, ACLED-compatible CSV), built in the
    background in your scope; each person sees only their own."""

    serializer_class = ExportSerializer
    lookup_field = "token"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9a-fA-F-]{32,36}"
    filter_backends: list = []

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [IsAuthenticated(), CanExport()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Export]:
        if getattr(self, "swagger_fake_view", False):
            return Export.objects.none()
        return export_list(user=self.request.user)

    def get_object(self) -> Export:
        try:
            token = uuid.UUID(self.kwargs["id"])
        except ValueError:
            raise Http404 from None
        return get_object_or_404(self.get_queryset(), token=token)

    @extend_schema(
        summary="Export the alert list",
        request=ExportCreateSerializer,
        responses={202: ExportSerializer},
    )
    def create(self, request: Request) -> Response:
        data = ExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            export = services.export_request(
                user=request.user,
                format=data.validated_data["format"],
                params=data.validated_data["filters"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            # Field errors of the filters, under `filters` as the body names them.
            detail = exc.message_dict
            raise exceptions.ValidationError(
                {"filters": detail} if "format" not in detail else detail
            ) from None
        export.refresh_from_db()
        return Response(ExportSerializer(export).data, status=202)

    @extend_schema(
        summary="Download an export that is ready",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY)
            ),
            404: OpenApiResponse(description="Not yours, not ready, or expired."),
        },
    )
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request: Request, id: str) -> FileResponse:
        export = self.get_object()
        path = services.export_path(export) if export.status == Export.Status.DONE else None
        if path is None or not path.is_file():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=export.download_name)
