"""Read-only API of Community Protection Plans. Each endpoint starts from the page's selector."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.serializers import BaseSerializer

from clas.api import LocationSummarySerializer, SectorSummarySerializer
from clas.models import Location
from protection_plans.filters import PlanFilter
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup
from protection_plans.selectors import plan_detail_queryset, plan_list, with_review_overdue


class PlanLocationSerializer(LocationSummarySerializer):
    sector = SectorSummarySerializer(read_only=True)

    class Meta(LocationSummarySerializer.Meta):
        model = Location
        fields = [*LocationSummarySerializer.Meta.fields, "sector"]


class ThreatSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Threat
        fields = [
            "id",
            "category",
            "category_name",
            "description",
            "perpetrators",
            "likelihood",
            "impact",
            "risk",
        ]


class VulnerableGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = VulnerableGroup
        fields = ["id", "group", "description", "estimated_size"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "threat", "action", "responsible", "due_on", "status"]


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "adopted_on",
            "notes",
            "participants_women",
            "participants_men",
            "authorities_present",
        ]


class PlanSerializer(serializers.ModelSerializer):
    location = PlanLocationSerializer(read_only=True)
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ProtectionPlan
        fields = [
            "id",
            "location",
            "status",
            "adopted_on",
            "review_cycle_months",
            "next_review_due",
            "review_overdue",
            "summary",
            "updated_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    threats = ThreatSerializer(many=True, read_only=True)
    vulnerable_groups = VulnerableGroupSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    versions = PlanVersionSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "threats",
            "vulnerable_groups",
            "measures",
            "versions",
        ]


@extend_schema(tags=["protection plans"])
@extend_schema_view(
    list=extend_schema(summary="Community Protection Plans of the user's locations"),
    retrieve=extend_schema(
        summary="One plan, with threats (highest risk first), groups, measures and versions"
    ),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Community Protection Plans of the locations the user works on (all for HQ and admins)."""

    filterset_class = PlanFilter
    ordering_fields = ["location__name", "next_review_due", "adopted_on", "updated_at"]
    ordering = ["location__name"]

    def get_queryset(self) -> QuerySet[ProtectionPlan]:
        if getattr(self, "swagger_fake_view", False):
            return ProtectionPlan.objects.none()
        user = self.request.user
        qs = plan_detail_queryset(user=user) if self.action == "retrieve" else plan_list(user=user)
        return with_review_overdue(qs)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer
