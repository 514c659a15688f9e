"""Admin of Community Protection Plans: the plan of a location with its parts inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.db.models.fields.related import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0
    fields = (
        "number",
        "adopted_on",
        "participants_women",
        "participants_men",
        "authorities_present",
        "notes",
        "created_by",
    )
    autocomplete_fields = ("created_by",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanVersion]:
        return super().get_queryset(request).select_related("created_by")


class ThreatInline(admin.TabularInline):
    model = Threat
    extra = 0
    fields = ("category", "perpetrators", "likelihood", "impact", "risk", "description")
    readonly_fields = ("risk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Threat]:
        return super().get_queryset(request).select_related("category")


class VulnerableGroupInline(admin.TabularInline):
    model = VulnerableGroup
    extra = 0
    fields = ("group", "estimated_size", "description")


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ("threat", "action", "responsible", "due_on", "status")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "threat":
            # Only the threats of the plan on the page.
            plan_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            threats = Threat.objects.select_related("category", "plan__location")
            kwargs["queryset"] = (
                threats.filter(plan_id=plan_id) if plan_id and plan_id.isdigit() else threats.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProtectionPlan)
class ProtectionPlanAdmin(admin.ModelAdmin):
    list_display = (
        "location",
        "status",
        "adopted_on",
        "review_cycle_months",
        "next_review_due",
        "threat_count",
        "updated_at",
    )
    list_filter = ("status", "location__sector")
    list_select_related = ("location",)
    search_fields = ("location__name", "location__code", "summary")
    autocomplete_fields = ("location",)
    readonly_fields = ("updated_at",)
    date_hierarchy = "next_review_due"
    inlines = (PlanVersionInline, ThreatInline, VulnerableGroupInline, MeasureInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProtectionPlan]:
        return super().get_queryset(request).annotate(_threat_count=Count("threats"))

    @admin.display(description=_("threats"), ordering="_threat_count")
    def threat_count(self, obj: ProtectionPlan) -> int:
        return obj._threat_count


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = (
        "plan",
        "number",
        "adopted_on",
        "participants_women",
        "participants_men",
        "authorities_present",
    )
    list_select_related = ("plan__location",)
    search_fields = ("plan__location__name", "notes")
    autocomplete_fields = ("plan", "created_by")
    date_hierarchy = "adopted_on"


@admin.register(Threat)
class ThreatAdmin(admin.ModelAdmin):
    list_display = ("category", "plan", "perpetrators", "likelihood", "impact", "risk")
    list_filter = ("category", "plan__location__sector")
    list_select_related = ("category", "plan__location")
    search_fields = ("plan__location__name", "perpetrators", "description")
    autocomplete_fields = ("plan", "category")
    readonly_fields = ("risk",)


@admin.register(VulnerableGroup)
class VulnerableGroupAdmin(admin.ModelAdmin):
    list_display = ("group", "plan", "estimated_size")
    list_filter = ("group",)
    list_select_related = ("plan__location",)
    search_fields = ("plan__location__name", "description")
    autocomplete_fields = ("plan",)


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "threat", "responsible", "due_on", "status")
    list_filter = ("status", "plan__location__sector")
    list_select_related = ("plan__location", "threat__category", "threat__plan__location")
    search_fields = ("action", "responsible", "plan__location__name")
    autocomplete_fields = ("plan",)
    raw_id_fields = ("threat",)
    date_hierarchy = "due_on"
