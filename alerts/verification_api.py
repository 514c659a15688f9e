"""The API's verification of an alert: POST alerts/<id>/checks/ and alerts/<id>/grade/.

The twins of the alert page's forms (alerts.verification_views): the same scope (404), the
same rule on who may (403) and the same services (400 per field, 409 on a closed alert or
an out-of-date `version`). alerts.api attaches them to the alerts' view set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action as action_route
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from alerts import services
from alerts.selectors import alert_list
from alerts.serializers import MAX_ID, AlertDetailSerializer
from alerts.services.verification import may_verify
from alerts.verification_serializers import AlertCheckSerializer, AlertGradeSerializer
from core.api import detail_error, field_errors

if TYPE_CHECKING:
    from alerts.api import AlertViewSet

VERIFY_ERRORS = {
    400: field_errors(_("Invalid input; messages per field.")),
    403: detail_error(_("Only an officer of the alert's queue, or an admin, may.")),
    404: detail_error(_("No such alert in the user's scope.")),
    409: detail_error(
        _("The alert is closed, or someone changed the alert since the `version` sent.")
    ),
}


def _verify(
    view: AlertViewSet, serializer_class: type[Serializer], service: Callable[..., Any]
) -> Response:
    alert_id = int(view.kwargs[view.lookup_field])
    if alert_id > MAX_ID:
        raise Http404
    alert = alert_list(user=view.request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    if not may_verify(view.request.user, alert):
        raise exceptions.PermissionDenied(
            _("Only an officer of this alert's queue may verify and grade it.")
        )
    serializer = serializer_class(data=view.request.data)
    serializer.is_valid(raise_exception=True)
    service(alert_id=alert_id, user=view.request.user, **serializer.validated_data)
    return view.detail_response(view.scoped_alert(alert_id), status=201)


@extend_schema(
    summary="Record a check of the alert and what it found",
    description=str(
        _(
            "How it was checked (patrol, another CLA, UN police, another source, imagery) and "
            "the result (confirmed, partly confirmed, not confirmed, inconclusive); written on "
            "the timeline as `checked`. The alert's state does not change."
        )
    ),
    request=AlertCheckSerializer,
    responses={201: AlertDetailSerializer, **VERIFY_ERRORS},
)
@action_route(detail=True, methods=["post"], url_path="checks", url_name="checks")
def record_check(self: AlertViewSet, request: Request, pk: str) -> Response:
    return _verify(self, AlertCheckSerializer, services.alert_record_check)


@extend_schema(
    summary="Grade the alert (Admiralty: source A to F, information 1 to 6)",
    description=str(
        _(
            "Gives or changes the grade while the alert is open; written on the timeline as "
            '`graded` with the grade ("B2").'
        )
    ),
    request=AlertGradeSerializer,
    responses={201: AlertDetailSerializer, **VERIFY_ERRORS},
)
@action_route(detail=True, methods=["post"], url_path="grade", url_name="grade")
def grade(self: AlertViewSet, request: Request, pk: str) -> Response:
    return _verify(self, AlertGradeSerializer, services.alert_grade)
