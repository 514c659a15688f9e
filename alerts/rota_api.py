"""The API twin of the rota page: /api/v1/queues/{id}/rota/ (GET the shifts of the last week
and those coming, POST one), /api/v1/queues/{id}/rota/{shift_id}/ (GET, PATCH, DELETE), and
/api/v1/queues/uncovered/ (the queues with nobody on duty now; HQ and admins). Same service,
same scoping as the pages: a queue the user does not see is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import DutyShift, TriangulationQueue
from alerts.selectors import queue_list, queues_without_duty, shift_list
from alerts.services import rota
from core.api import detail_error, field_errors

# Far beyond any real id: a larger one is a 404, never a database error.
MAX_ID = 2**31 - 1


class DutyShiftSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    queue = serializers.IntegerField(read_only=True, source="queue_id")
    officer = serializers.IntegerField(
        source="officer_id",
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of an active officer of the queue."),
    )
    officer_name = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(help_text=_("Start, included."))
    ends_at = serializers.DateTimeField(
        help_text=_("End, excluded; after the start, at most 24 hours later.")
    )
    handover_note = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=rota.MAX_NOTE_LENGTH,
        trim_whitespace=False,
        help_text=_("What the next officer must know."),
    )
    on_duty_now = serializers.SerializerMethodField()

    def get_officer_name(self, shift: DutyShift) -> str:
        return shift.officer.get_full_name() or shift.officer.username

    def get_on_duty_now(self, shift: DutyShift) -> bool:
        now = self.context.get("now") or timezone.now()
        return shift.starts_at <= now < shift.ends_at


class UncoveredQueueSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    sector = serializers.CharField(read_only=True, source="sector.name")
    next_shift_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("Start of the queue's next shift; null when none is planned."),
    )


def _input(data: dict[str, Any], shift: DutyShift | None = None) -> rota.ShiftInput:
    """The input of the service: what was sent, the shift's values for what was not."""

    def value(name: str, attr: str) -> Any:
        if name in data:
            return data[name]
        return getattr(shift, attr) if shift is not None else None

    return rota.ShiftInput(
        officer_id=value("officer_id", "officer_id"),
        starts_at=value("starts_at", "starts_at"),
        ends_at=value("ends_at", "ends_at"),
        handover_note=value("handover_note", "handover_note") or "",
    )


NOT_FOUND = detail_error(_("No such queue or shift."))
MAY_NOT_EDIT = detail_error(
    _("Only the officers of this queue, its senior officer and mission admins plan its rota.")
)
INVALID = field_errors(_("Invalid shift; messages per field."))


class _RotaView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = DutyShiftSerializer

    def _queue(self, pk: int) -> TriangulationQueue:
        if pk > MAX_ID:
            raise exceptions.NotFound
        qs = queue_list(user=self.request.user).select_related("senior_officer")
        return get_object_or_404(qs, pk=pk)

    def _check_may_edit(self, queue: TriangulationQueue) -> None:
        if not rota.may_edit_rota(self.request.user, queue):
            raise exceptions.PermissionDenied(MAY_NOT_EDIT.description)


class RotaView(_RotaView):
    @extend_schema(
        operation_id="queues_rota_list",
        summary=str(_("The rota of a queue: the shifts of the last 7 days and those coming")),
        responses={200: DutyShiftSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        queue = self._queue(pk)
        now = timezone.now()
        shifts = shift_list(queue=queue, since=now - dt.timedelta(days=rota.PAST_DAYS))
        return Response(DutyShiftSerializer(shifts, many=True, context={"now": now}).data)

    @extend_schema(
        operation_id="queues_rota_create",
        summary=str(_("Add a shift to the rota of a queue")),
        request=DutyShiftSerializer,
        responses={201: DutyShiftSerializer, 400: INVALID, 403: MAY_NOT_EDIT, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        queue = self._queue(pk)
        self._check_may_edit(queue)
        serializer = DutyShiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift = rota.shift_create(
            user=request.user, queue_id=queue.pk, data=_input(serializer.validated_data)
        )
        return Response(DutyShiftSerializer(shift).data, status=201)


class RotaShiftView(_RotaView):
    def _shift(self, pk: int, shift_id: int) -> DutyShift:
        queue = self._queue(pk)
        if shift_id > MAX_ID:
            raise exceptions.NotFound
        return get_object_or_404(
            DutyShift.objects.select_related("officer", "queue__senior_officer"),
            pk=shift_id,
            queue=queue,
        )

    @extend_schema(
        operation_id="queues_rota_retrieve",
        summary=str(_("One shift of the rota of a queue")),
        responses={200: DutyShiftSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int, shift_id: int) -> Response:
        return Response(DutyShiftSerializer(self._shift(pk, shift_id)).data)

    @extend_schema(
        operation_id="queues_rota_partial_update",
        summary=str(_("Change a shift; once it is over, only its hand-over note")),
        request=DutyShiftSerializer(partial=True),
        responses={200: DutyShiftSerializer, 400: INVALID, 403: MAY_NOT_EDIT, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int, shift_id: int) -> Response:
        shift = self._shift(pk, shift_id)
        self._check_may_edit(shift.queue)
        serializer = DutyShiftSerializer(shift, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        shift = rota.shift_update(
            user=request.user, shift_id=shift.pk, data=_input(serializer.validated_data, shift)
        )
        shift.refresh_from_db()
        return Response(DutyShiftSerializer(shift).data)

    @extend_schema(
        operation_id="queues_rota_destroy",
        summary=str(_("Take a shift off the rota before it starts")),
        responses={204: None, 400: INVALID, 403: MAY_NOT_EDIT, 404: NOT_FOUND},
    )
    def delete(self, request: Request, pk: int, shift_id: int) -> Response:
        shift = self._shift(pk, shift_id)
        self._check_may_edit(shift.queue)
        rota.shift_delete(user=request.user, shift_id=shift.pk)
        return Response(status=204)


class UncoveredQueuesView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = UncoveredQueueSerializer

    @extend_schema(
        operation_id="queues_uncovered_list",
        summary=str(_("The queues with nobody on duty now (HQ and mission admins)")),
        responses={
            200: UncoveredQueueSerializer(many=True),
            403: detail_error(_("Only HQ and mission admins see the queues of every sector.")),
        },
    )
    def get(self, request: Request) -> Response:
        if not request.user.is_mission_wide:
            raise exceptions.PermissionDenied(
                _("Only HQ and mission admins see the queues of every sector.")
            )
        queues = queues_without_duty(user=request.user, at=timezone.now())
        return Response(UncoveredQueueSerializer(queues, many=True).data)
