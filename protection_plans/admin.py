"""Admin of Community Protection Plans: the plan of a location with its parts inline.

Plans and their parts are written through protection_plans.services, so the admin obeys the
same rules as every other way in; the forms check those rules first to show errors on the
fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.fields.related import ForeignKey
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clas.admin import ServiceWritesAdmin, add_domain_error
from core.exceptions import DomainError
from protection_plans import services
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup
from protection_plans.services import PlanPart

# The fields each service writes, besides the plan a part belongs to.
PLAN_FIELDS = (
    "location",
    "status",
    "adopted_on",
    "review_cycle_months",
    "next_review_due",
    "summary",
)
VERSION_FIELDS = (
    "number",
    "adopted_on",
    "notes",
    "participants_women",
    "participants_men",
    "authorities_present",
    "created_by",
)
THREAT_FIELDS = ("category", "likelihood", "impact", "perpetrators", "description")
GROUP_FIELDS = ("group", "description", "estimated_size")
MEASURE_FIELDS = ("action", "responsible", "threat", "due_on", "status")

# --- forms: the services' rules, checked before saving -----------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = ProtectionPlan
        fields = PLAN_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "status" in cleaned:
            try:
                services.plan_validate(
                    status=cleaned["status"],
                    adopted_on=cleaned.get("adopted_on"),
                    next_review_due=cleaned.get("next_review_due"),
                )
            except DomainError as exc:
                add_domain_error(self, exc)
        return cleaned


class PlanPartForm(forms.ModelForm):
    """A version, threat, vulnerable group or measure: its plan must take the change."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        plan = cleaned.get("plan") or (self.instance.plan if self.instance.plan_id else None)
        # Rows left as they were are not written, so an archived plan still shows them.
        if plan is not None and self.has_changed():
            try:
                self.part_validate(plan, cleaned)
            except DomainError as exc:
                add_domain_error(self, exc)
        return cleaned

    def part_validate(self, plan: ProtectionPlan, cleaned: dict[str, Any]) -> None:
        services.plan_contents_validate(plan=plan)


class ThreatForm(PlanPartForm):
    class Meta:
        model = Threat
        fields = ("plan", *THREAT_FIELDS)

    def part_validate(self, plan: ProtectionPlan, cleaned: dict[str, Any]) -> None:
        if "category" in cleaned:
            saved = self.instance if self.instance.pk else None
            services.threat_validate(plan=plan, category=cleaned["category"], threat=saved)


class MeasureForm(PlanPartForm):
    class Meta:
        model = Measure
        fields = ("plan", *MEASURE_FIELDS)

    def part_validate(self, plan: ProtectionPlan, cleaned: dict[str, Any]) -> None:
        services.measure_validate(plan=plan, threat=cleaned.get("threat"))


class PlanVersionForm(PlanPartForm):
    class Meta:
        model = PlanVersion
        fields = ("plan", *VERSION_FIELDS)


class VulnerableGroupForm(PlanPartForm):
    class Meta:
        model = VulnerableGroup
        fields = ("plan", *GROUP_FIELDS)


# --- saving through the services ---------------------------------------------------------

# Per kind of part: its service to add one, to update one (and the name it takes the part
# under), and the fields they write.
_PART_WRITES: dict[type, tuple[Callable[..., Any], Callable[..., Any], str, tuple[str, ...]]] = {
    PlanVersion: (
        services.plan_version_add,
        services.plan_version_update,
        "version",
        VERSION_FIELDS,
    ),
    Threat: (
        services.threat_add,
        services.threat_update,
        "threat",
        THREAT_FIELDS,
    ),
    VulnerableGroup: (
        services.vulnerable_group_add,
        services.vulnerable_group_update,
        "vulnerable_group",
        GROUP_FIELDS,
    ),
    Measure: (
        services.measure_add,
        services.measure_update,
        "measure",
        MEASURE_FIELDS,
    ),
}


def part_save(part: PlanPart) -> None:
    """Write the part as the admin's form left it, through its service."""
    add, update, name, fields = _PART_WRITES[type(part)]
    values = {field: getattr(part, field) for field in fields}
    saved = add(plan=part.plan, **values) if part.pk is None else update(**{name: part}, **values)
    part.pk = saved.pk
    part._state.adding = False


class PlanPartAdmin(ServiceWritesAdmin):
    """A part of a plan edited on its own: it stays with its plan once saved."""

    def get_readonly_fields(self, request: HttpRequest, obj: PlanPart | None = None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "plan") if obj is not None else readonly

    def save_model(
        self, request: HttpRequest, obj: PlanPart, form: forms.ModelForm, change: bool
    ) -> None:
        part_save(obj)

    def delete_model(self, request: HttpRequest, obj: PlanPart) -> None:
        services.plan_part_delete(part=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            for part in queryset:
                services.plan_part_delete(part=part)


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    form = PlanVersionForm
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
    form = ThreatForm
    extra = 0
    fields = ("category", "perpetrators", "likelihood", "impact", "risk", "description")
    readonly_fields = ("risk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Threat]:
        return super().get_queryset(request).select_related("category")


class VulnerableGroupInline(admin.TabularInline):
    model = VulnerableGroup
    form = VulnerableGroupForm
    extra = 0
    fields = ("group", "estimated_size", "description")


class MeasureInline(admin.TabularInline):
    model = Measure
    form = MeasureForm
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
class ProtectionPlanAdmin(ServiceWritesAdmin):
    form = PlanForm
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

    def save_model(
        self, request: HttpRequest, obj: ProtectionPlan, form: forms.ModelForm, change: bool
    ) -> None:
        fields = {name: getattr(obj, name) for name in PLAN_FIELDS}
        if change:
            saved = services.plan_update(plan=obj, **fields)
        else:
            saved = services.plan_create(**fields)
        obj.pk = saved.pk
        obj.updated_at = saved.updated_at
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        parts = formset.save(commit=False)
        for part in formset.deleted_objects:
            services.plan_part_delete(part=part)
        for part in parts:
            part_save(part)

    def delete_model(self, request: HttpRequest, obj: ProtectionPlan) -> None:
        services.plan_delete(plan=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProtectionPlan]) -> None:
        with transaction.atomic():
            for plan in queryset:
                services.plan_delete(plan=plan)


@admin.register(PlanVersion)
class PlanVersionAdmin(PlanPartAdmin):
    form = PlanVersionForm
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
class ThreatAdmin(PlanPartAdmin):
    form = ThreatForm
    list_display = ("category", "plan", "perpetrators", "likelihood", "impact", "risk")
    list_filter = ("category", "plan__location__sector")
    list_select_related = ("category", "plan__location")
    search_fields = ("plan__location__name", "perpetrators", "description")
    autocomplete_fields = ("plan", "category")
    readonly_fields = ("risk",)


@admin.register(VulnerableGroup)
class VulnerableGroupAdmin(PlanPartAdmin):
    form = VulnerableGroupForm
    list_display = ("group", "plan", "estimated_size")
    list_filter = ("group",)
    list_select_related = ("plan__location",)
    search_fields = ("plan__location__name", "description")
    autocomplete_fields = ("plan",)


@admin.register(Measure)
class MeasureAdmin(PlanPartAdmin):
    form = MeasureForm
    list_display = ("__str__", "plan", "threat", "responsible", "due_on", "status")
    list_filter = ("status", "plan__location__sector")
    list_select_related = ("plan__location", "threat__category", "threat__plan__location")
    search_fields = ("action", "responsible", "plan__location__name")
    autocomplete_fields = ("plan",)
    raw_id_fields = ("threat",)
    date_hierarchy = "due_on"
