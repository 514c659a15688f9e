"""Read-only API of people and places. Each endpoint starts from the selector its page uses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.serializers import BaseSerializer

from clas.filters import (
    CLAFilter,
    DeploymentFilter,
    LocationFilter,
    NetworkFilter,
    SectorFilter,
    TrainingFilter,
)
from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    FocalPoint,
    Language,
    Location,
    Sector,
    Training,
)
from clas.permissions import may_see_focal_points
from clas.selectors import (
    cla_list,
    deployment_list,
    focal_point_list,
    location_list,
    network_list,
    sector_list,
    training_list,
    with_open_deployment,
    with_participant_count,
)

# Serializers -----------------------------------------------------------------------------


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "description"]


class SectorSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name"]


class LocationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name"]


class LocationSerializer(serializers.ModelSerializer):
    sector = SectorSummarySerializer(read_only=True)
    field_office = LocationSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "prefecture",
            "prefecture_code",
            "sector",
            "field_office",
            "latitude",
            "longitude",
            "is_active",
        ]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class CLASummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = CLA
        fields = ["id", "name", "staff_number"]


class CLASerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    languages = LanguageSerializer(many=True, read_only=True)
    current_location = serializers.SerializerMethodField()

    class Meta:
        model = CLA
        fields = [
            "id",
            "name",
            "staff_number",
            "gender",
            "languages",
            "phone",
            "radio_call_sign",
            "has_phone",
            "has_radio",
            "has_satellite_phone",
            "has_laptop",
            "connectivity",
            "joined_on",
            "current_location",
        ]

    @extend_schema_field(LocationSummarySerializer(allow_null=True))
    def get_current_location(self, cla: CLA) -> dict[str, Any] | None:
        deployments = cla.open_deployments
        return LocationSummarySerializer(deployments[0].location).data if deployments else None


class DeploymentSerializer(serializers.ModelSerializer):
    cla = CLASummarySerializer(read_only=True)
    location = LocationSummarySerializer(read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Deployment
        fields = [
            "id",
            "cla",
            "location",
            "start_date",
            "end_date",
            "is_open",
            "note",
            "status",
            "end_reason",
            "version",
        ]

    def get_is_open(self, deployment: Deployment) -> bool:
        return deployment.end_date is None


class FocalPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocalPoint
        fields = ["id", "name", "gender", "phone", "village"]


class NetworkSerializer(serializers.ModelSerializer):
    location = LocationSummarySerializer(read_only=True)
    established_by = CLASummarySerializer(read_only=True, allow_null=True)
    volunteers_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = CommunityAlertNetwork
        fields = [
            "id",
            "name",
            "location",
            "established_on",
            "established_by",
            "status",
            "volunteers_women",
            "volunteers_men",
            "volunteers_total",
            "last_activity_on",
        ]


class NetworkDetailSerializer(NetworkSerializer):
    focal_points = serializers.SerializerMethodField(
        help_text=_(
            "Names and phones of the network's focal points; null for users who may not see them."
        )
    )

    class Meta(NetworkSerializer.Meta):
        fields = [*NetworkSerializer.Meta.fields, "focal_points"]

    @extend_schema_field(FocalPointSerializer(many=True, allow_null=True))
    def get_focal_points(self, network: CommunityAlertNetwork) -> list[dict[str, Any]] | None:
        focal_points = self.context.get("focal_points")
        if focal_points is None:
            return None
        return FocalPointSerializer(focal_points, many=True).data


class TrainingSerializer(serializers.ModelSerializer):
    location = LocationSummarySerializer(read_only=True, allow_null=True)
    participants_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "kind",
            "audience",
            "held_on",
            "location",
            "participants_count",
            "uniformed_participants",
        ]


class TrainingDetailSerializer(TrainingSerializer):
    participants = CLASummarySerializer(many=True, read_only=True)

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "participants"]


# Viewsets --------------------------------------------------------------------------------


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve from the scoped rows of the requesting user: outside them is a 404."""

    model: type

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scoped_queryset()

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError


