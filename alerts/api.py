"""API of the early warning chain: log alerts, list and read them, act on the queues.

Thin views over the services and selectors the pages use: the serializers type the input,
the services decide, core.api turns their refusals into 4xx bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action as action_route
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer
from rest_framework.views import APIView

from alerts import permissions, services, verification_api
from alerts.filters import AlertFilter
from alerts.models import (
    Alert,
    AlertEvent,
    AlertLink,
    IdentityView,
    ThreatCategory,
    TriangulationQueue,
    VerificationCheck,
)
from alerts.selectors import alert_list, category_list, identity_view_list, queue_list
from alerts.serializers import (
    MAX_ID,
    AlertAssignSerializer,
    AlertCreateSerializer,
    AlertDetailSerializer,
    AlertListSerializer,
    AlertNoteActionSerializer,
    AlertOutcomeSerializer,
    AlertReopenSerializer,
    AlertResponseSerializer,
    AlertTriangulateSerializer,
    CommunityInformedSerializer,
    DuplicateConfirmSerializer,
    DuplicateRejectSerializer,
    FollowUpNoteSerializer,
    IdentityViewSerializer,
    QueueSerializer,
    ThreatCategorySerializer,
)
from alerts.transitions import TRANSITIONS, Transition
from clas.models import User
from core.api import detail_error, field_errors
from core.keyset import KeysetPagination

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=str(
        _(
            "One key per alert the client logs (1 to 64 letters, digits or dashes): a retry "
            "with the same key and content returns the alert already saved (200). The same as "
            "`client_key` in the body; if both are given they must be equal."
        )
    ),
)

ACTION_ERRORS = {
    400: field_errors(_("Invalid input; messages per field.")),
    403: detail_error(_("The user's role cannot act on triangulation queues.")),
    404: detail_error(_("No such alert in the user's scope.")),
    409: detail_error(
        _(
            "Not possible in the alert's current state, or someone changed the alert since "
            "the `version` sent."
        )
    ),
}


def with_detail(qs: QuerySet[Alert], user: User) -> QuerySet[Alert]:
    """Alert rows carrying their timeline and the links to alerts the user may see."""
    visible = alert_list(user=user).values("pk")
    return qs.prefetch_related(
        Prefetch(
            "events", queryset=AlertEvent.objects.select_related("actor").order_by("at", "id")
        ),
        Prefetch("checks", queryset=VerificationCheck.objects.select_related("checked_by")),
        Prefetch(
            "links_out",
            queryset=AlertLink.objects.filter(to_alert__in=visible).select_related("to_alert"),
            to_attr="visible_links_out",
        ),
        Prefetch(
            "links_in",
            queryset=AlertLink.objects.filter(from_alert__in=visible).select_related("from_alert"),
            to_attr="visible_links_in",
        ),
    )


class CanLogAlerts(BasePermission):
    message = _("Your role cannot log alerts.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return permissions.may_log_alerts(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Alerts the user may see",
        description=str(
            _(
                "CLA: alerts of their location and those they logged; coordinator: their area; "
                "Force officer: the queues of their sector; HQ and admins: all. Newest first, "
                "in pages: follow `next`; no total is counted. `q` searches reference, "
                "description and place."
            )
        ),
        responses={200: AlertListSerializer, 400: field_errors(_("A filter cannot be read."))},
    ),
    retrieve=extend_schema(
        summary="One alert, with its timeline, links and response times",
        description=str(
            _(
                "`source_name` and `source_contact` (who reported the alert) are left out for "
                "users who may not see them, always for Force officers; so is the name of the "
                "focal point in `received_from`, except for the officer who logged the call."
            )
        ),
        responses={200: AlertDetailSerializer, 404: detail_error(_("Not in the user's scope."))},
    ),
)
class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, CanLogAlerts]
    filterset_class = AlertFilter
    pagination_class = KeysetPagination
    ordering_fields = ["reported_at", "occurred_at", "created_at", "urgency_rank", "severity_rank"]
    ordering = ["-reported_at", "-id"]
    lookup_value_regex = r"[0-9]+"

    # Besides these, one endpoint per triage action (alerts/<id>/<action>/): TRIAGE_ENDPOINTS.

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return alert_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return AlertListSerializer
        if self.action == "create":
            return AlertCreateSerializer
        return AlertDetailSerializer

    def get_object(self) -> Alert:
        # No filters on a single alert: outside the user's scope is a 404, nothing else.
        return self.scoped_alert(int(self.kwargs[self.lookup_field]))

    def scoped_alert(self, alert_id: int) -> Alert:
        if alert_id > MAX_ID:
            raise Http404
        user = self.request.user
        return get_object_or_404(with_detail(alert_list(user=user), user), pk=alert_id)

    def detail_response(self, alert: Alert, status: int = 200) -> Response:
        show_source = permissions.may_see_source_identity(self.request.user, alert)
        if show_source:
            services.identity_view_record(
                user=self.request.user, alert=alert, where=IdentityView.Where.API
            )
        context = {
            **self.get_serializer_context(),
            "show_source_identity": show_source,
            "show_relay_identity": permissions.may_see_relay_identity(self.request.user, alert),
        }
        return Response(AlertDetailSerializer(alert, context=context).data, status=status)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Log an alert",
        description=str(
            _(
                "Saved at once with its outbox record and routed to a triangulation queue after "
                "the commit. `location` defaults to the CLA's open deployment. An alert heard by "
                "phone or radio gives `received_via` and `received_from`: CLAs, coordinators, "
                "HQ and Force officers on duty (officers of a triangulation queue of their "
                "sector, who log only such alerts) log it on behalf of that CLA or focal point."
            )
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=AlertCreateSerializer,
        responses={
            201: OpenApiResponse(AlertDetailSerializer, description=str(_("Logged."))),
            200: OpenApiResponse(
                AlertDetailSerializer,
                description=str(_("Already logged with this key and this content.")),
            ),
            400: field_errors(_("Invalid input; messages per field.")),
            403: detail_error(_("The user's role cannot log alerts.")),
            422: field_errors(_("The key was already used with other content (`client_key`).")),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AlertCreateSerializer(
            data=request.data,
            context={
                **self.get_serializer_context(),
                "idempotency_key": request.headers.get("Idempotency-Key"),
            },
        )
        serializer.is_valid(raise_exception=True)
        alert, created = services.alert_create(
            user=request.user,
            data=serializer.to_input(),
            client_key=serializer.validated_data["client_key"],
            channel="api",
        )
        return self.detail_response(self.scoped_alert(alert.pk), status=201 if created else 200)

    def act(self, transition: Transition, serializer_class: type[Serializer]) -> Response:
        """Check the scope (404), type the input (400), call the service (403, 409)."""
        alert_id = int(self.kwargs[self.lookup_field])
        if alert_id > MAX_ID or not alert_list(user=self.request.user).filter(pk=alert_id).exists():
            raise Http404
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        service = services.ACTION_SERVICES[transition.name]
        service(alert_id=alert_id, user=self.request.user, **serializer.validated_data)
        return self.detail_response(self.scoped_alert(alert_id))

    def follow_up(
        self, serializer_class: type[Serializer], service: Callable[..., object]
    ) -> Response:
        """The CLA's follow-up (alerts.services.follow_up): the same scope (404), the same
        service and rules (403, 400 per field) as the alert page."""
        alert_id = int(self.kwargs[self.lookup_field])
        if alert_id > MAX_ID:
            raise Http404
        alert = alert_list(user=self.request.user).filter(pk=alert_id).first()
        if alert is None:
            raise Http404
        if not permissions.may_follow_up(self.request.user, alert):
            raise exceptions.PermissionDenied(
                _("Only the CLA of this alert and their coordinator may add its follow-up.")
            )
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        service(alert_id=alert_id, user=self.request.user, **serializer.validated_data)
        return self.detail_response(self.scoped_alert(alert_id), status=201)


FOLLOW_UP_ERRORS = {
    400: field_errors(_("Invalid input; messages per field.")),
    403: detail_error(
        _("Only the CLA of the alert (who logged it or for whom) and their coordinator may.")
    ),
    404: detail_error(_("No such alert in the user's scope.")),
}


@extend_schema(
    summary="Add a follow-up note of the CLA to the alert's timeline",
    request=FollowUpNoteSerializer,
    responses={201: AlertDetailSerializer, **FOLLOW_UP_ERRORS},
)
@action_route(detail=True, methods=["post"], url_path="follow-up-note", url_name="follow_up_note")
def follow_up_note(self: AlertViewSet, request: Request, pk: str) -> Response:
    return self.follow_up(FollowUpNoteSerializer, services.alert_add_follow_up_note)


@extend_schema(
    summary="Record that the community was informed of what happened",
    description=str(
        _(
            "When (not in the future, not before the alert was logged), how, by whom (empty: "
            "the user) and an optional note; written on the timeline as `community_informed`."
        )
    ),
    request=CommunityInformedSerializer,
    responses={201: AlertDetailSerializer, **FOLLOW_UP_ERRORS},
)
@action_route(
    detail=True, methods=["post"], url_path="community-informed", url_name="community_informed"
)
def community_informed(self: AlertViewSet, request: Request, pk: str) -> Response:
    return self.follow_up(CommunityInformedSerializer, services.alert_record_community_informed)


AlertViewSet.follow_up_note = follow_up_note  # type: ignore[attr-defined]
AlertViewSet.community_informed = community_informed  # type: ignore[attr-defined]
AlertViewSet.record_check = verification_api.record_check  # type: ignore[attr-defined]
AlertViewSet.grade = verification_api.grade  # type: ignore[attr-defined]


def _triage_endpoint(
    method: str, transition: Transition, serializer_class: type[Serializer], summary: str
) -> Callable[..., Response]:
    """The endpoint `alerts/<id>/<action>/` of an action of alerts.transitions."""

    def endpoint(self: AlertViewSet, request: Request, pk: str) -> Response:
        return self.act(transition, serializer_class)

    # DRF finds an extra action by the name of the view set's attribute holding it.
    endpoint.__name__ = endpoint.__qualname__ = method
    name = transition.name
    endpoint = action_route(detail=True, methods=["post"], url_path=name, url_name=name)(endpoint)
    return extend_schema(
        summary=summary,
        request=serializer_class,
        responses={200: AlertDetailSerializer, **ACTION_ERRORS},
    )(endpoint)


# The actions of alerts.transitions the API offers (the others are for the pages only):
# (method of the view set, as it always was; action; input; summary).
TRIAGE_ENDPOINTS: tuple[tuple[str, str, type[Serializer], str], ...] = (
    ("acknowledge", "acknowledge", AlertNoteActionSerializer, "Acknowledge a queued alert"),
    ("assign", "assign", AlertAssignSerializer, "Assign the alert to an officer of its queue"),
    (
        "triangulate",
        "triangulate",
        AlertTriangulateSerializer,
        "Request triangulation (verification through another source)",
    ),
    (
        "record_outcome",
        "outcome",
        AlertOutcomeSerializer,
        "Record the outcome of the triangulation",
    ),
    ("record_response", "response", AlertResponseSerializer, "Record the mission's response"),
    ("close", "close", AlertNoteActionSerializer, "Close the alert"),
    (
        "reopen",
        "reopen",
        AlertReopenSerializer,
        "Reopen a closed alert (a note saying why is required)",
    ),
)
for _method, _action, _serializer, _summary in TRIAGE_ENDPOINTS:
    _endpoint = _triage_endpoint(_method, TRANSITIONS[_action], _serializer, _summary)
    setattr(AlertViewSet, _method, _endpoint)


# --- likely duplicates: confirmed into one case, or rejected (alerts.services.cases) --------

OTHER_ALERT = OpenApiParameter(
    name="other_id",
    type=OpenApiTypes.INT,
    location=OpenApiParameter.PATH,
    description=str(_("Id of the likely duplicate linked to the alert.")),
)
DUPLICATE_ERRORS = {
    **ACTION_ERRORS,
    403: detail_error(_("Only a Force officer of the alert's queue, or an admin, decides.")),
    404: detail_error(_("No such alert, or no such link between the two, in the user's scope.")),
}


def _duplicate_decide(
    view: AlertViewSet, pk: str, other_id: str, serializer_class: type[Serializer]
) -> Response:
    alert_id, other = int(pk), int(other_id)
    scoped = alert_list(user=view.request.user)
    if max(alert_id, other) > MAX_ID or scoped.filter(pk__in=[alert_id, other]).count() != 2:
        raise Http404
    serializer = serializer_class(data=view.request.data)
    serializer.is_valid(raise_exception=True)
    if serializer_class is DuplicateConfirmSerializer:
        services.duplicate_confirm(
            user=view.request.user, alert_id=alert_id, other_id=other, **serializer.validated_data
        )
    else:
        services.duplicate_reject(
            user=view.request.user, alert_id=alert_id, other_id=other, **serializer.validated_data
        )
    return view.detail_response(view.scoped_alert(alert_id))


@extend_schema(
    summary="Confirm a likely duplicate: merge the two alerts into one case",
    description=str(
        _(
            "`lead` (this alert or the other; by default the one reported first) leads the "
            "case; the other leaves the queue and follows the lead's closing and reopening."
        )
    ),
    parameters=[OTHER_ALERT],
    request=DuplicateConfirmSerializer,
    responses={200: AlertDetailSerializer, **DUPLICATE_ERRORS},
)
@action_route(
    detail=True,
    methods=["post"],
    url_path=r"duplicates/(?P<other_id>[0-9]+)/confirm",
    url_name="duplicate_confirm",
)
def duplicate_confirm(self: AlertViewSet, request: Request, pk: str, other_id: str) -> Response:
    return _duplicate_decide(self, pk, other_id, DuplicateConfirmSerializer)


@extend_schema(
    summary="Reject a likely duplicate: not the same event, never suggested again",
    parameters=[OTHER_ALERT],
    request=DuplicateRejectSerializer,
    responses={200: AlertDetailSerializer, **DUPLICATE_ERRORS},
)
@action_route(
    detail=True,
    methods=["post"],
    url_path=r"duplicates/(?P<other_id>[0-9]+)/reject",
    url_name="duplicate_reject",
)
def duplicate_reject(self: AlertViewSet, request: Request, pk: str, other_id: str) -> Response:
    return _duplicate_decide(self, pk, other_id, DuplicateRejectSerializer)


AlertViewSet.duplicate_confirm = duplicate_confirm  # type: ignore[attr-defined]
AlertViewSet.duplicate_reject = duplicate_reject  # type: ignore[attr-defined]


@extend_schema_view(
    list=extend_schema(summary="Triangulation queues the user may see"),
    retrieve=extend_schema(
        summary="One triangulation queue",
        responses={200: QueueSerializer, 404: detail_error(_("Not in the user's scope."))},
    ),
)
class QueueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QueueSerializer
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[TriangulationQueue]:
        if getattr(self, "swagger_fake_view", False):
            return TriangulationQueue.objects.none()
        return (
            queue_list(user=self.request.user)
            .annotate(waiting=Count("alerts", filter=Q(alerts__status=Alert.Status.QUEUED)))
            .order_by("sector__name", "name", "id")
        )


@extend_schema_view(
    list=extend_schema(summary="Active threat categories, in English and French"),
    retrieve=extend_schema(summary="One active threat category"),
)
class ThreatCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThreatCategorySerializer
    pagination_class = None
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[ThreatCategory]:
        return category_list()


@extend_schema_view(
    list=extend_schema(
        summary="Displays of who reported an alert (mission admins)",
        description=str(
            _(
                "Every time a source's name or contact was shown: to whom, when, on which alert "
                "and where (the alert page, the API, the administration). Newest first. The "
                "twin of the page /alerts/identity-views/."
            )
        ),
        parameters=[
            OpenApiParameter(
                "user", OpenApiTypes.STR, description=str(_("A username or a user id."))
            ),
            OpenApiParameter(
                "alert",
                OpenApiTypes.STR,
                description=str(_("An alert's reference (ALT-2026-000123) or id.")),
            ),
        ],
        responses={
            200: IdentityViewSerializer(many=True),
            403: detail_error(_("Only mission admins see this record.")),
        },
    ),
    retrieve=extend_schema(
        summary="One display of who reported an alert",
        responses={
            200: IdentityViewSerializer,
            403: detail_error(_("Only mission admins see this record.")),
        },
    ),
)
class IdentityViewViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IdentityViewSerializer
    filter_backends: list = []
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not permissions.may_see_identity_views(request.user):
            raise exceptions.PermissionDenied(_("Only mission admins see this record."))

    def get_queryset(self) -> QuerySet[IdentityView]:
        if getattr(self, "swagger_fake_view", False):
            return IdentityView.objects.none()
        params = self.request.query_params
        return identity_view_list(
            user=self.request.user,
            shown_to=params.get("user", "")[:150],
            alert=params.get("alert", "")[:30],
        )

    def get_object(self) -> IdentityView:
        if int(self.kwargs[self.lookup_field]) > MAX_ID:
            raise Http404
        return super().get_object()
