"""API twins of the deployment board's pages (clas.board_views): the same forms, services,
selectors and scoping. Out of scope is a 404; a role that may not is a 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clas import deployment_import, selectors, services
from clas.api import DeploymentSerializer, LocationSummarySerializer, SectorSummarySerializer
from clas.board_views import EXPORT_TYPES, board_for, export_content
from clas.forms import (
    BoardFilterForm,
    DeploymentAssignForm,
    DeploymentEndForm,
    DeploymentLeaveForm,
    DeploymentRotateForm,
)
from clas.models import Deployment, Location, User
from clas.permissions import may_manage_deployments, may_see_board
from core.api import detail_error, field_errors, form_errors
from core.parsers import JSONParser

TAGS = ["deployment board"]


def _board_user(request: Request) -> User:
    if not may_see_board(request.user):
        raise PermissionDenied()
    return request.user


def _manager(request: Request) -> User:
    if not may_manage_deployments(request.user):
        raise PermissionDenied()
    return request.user


# Serializers (output, and input for the schema: the forms validate) -------------------------


class BoardCLASerializer(serializers.Serializer):
    deployment_id = serializers.IntegerField(source="pk")
    cla_id = serializers.IntegerField()
    name = serializers.CharField(source="cla.__str__")
    staff_number = serializers.CharField(source="cla.staff_number")
    gender = serializers.CharField(source="cla.gender")
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class BoardLocationSerializer(serializers.Serializer):
    location = serializers.SerializerMethodField()
    kind = serializers.CharField(source="location.kind")
    sector = SectorSummarySerializer(source="location.sector")
    prefecture = serializers.CharField(source="location.prefecture")
    clas = BoardCLASerializer(source="deployments", many=True)
    gaps = serializers.ListField(child=serializers.ChoiceField(choices=selectors.GAPS))

    @extend_schema_field(LocationSummarySerializer)
    def get_location(self, row: selectors.BoardRow) -> dict[str, Any]:
        return LocationSummarySerializer(row.location).data

    def to_representation(self, instance: selectors.BoardRow) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["gaps"] = sorted(instance.gaps)
        return data


class BoardSerializer(serializers.Serializer):
    gap_counts = serializers.DictField(child=serializers.IntegerField())
    sectors_without_women = SectorSummarySerializer(many=True)
    rows = BoardLocationSerializer(many=True)


class AssignInput(serializers.Serializer):
    cla = serializers.IntegerField()
    location = serializers.IntegerField()
    start_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class RotateInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("The version of the deployment you saw."))
    location = serializers.IntegerField()
    start_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)


class EndInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("The version of the deployment you saw."))
    end_date = serializers.DateField()
    end_reason = serializers.CharField()


class LeaveInput(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("The version of the deployment you saw."))
    on_leave = serializers.BooleanField()


class ImportInput(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(
        default=True, help_text=_("True: check and list the changes, import nothing.")
    )


class ImportChangeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.BooleanField()
    rows = serializers.IntegerField()
    changes = ImportChangeSerializer(many=True)
    problems = ImportProblemSerializer(many=True)


FILTER_PARAMETERS = [
    OpenApiParameter("name", str, description="Part of the location's name or code."),
    OpenApiParameter("sector", str, description="Sector code."),
    OpenApiParameter("prefecture", str),
    OpenApiParameter("kind", str, enum=[k for k, _label in Location.Kind.choices]),
    OpenApiParameter("gap", str, enum=list(selectors.GAPS)),
]


# Views ---------------------------------------------------------------------------------------


def _form_data(request: Request) -> dict[str, Any]:
    return {k: v for k, v in request.data.items() if not hasattr(v, "read")}


class BoardView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The deployment board: locations, their CLAs and gaps",
        parameters=FILTER_PARAMETERS,
        responses={200: BoardSerializer, 400: field_errors("Invalid filter.")},
    )
    def get(self, request: Request) -> Response:
        user = _board_user(request)
        form = BoardFilterForm(request.query_params or None, user=user)
        if form.is_bound and not form.is_valid():
            raise form_errors(form)
        _form, board = board_for(user, request.query_params)
        return Response(BoardSerializer(board).data)


class BoardExportView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The board as CSV or XLSX",
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.BINARY, 404: detail_error("Unknown format.")},
    )
    def get(self, request: Request, fmt: str) -> HttpResponse:
        user = _board_user(request)
        if fmt not in EXPORT_TYPES:
            return Response({"detail": _("Unknown format.")}, status=status.HTTP_404_NOT_FOUND)
        form = BoardFilterForm(request.query_params or None, user=user)
        if form.is_bound and not form.is_valid():
            raise form_errors(form)
        response = HttpResponse(
            export_content(user, request.query_params, fmt), content_type=EXPORT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="deployment-board.{fmt}"'
        return response


class AssignView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Deploy a CLA at a location from a date",
        request=AssignInput,
        responses={201: DeploymentSerializer, 400: field_errors("Refused."), 403: detail_error("")},
    )
    def post(self, request: Request) -> Response:
        user = _manager(request)
        form = DeploymentAssignForm(_form_data(request), user=user)
        if not form.is_valid():
            raise form_errors(form)
        deployment = services.deployment_assign(actor=user, **form.cleaned_data)
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_201_CREATED)


class _DeploymentAction(APIView):
    form_class: type

    def deployment(self, request: Request, pk: int) -> Deployment:
        return get_object_or_404(selectors.deployment_list(user=request.user), pk=pk)

    def cleaned(self, request: Request, pk: int) -> tuple[User, Deployment, dict[str, Any]]:
        deployment = self.deployment(request, pk)
        user = _manager(request)
        form = self.form_class(_form_data(request), user=user)
        if not form.is_valid():
            raise form_errors(form)
        return user, deployment, form.cleaned_data


STALE = detail_error("The deployment changed since the version given: what changed.")


class RotateView(_DeploymentAction):
    form_class = DeploymentRotateForm

    @extend_schema(
        tags=TAGS,
        summary="End the CLA's deployment the day before and open the next one",
        request=RotateInput,
        responses={201: DeploymentSerializer, 400: field_errors("Refused."), 409: STALE},
    )
    def post(self, request: Request, pk: int) -> Response:
        user, deployment, data = self.cleaned(request, pk)
        new = services.deployment_rotate(actor=user, deployment=deployment, **data)
        return Response(DeploymentSerializer(new).data, status=status.HTTP_201_CREATED)


class EndView(_DeploymentAction):
    form_class = DeploymentEndForm

    @extend_schema(
        tags=TAGS,
        summary="End a deployment on a date, saying why",
        request=EndInput,
        responses={200: DeploymentSerializer, 400: field_errors("Refused."), 409: STALE},
    )
    def post(self, request: Request, pk: int) -> Response:
        user, deployment, data = self.cleaned(request, pk)
        ended = services.deployment_close(
            actor=user,
            deployment=deployment,
            version=data["version"],
            end_date=data["end_date"],
            reason=data["end_reason"],
        )
        return Response(DeploymentSerializer(ended).data)


class LeaveView(_DeploymentAction):
    form_class = DeploymentLeaveForm

    @extend_schema(
        tags=TAGS,
        summary="Mark the CLA of a deployment on leave, or back",
        request=LeaveInput,
        responses={200: DeploymentSerializer, 400: field_errors("Refused."), 409: STALE},
    )
    def post(self, request: Request, pk: int) -> Response:
        user, deployment, data = self.cleaned(request, pk)
        changed = services.deployment_leave_set(actor=user, deployment=deployment, **data)
        return Response(DeploymentSerializer(changed).data)


class ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Import CLAs and deployments from CSV or XLSX (dry run by default)",
        description=(
            "Columns: "
            + ", ".join(deployment_import.COLUMNS)
            + ". Every row is checked; nothing is imported while any row is bad."
        ),
        request={"multipart/form-data": ImportInput},
        responses={
            200: ImportResultSerializer,
            400: field_errors("The file cannot be read."),
            403: detail_error(""),
        },
    )
    def post(self, request: Request) -> Response:
        user = _manager(request)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > deployment_import.MAX_BYTES:
            return Response(
                {"file": [_("The file is too large: at most 2 MB.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = deployment_import.deployments_import(
            actor=user,
            filename=upload.name,
            content=upload.read(),
            dry_run=data.validated_data["dry_run"],
        )
        return Response(ImportResultSerializer(result).data)
