"""The dashboard in the API: the same figures as the page, from the same selectors, with the
same filters and the same scope (HQ and admins: the mission; coordinators: their area;
Force officers: their sector). CLAs are refused."""

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

from alerts.models import Alert, Channel
from clas.models import Gender, Location
from core.api import detail_error, field_errors, form_errors
from protection_plans.models import ProtectionPlan
from reporting.dashboard.forms import DashboardFilterForm
from reporting.dashboard.selectors import (
    ACK_BUCKETS,
    DashboardFilters,
    dashboard_figures,
    dashboard_map,
)
from reporting.permissions import may_view_dashboard
from reporting.selectors import mission_tz


class MayViewDashboard(BasePermission):
    message = _("The dashboard is for HQ staff, coordinators and Force officers.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_view_dashboard(request.user)


def _filters(request: Request) -> DashboardFilters:
    form = DashboardFilterForm(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise form_errors(form)
    return form.filters()


FILTER_PARAMETERS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description="Reported on or after this day (mission time). Default: 89 days before today.",
    ),
    OpenApiParameter(
        "end",
        OpenApiTypes.DATE,
        description="Reported on or before this day (mission time). Default: today.",
    ),
    OpenApiParameter("sector", OpenApiTypes.INT, description="Id of a sector in your scope."),
    OpenApiParameter("category", OpenApiTypes.INT, description="Id of a threat category."),
]


# --- the shape of the answers (documentation and output) ----------------------------------


