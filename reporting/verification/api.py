"""The grades in the API: the twin of /dashboard/verification/, with the dashboard's filters,
readers and scope (HQ and admins: the mission; coordinators: their area; Force officers:
their sector). CLAs are refused."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import InformationCredibility, SourceReliability
from reporting.dashboard.api import ERRORS, FILTER_PARAMETERS, MayViewDashboard, _filters
from reporting.selectors import mission_tz
from reporting.verification.selectors import verification_distribution


def _counts(name: str, keys: list[str], doc: str) -> type[serializers.Serializer]:
    """A serializer of one count per key (the keys are the scale's, not names Python allows)."""
    fields: dict[str, object] = {key: serializers.IntegerField() for key in keys}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


ReliabilityCounts = _counts(
    "ReliabilityCounts", list(SourceReliability.values), "Alerts per source reliability, A to F."
)
CredibilityCounts = _counts(
    "CredibilityCounts",
    [str(value) for value in InformationCredibility.values],
    "Alerts per information credibility, 1 to 6.",
)
GradeMatrix = _counts(
    "GradeMatrix",
    [f"{r}{c}" for r in SourceReliability.values for c in InformationCredibility.values],
    'Alerts per grade, "A1" to "F6".',
)


class GradeRow(serializers.Serializer):
    key = serializers.CharField(
        help_text="The source type, or the id of the CLA's user account ('others': alerts "
        "logged by others than CLAs; 'total': the table's total)."
    )
    label = serializers.CharField(help_text="The source type or the CLA's name.")
    reliability = ReliabilityCounts()
    credibility = CredibilityCounts()
    matrix = GradeMatrix()
    ungraded = serializers.IntegerField()
    total = serializers.IntegerField()


class GradeTable(serializers.Serializer):
    rows = GradeRow(many=True)
    total = GradeRow()


class GradePeriod(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class VerificationDistributionSerializer(serializers.Serializer):
    period = GradePeriod()
    by_source_type = GradeTable()
    by_cla = GradeTable()


class VerificationDistributionView(APIView):
    permission_classes = [IsAuthenticated, MayViewDashboard]

    @extend_schema(
        operation_id="dashboard_verification",
        summary="The Admiralty grades by source type and by CLA",
        description=(
            "For the alerts of the dashboard's scope, period and filters: how many were "
            "graded A to F (source reliability) and 1 to 6 (information credibility), each "
            "grade of the 36, and how many are not graded, per source type and per CLA the "
            "alert came from. Never who reported an alert to the CLA."
        ),
        parameters=FILTER_PARAMETERS,
        responses={200: VerificationDistributionSerializer, **ERRORS},
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        with timezone.override(mission_tz()):
            figures = verification_distribution(user=request.user, filters=_filters(request))
            return Response(VerificationDistributionSerializer(figures).data)
