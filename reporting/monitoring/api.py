"""The monitoring and evaluation of CLAs in the API: the same selectors, rules and scope as
the page. Coordinators see the CLAs of their area, HQ and admins the mission's; CLAs and
Force officers are refused.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clas.models import Gender
from core.api import detail_error, field_errors, form_errors
from reporting.monitoring.forms import MonitoringPeriodForm
from reporting.monitoring.selectors import monitoring_rows
from reporting.permissions import may_monitor_clas
from reporting.selectors import mission_tz


class MayMonitor(BasePermission):
    message = _("The monitoring of CLAs is for coordinators and HQ staff.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_monitor_clas(request.user)


class MonitoringPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class MonitoringCountsSerializer(serializers.Serializer):
    alerts_logged = serializers.IntegerField(help_text=_("Alerts the CLA logged in the period."))
    daily_submitted = serializers.IntegerField(
        help_text=_("Daily reports of days in the period, submitted.")
    )
    daily_on_time = serializers.IntegerField(
        help_text=_("Of those, submitted by 09:00 the morning after their day.")
    )
    weekly_submitted = serializers.IntegerField(
        help_text=_("Weekly analyses of weeks starting in the period, submitted.")
    )
    weekly_on_time = serializers.IntegerField(
        help_text=_("Of those, submitted by 09:00 the Monday after their week.")
    )
    flash_submitted = serializers.IntegerField(help_text=_("Flash reports submitted."))
    networks_set_up = serializers.IntegerField(
        help_text=_("Community alert networks the CLA established in the period.")
    )
    plan_updates = serializers.IntegerField(
        help_text=_("Protection plan versions the CLA adopted in the period.")
    )
    trainings_attended = serializers.IntegerField(help_text=_("Trainings held in the period."))


class MonitoringClaSerializer(MonitoringCountsSerializer):
    id = serializers.IntegerField(help_text=_("The CLA (see /api/v1/clas/{id}/)."))
    name = serializers.CharField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    location = serializers.CharField(
        allow_null=True, help_text=_("Where the CLA is deployed now; null when not deployed.")
    )


class MonitoringLocationSerializer(MonitoringCountsSerializer):
    location = serializers.CharField(
        allow_null=True, help_text=_("Null: the CLAs not deployed at the moment.")
    )
    clas = serializers.IntegerField(help_text=_("CLAs counted."))


class MonitoringSerializer(serializers.Serializer):
    period = MonitoringPeriodSerializer()
    clas = MonitoringClaSerializer(many=True)
    locations = MonitoringLocationSerializer(many=True)


def _period(request: Request) -> tuple[Any, Any]:
    data = {k: request.query_params[k] for k in ("start", "end") if k in request.query_params}
    form = MonitoringPeriodForm(data or None)
    if form.is_bound and not form.is_valid():
        raise form_errors(form)
    return form.period()


class MonitoringView(APIView):
    permission_classes = [IsAuthenticated, MayMonitor]

    @extend_schema(
        operation_id="monitoring_figures",
        summary="Monitoring and evaluation of CLAs",
        description=(
            "What each CLA in your scope did over the period (alerts logged, daily and weekly "
            "reports submitted and on time, flash reports, alert networks set up, protection "
            "plan updates, trainings attended), and the same summed per location. "
            "Coordinators: the CLAs of their area; HQ and admins: every CLA."
        ),
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATE,
                description="First day (mission time). Default: 29 days before `end`.",
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="Last day (mission time). Default: today."
            ),
        ],
        responses={
            200: MonitoringSerializer,
            400: field_errors(_("A date is not valid, in the future, or the period reversed.")),
            403: detail_error(_("Not signed in, or neither a coordinator nor HQ.")),
        },
        tags=["monitoring"],
    )
    def get(self, request: Request) -> Response:
        with timezone.override(mission_tz()):
            start, end = _period(request)
            rows, per_location = monitoring_rows(user=request.user, start=start, end=end)
        counts = list(MonitoringCountsSerializer().fields)
        clas = [
            {
                "id": row["cla"].pk,
                "name": row["name"],
                "gender": row["cla"].gender,
                "location": row["location"] or None,
                **{key: row[key] for key in counts},
            }
            for row in rows
        ]
        locations = [{**row, "location": row["location"] or None} for row in per_location]
        data = {"period": {"start": start, "end": end}, "clas": clas, "locations": locations}
        return Response(MonitoringSerializer(data).data)