class DashboardPeriod(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class DashboardFilterValues(serializers.Serializer):
    sector = serializers.IntegerField(allow_null=True)
    category = serializers.IntegerField(allow_null=True)


class DashboardStatusCount(serializers.Serializer):
    status = serializers.ChoiceField(choices=Alert.Status.choices)
    count = serializers.IntegerField()
    alerts_url = serializers.CharField(help_text="The alert list page behind the figure.")


class DashboardChannelCount(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    count = serializers.IntegerField()
    alerts_url = serializers.CharField(help_text="The alert list page behind the figure.")


class DashboardAlerts(serializers.Serializer):
    total = serializers.IntegerField()
    alerts_url = serializers.CharField()
    unacknowledged = serializers.IntegerField(help_text="New or queued: nobody has taken note.")
    unacknowledged_url = serializers.CharField()
    confirmed_share = serializers.FloatField(
        allow_null=True,
        help_text="Confirmed or partly confirmed, among alerts with an outcome (0 to 1).",
    )
    by_status = DashboardStatusCount(many=True)
    by_channel = DashboardChannelCount(
        many=True, help_text="How the alerts came in: web, offline replay, API, SMS, phone, radio."
    )


class DashboardWeek(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    alerts_url = serializers.CharField()


class DashboardCategory(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_fr = serializers.CharField()
    count = serializers.IntegerField()
    alerts_url = serializers.CharField()


class DashboardPrefectureLocation(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    alerts_url = serializers.CharField()


class DashboardPrefecture(serializers.Serializer):
    prefecture = serializers.CharField()
    count = serializers.IntegerField()
    locations = DashboardPrefectureLocation(many=True)


class DashboardTimes(serializers.Serializer):
    count = serializers.IntegerField(help_text="Alerts measured.")
    median = serializers.FloatField(allow_null=True, help_text="Seconds.")
    p90 = serializers.FloatField(allow_null=True, help_text="Seconds, 90th percentile.")


class DashboardBucket(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=[name for name, _lower, _upper in ACK_BUCKETS])
    min_minutes = serializers.IntegerField()
    max_minutes = serializers.IntegerField(allow_null=True, help_text="Excluded; null: no limit.")
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    alerts_url = serializers.CharField()


class DashboardResponseTimes(serializers.Serializer):
    acknowledge = DashboardTimes(help_text="From logging to acknowledgement.")
    response = DashboardTimes(help_text="From logging to the recorded response.")
    acknowledge_histogram = DashboardBucket(many=True)


class DashboardGroupTimes(serializers.Serializer):
    acknowledge = DashboardTimes(help_text="From logging to acknowledgement.")
    response = DashboardTimes(help_text="From logging to the recorded response.")
    alerts_url = serializers.CharField(help_text="The alert list page showing these alerts.")


class DashboardNearBaseTimes(serializers.Serializer):
    radius_km = serializers.FloatField(help_text="NEAR_BASE_KM: near a base means this close.")
    near_base = DashboardGroupTimes(help_text="Alerts within radius_km of their nearest base.")
    others = DashboardGroupTimes(help_text="Alerts farther away, or without coordinates.")


class DashboardCommunityInformed(serializers.Serializer):
    closed = serializers.IntegerField(help_text="Closed alerts of the period.")
    informed = serializers.IntegerField(
        help_text="Of them, those whose community was informed (recorded by the CLA)."
    )
    share = serializers.FloatField(allow_null=True, help_text="informed / closed (0 to 1).")
    time_to_informed = DashboardTimes(
        help_text="From the alert being logged to the first time its community was informed."
    )
    closed_url = serializers.CharField()


class DashboardGenderCount(serializers.Serializer):
    gender = serializers.ChoiceField(choices=Gender.choices)
    count = serializers.IntegerField()


class DashboardSilentNetwork(serializers.Serializer):
    name = serializers.CharField()
    location = serializers.CharField()


class DashboardNetworks(serializers.Serializer):
    locations = serializers.IntegerField(help_text="Active field locations (HQ not counted).")
    locations_with_network = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    networks = serializers.IntegerField(help_text="Networks not dissolved.")
    volunteers = DashboardGenderCount(many=True)
    new = serializers.IntegerField()
    active = serializers.IntegerField()
    silent = serializers.IntegerField()
    silent_networks = DashboardSilentNetwork(many=True)
    networks_url = serializers.CharField()


class DashboardCLAGender(DashboardGenderCount):
    clas_url = serializers.CharField()


class DashboardCLAKind(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Location.Kind.choices)
    count = serializers.IntegerField()
    locations_url = serializers.CharField()


class DashboardCLAs(serializers.Serializer):
    total = serializers.IntegerField(help_text="CLAs with an open deployment in scope.")
    by_gender = DashboardCLAGender(many=True)
    by_location_kind = DashboardCLAKind(many=True)


class DashboardPlanStatus(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProtectionPlan.Status.choices)
    count = serializers.IntegerField()
    plans_url = serializers.CharField()


class DashboardReview(serializers.Serializer):
    location = serializers.CharField()
    due = serializers.DateField()
    overdue = serializers.BooleanField()


class DashboardPlans(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = DashboardPlanStatus(many=True)
    reviews_overdue = serializers.IntegerField()
    reviews_due = DashboardReview(many=True)
    overdue_url = serializers.CharField()


class DashboardBaseCLA(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.ChoiceField(choices=Gender.choices)


class DashboardOnlyCivilian(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefecture = serializers.CharField()
    sector = serializers.CharField()
    clas = DashboardBaseCLA(many=True)
    alerts = serializers.IntegerField()
    alerts_url = serializers.CharField()


class DashboardSerializer(serializers.Serializer):
    period = DashboardPeriod()
    filters = DashboardFilterValues()
    generated_at = serializers.DateTimeField()
    alerts = DashboardAlerts()
    alerts_per_week = DashboardWeek(many=True)
    alerts_by_category = DashboardCategory(many=True)
    alerts_by_prefecture = DashboardPrefecture(many=True)
    response_times = DashboardResponseTimes()
    response_times_near_base = DashboardNearBaseTimes(
        help_text="Response times of the alerts near a base (urgent) and of the others, apart."
    )
    community_informed = DashboardCommunityInformed(
        help_text="Closed alerts whose community was told what happened, and how long it took."
    )
    networks = DashboardNetworks()
    clas = DashboardCLAs()
    plans = DashboardPlans()
    only_civilian_locations = DashboardOnlyCivilian(
        many=True, help_text="Temporary operating bases, where the CLA is the only civilian."
    )


class DashboardMapGeometry(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude]",
    )


class DashboardMapPointProperties(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Location.Kind.choices)
    prefecture = serializers.CharField()
    alerts = serializers.IntegerField()
    unacknowledged = serializers.IntegerField()
    alerts_url = serializers.CharField()


class DashboardMapFeature(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.IntegerField(help_text="Id of the location.")
    geometry = DashboardMapGeometry()
    properties = DashboardMapPointProperties()


class DashboardMapSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    period = DashboardPeriod()
    features = DashboardMapFeature(many=True)


# --- the endpoints ------------------------------------------------------------------------

ERRORS = {
    400: field_errors(_("A filter value that cannot be read, named by its field.")),
    403: detail_error(_("Not signed in, or a CLA (the dashboard is not theirs).")),
}


class DashboardView(APIView):
    permission_classes = [IsAuthenticated, MayViewDashboard]

    @extend_schema(
        operation_id="dashboard_figures",
        summary="The dashboard's figures",
        description=(
            "Alerts per week, by category, by prefecture and by status; time to acknowledge "
            "(median, 90th percentile, buckets) and to response; alert network coverage and "
            "volunteers; deployed CLAs; protection plans; temporary bases. Within your scope, "
            "for the period and filters. Cached for 60 seconds."
        ),
        parameters=FILTER_PARAMETERS,
        responses={200: DashboardSerializer, **ERRORS},
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        with timezone.override(mission_tz()):
            figures = dashboard_figures(user=request.user, filters=_filters(request))
            return Response(DashboardSerializer(figures).data)


class DashboardMapView(APIView):
    permission_classes = [IsAuthenticated, MayViewDashboard]

    @extend_schema(
        operation_id="dashboard_map",
        summary="The dashboard's map",
        description=(
            "The locations in your scope as GeoJSON points, each with its number of alerts "
            "for the period and filters (one point per location, not per alert)."
        ),
        parameters=FILTER_PARAMETERS,
        responses={200: DashboardMapSerializer, **ERRORS},
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = dashboard_map(user=request.user, filters=_filters(request))
        return Response(DashboardMapSerializer(data).data)