@extend_schema(tags=["sectors"])
@extend_schema_view(
    list=extend_schema(summary="Sectors the user works in"),
    retrieve=extend_schema(summary="One sector"),
)
class SectorViewSet(ScopedViewSet):
    """Sectors (military areas of responsibility) the user works in: their own sector for Force
    officers, the sectors of their locations for CLAs and coordinators, all for HQ and admins.
    """

    model = Sector
    serializer_class = SectorSerializer
    filterset_class = SectorFilter
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def scoped_queryset(self) -> QuerySet[Sector]:
        return sector_list(user=self.request.user)


@extend_schema(tags=["locations"])
@extend_schema_view(
    list=extend_schema(summary="Locations the user works on"),
    retrieve=extend_schema(summary="One location"),
)
class LocationViewSet(ScopedViewSet):
    """Bases and towns the user works on: a CLA's own location, a coordinator's field office area, a
    Force officer's sector, the whole mission for HQ and admins.
    """

    model = Location
    serializer_class = LocationSerializer
    filterset_class = LocationFilter
    ordering_fields = ["name", "code", "prefecture", "kind"]
    ordering = ["name"]

    def scoped_queryset(self) -> QuerySet[Location]:
        return location_list(user=self.request.user)


@extend_schema(tags=["CLAs"])
@extend_schema_view(
    list=extend_schema(summary="Community Liaison Assistants deployed in the user's scope"),
    retrieve=extend_schema(summary="One Community Liaison Assistant"),
)
class CLAViewSet(ScopedViewSet):
    """Community Liaison Assistants with an open deployment in the user's locations (all of them
    for HQ and admins).
    """

    model = CLA
    serializer_class = CLASerializer
    filterset_class = CLAFilter
    ordering_fields = ["staff_number", "user__last_name", "joined_on"]
    ordering = ["user__last_name", "user__first_name"]

    def scoped_queryset(self) -> QuerySet[CLA]:
        return with_open_deployment(cla_list(user=self.request.user))


@extend_schema(tags=["deployments"])
@extend_schema_view(
    list=extend_schema(summary="Deployments of CLAs in the user's scope"),
    retrieve=extend_schema(summary="One deployment"),
)
class DeploymentViewSet(ScopedViewSet):
    """Postings of CLAs at the user's locations; a CLA also sees their own past postings."""

    model = Deployment
    serializer_class = DeploymentSerializer
    filterset_class = DeploymentFilter
    ordering_fields = ["start_date", "end_date"]
    ordering = ["-start_date"]

    def scoped_queryset(self) -> QuerySet[Deployment]:
        return deployment_list(user=self.request.user)


@extend_schema(tags=["networks"])
@extend_schema_view(
    list=extend_schema(summary="Community Alert Networks in the user's scope"),
    retrieve=extend_schema(
        summary="One Community Alert Network",
        description="Focal points are null for users who may not see them (Force officers).",
    ),
)
class NetworkViewSet(ScopedViewSet):
    """Community Alert Networks of the user's locations. Focal points appear on a single network,
    and only for roles that may see them.
    """

    model = CommunityAlertNetwork
    filterset_class = NetworkFilter
    ordering_fields = ["name", "established_on", "last_activity_on", "status"]
    ordering = ["location__name", "name"]

    def scoped_queryset(self) -> QuerySet[CommunityAlertNetwork]:
        return network_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return NetworkDetailSerializer if self.action == "retrieve" else NetworkSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action == "retrieve" and may_see_focal_points(self.request.user):
            context["focal_points"] = focal_point_list(user=self.request.user).filter(
                network_id=self.kwargs[self.lookup_field]
            )
        return context


@extend_schema(tags=["trainings"])
@extend_schema_view(
    list=extend_schema(summary="Trainings in the user's scope"),
    retrieve=extend_schema(summary="One training, with its CLA participants"),
)
class TrainingViewSet(ScopedViewSet):
    """Trainings held at the user's locations; a CLA also sees the trainings they took part in."""

    model = Training
    filterset_class = TrainingFilter
    ordering_fields = ["held_on", "title"]
    ordering = ["-held_on"]

    def scoped_queryset(self) -> QuerySet[Training]:
        qs = with_participant_count(training_list(user=self.request.user))
        if self.action == "retrieve":
            qs = qs.prefetch_related("participants__user")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer]:
        return TrainingDetailSerializer if self.action == "retrieve" else TrainingSerializer
