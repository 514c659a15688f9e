"""API of the SMS channel: the review inbox and the syntax card, twins of their pages.

Thin views over the same selectors and services: the inbox starts from sms.selectors
(outside the scope is a 404), a conversion goes through sms.services.incoming_convert and so
through alerts.services.alert_create; core.api turns refusals into 4xx bodies.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import Alert, Severity, Urgency
from alerts.serializers import MAX_ID, IntakeChoiceField, TextField
from alerts.services import AlertInput
from core.api import detail_error, field_errors
from sms import permissions, services
from sms.card import card_content, card_language
from sms.models import IncomingMessage
from sms.selectors import inbox_list


class IncomingMessageSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    sender_name = serializers.SerializerMethodField(
        help_text=_("Who the number is registered to; null for an unregistered number.")
    )
    alert_reference = serializers.CharField(
        source="alert.reference", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = IncomingMessage
        fields = [
            "id",
            "gateway_id",
            "sender",
            "sender_raw",
            "sender_name",
            "text",
            "received_at",
            "state",
            "state_display",
            "reason",
            "reason_display",
            "detail",
            "language",
            "location",
            "alert",
            "alert_reference",
            "reviewed_at",
            "discard_reason",
        ]

    def get_sender_name(self, message: IncomingMessage) -> str | None:
        if message.sender_focal_point is not None:
            return message.sender_focal_point.name
        if message.sender_user is not None:
            return message.sender_user.get_full_name() or message.sender_user.username
        return None


class ConvertSerializer(serializers.Serializer):
    location = IntakeChoiceField(choices="locations")
    category = IntakeChoiceField(choices="categories")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.UNKNOWN)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.UNKNOWN)
    place = TextField(max_length=150)
    description = TextField(
        required=False,
        allow_blank=False,
        max_length=5000,
        help_text=_("Defaults to the text of the message."),
    )

    def to_input(self, message: IncomingMessage) -> AlertInput:
        data = self.validated_data
        location_id = data["location"].pk
        source: dict[str, Any] = {"source_type": Alert.SourceType.OTHER}
        point = message.sender_focal_point
        if point is not None:
            source["source_name"] = point.name
            if point.network.location_id == location_id:
                source.update(
                    source_type=Alert.SourceType.CAN_MEMBER, source_can_id=point.network_id
                )
        return AlertInput(
            location_id=location_id,
            category_id=data["category"].pk,
            urgency=data["urgency"],
            severity=data["severity"],
            place=data["place"],
            description=data.get("description") or message.text,
            description_language=message.language,
            occurred_at=message.received_at,
            reported_at=message.received_at,
            source_contact=message.sender or message.sender_raw,
            **source,
        )


class DiscardSerializer(serializers.Serializer):
    reason = TextField(required=True, allow_blank=False, max_length=1000)


STATE_PARAMETER = OpenApiParameter(
    name="state",
    type=OpenApiTypes.STR,
    enum=IncomingMessage.State.values,
    required=False,
    description=str(_("Only messages in this state (the inbox proper is `review`).")),
)


@extend_schema_view(
    list=extend_schema(
        summary="SMS of the review inbox",
        description=str(
            _(
                "Coordinators: the messages of their area, and those whose location nobody "
                "knows; HQ and admins: all. Newest first."
            )
        ),
        parameters=[STATE_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="One SMS of the review inbox",
        responses={
            200: IncomingMessageSerializer,
            404: detail_error(_("Not in the user's scope.")),
        },
    ),
)
class InboxViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IncomingMessageSerializer
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not permissions.may_review(request.user):
            raise PermissionDenied(_("Only CLA coordinators, HQ and admins review SMS."))

    def get_queryset(self) -> QuerySet[IncomingMessage]:
        if getattr(self, "swagger_fake_view", False):
            return IncomingMessage.objects.none()
        qs = inbox_list(user=self.request.user).order_by("-received_at", "-pk")
        state = self.request.query_params.get("state")
        if state in IncomingMessage.State.values:
            qs = qs.filter(state=state)
        return qs

    def _message(self) -> IncomingMessage:
        pk = int(self.kwargs[self.lookup_field])
        if pk > MAX_ID:
            raise Http404
        return get_object_or_404(inbox_list(user=self.request.user), pk=pk)

    @extend_schema(
        summary="Turn an SMS of the inbox into an alert",
        description=str(
            _(
                "Logged by the requesting user through the intake service, with the time the "
                "SMS was sent; the sender is answered with the reference."
            )
        ),
        request=ConvertSerializer,
        responses={
            200: IncomingMessageSerializer,
            400: field_errors(_("Invalid input; messages per field.")),
            404: detail_error(_("Not in the user's scope.")),
            409: detail_error(_("The message was already dealt with.")),
        },
    )
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str) -> Response:
        message = self._message()
        serializer = ConvertSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.incoming_convert(
            message_id=message.pk, user=request.user, data=serializer.to_input(message)
        )
        return Response(IncomingMessageSerializer(self._message()).data)

    @extend_schema(
        summary="Discard an SMS of the inbox, with a reason",
        request=DiscardSerializer,
        responses={
            200: IncomingMessageSerializer,
            400: field_errors(_("Invalid input; messages per field.")),
            404: detail_error(_("Not in the user's scope.")),
            409: detail_error(_("The message was already dealt with.")),
        },
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str) -> Response:
        message = self._message()
        serializer = DiscardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.incoming_discard(
            message_id=message.pk, user=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(IncomingMessageSerializer(self._message()).data)


class CardWordsSerializer(serializers.Serializer):
    code = serializers.CharField(required=False)
    urgency = serializers.CharField(required=False)
    label = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    words = serializers.CharField()


class CardPlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    short = serializers.CharField()
    name = serializers.CharField()


class CardSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=["fr", "en"])
    number = serializers.CharField(help_text=_("The number to text; empty when not set."))
    keyword = serializers.CharField()
    here = serializers.CharField(help_text=_("The word for the sender's own location."))
    syntax = serializers.CharField()
    examples = serializers.ListField(child=serializers.CharField())
    rules = serializers.ListField(child=serializers.CharField())
    ack = serializers.CharField()
    categories = CardWordsSerializer(many=True)
    urgencies = CardWordsSerializer(many=True)
    places = CardPlaceSerializer(many=True)


class CardView(APIView):
    @extend_schema(
        summary="The SMS syntax card",
        description=str(
            _(
                "The words the SMS intake understands, and the places of the user's scope: "
                "what the printable card shows (the page /sms/card/, its PDF /sms/card.pdf)."
            )
        ),
        parameters=[
            OpenApiParameter(
                name="lang",
                type=OpenApiTypes.STR,
                required=False,
                description=str(
                    _(
                        "Language of the card: fr or en; the request's language by default, and "
                        "for any other value."
                    )
                ),
            )
        ],
        responses={200: CardSerializer},
    )
    def get(self, request: Request) -> Response:
        language = card_language(request.query_params.get("lang"))
        return Response(CardSerializer(card_content(user=request.user, language=language)).data)
