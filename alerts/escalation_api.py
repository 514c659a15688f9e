"""The API twin of the escalation policy page: GET and PUT /api/v1/queues/{id}/escalation-policy/,
mission admins only, through the same service and rules as the page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import EscalationRecipients, TriangulationQueue
from alerts.services import escalation
from core.api import detail_error, field_errors

# Far beyond any real queue number: a larger one is a 404, never a database error.
MAX_QUEUE_ID = 2**31 - 1


class EscalationTierSerializer(serializers.Serializer):
    delay_minutes = serializers.IntegerField(
        help_text=_("Minutes after routing; strictly more than the tier before.")
    )
    recipients = serializers.ChoiceField(
        choices=EscalationRecipients.choices, help_text=_("Who this tier tells.")
    )


class EscalationPolicySerializer(serializers.Serializer):
    queue = serializers.IntegerField(read_only=True, help_text=_("Id of the queue."))
    queue_name = serializers.CharField(read_only=True)
    is_default = serializers.BooleanField(
        read_only=True, help_text=_("True while the queue follows the default policy.")
    )
    tiers = EscalationTierSerializer(many=True, allow_empty=True)
    repeat_minutes = serializers.IntegerField(
        help_text=_("The last tier is told again at this interval until someone acknowledges.")
    )
    operations_centre_email = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=254
    )
    operations_centre_language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, default=settings.LANGUAGE_CODE
    )


def _body(queue: TriangulationQueue) -> dict[str, Any]:
    policy = escalation.escalation_policy_of(queue)
    return {
        "queue": queue.pk,
        "queue_name": queue.name,
        "is_default": not policy.stored,
        "tiers": [
            {"delay_minutes": t.delay_minutes, "recipients": t.recipients} for t in policy.tiers
        ],
        "repeat_minutes": policy.repeat_minutes,
        "operations_centre_email": queue.operations_centre_email,
        "operations_centre_language": queue.operations_centre_language,
    }


def _error_body(exc: escalation.PolicyInvalid, count: int) -> dict[str, Any]:
    """DRF's shape: messages per field, and for the tiers one entry per tier sent."""
    body: dict[str, Any] = {k: [str(m) for m in v] for k, v in exc.fields.items()}
    if exc.rows and "tiers" not in body:
        body["tiers"] = [
            {k: [str(m) for m in v] for k, v in exc.rows.get(i, {}).items()} for i in range(count)
        ]
    return body


ERRORS = {
    403: detail_error(_("Only mission admins change escalation policies.")),
    404: detail_error(_("No such queue.")),
}


class EscalationPolicyView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EscalationPolicySerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not escalation.may_manage_escalation(request.user):
            raise exceptions.PermissionDenied(_("Only mission admins change escalation policies."))

    def _queue(self, pk: int) -> TriangulationQueue:
        if pk > MAX_QUEUE_ID:
            raise exceptions.NotFound
        return get_object_or_404(TriangulationQueue, pk=pk)

    @extend_schema(
        operation_id="queues_escalation_policy_retrieve",
        summary=str(_("The escalation policy of a queue")),
        responses={200: EscalationPolicySerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_body(self._queue(pk)))

    @extend_schema(
        operation_id="queues_escalation_policy_update",
        summary=str(_("Replace the escalation policy of a queue")),
        request=EscalationPolicySerializer,
        responses={
            200: EscalationPolicySerializer,
            400: field_errors(_("Invalid policy; messages per field and per tier.")),
            **ERRORS,
        },
    )
    def put(self, request: Request, pk: int) -> Response:
        queue = self._queue(pk)
        serializer = EscalationPolicySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tiers = [(t["delay_minutes"], t["recipients"]) for t in data["tiers"]]
        try:
            escalation.escalation_policy_update(
                queue_id=queue.pk,
                user=request.user,
                data=escalation.PolicyInput(
                    repeat_minutes=data["repeat_minutes"],
                    tiers=tiers,
                    operations_centre_email=data["operations_centre_email"],
                    operations_centre_language=data["operations_centre_language"],
                ),
            )
        except escalation.PolicyInvalid as exc:
            return Response(_error_body(exc, len(tiers)), status=400)
        queue.refresh_from_db()
        return Response(_body(queue))
