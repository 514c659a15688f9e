"""API of the notifications, twin of their page: the user's own, newest first; marked read one
by one or all at once, through the same selectors and services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from alerts.serializers import MAX_ID
from alerts.templatetags.alert_tags import person
from core.api import detail_error
from notifications import services
from notifications.models import Notification
from notifications.selectors import has_notifications, headline, notification_list, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    alert_reference = serializers.CharField(source="alert.reference", read_only=True)
    event_kind = serializers.CharField(source="event.kind", read_only=True)
    headline = serializers.SerializerMethodField(
        help_text=gettext_lazy("What happened, in the reader's language.")
    )
    detail = serializers.SerializerMethodField(
        help_text=gettext_lazy("The outcome or response chosen, or what the system said.")
    )
    at = serializers.DateTimeField(source="event.at", read_only=True)
    by = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "alert",
            "alert_reference",
            "event_kind",
            "headline",
            "detail",
            "at",
            "by",
            "created_at",
            "read_at",
            "is_read",
        ]

    def get_headline(self, notification: Notification) -> str:
        return headline(notification.event)

    def get_detail(self, notification: Notification) -> str:
        return notification.event.detail

    def get_by(self, notification: Notification) -> str:
        return person(notification.event.actor)

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


READ_ALL = inline_serializer(
    "NotificationsReadAll",
    fields={"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
)


@extend_schema_view(
    list=extend_schema(
        summary="The user's notifications, newest first",
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                description=str(gettext_lazy("Only those not read yet.")),
            )
        ],
        responses={
            200: NotificationSerializer(many=True),
            403: detail_error(gettext_lazy("The role has no notifications.")),
        },
    ),
    retrieve=extend_schema(summary="One of the user's notifications"),
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not has_notifications(request.user):
            raise PermissionDenied(_("Your role has no notifications."))

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = notification_list(user=self.request.user)
        if self.request.query_params.get("unread", "").lower() in ("1", "true", "yes"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def get_object(self) -> Notification:
        pk = int(self.kwargs[self.lookup_field])
        if pk > MAX_ID:
            raise Http404
        return super().get_object()

    @extend_schema(
        summary="Mark a notification read",
        request=None,
        responses={200: NotificationSerializer, 404: detail_error(gettext_lazy("Not the user's."))},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all the user's notifications read", request=None, responses={200: READ_ALL}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked, "unread": unread_count(user=request.user)})
