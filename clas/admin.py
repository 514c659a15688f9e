"""Admin of people and places: the mission admin's tool for users, locations, CLAs and
deployments. Deployments are written through clas.services, so the admin obeys the same
rules as every other way in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clas import services, two_factor
from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    DeploymentEvent,
    FocalPoint,
    Language,
    Location,
    Sector,
    Training,
    User,
)
from clas.permissions import may_see_focal_points, may_see_sensitive_details
from clas.selectors import with_open_deployment
from core.exceptions import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a DomainError on the field it names, or above the form if the form lacks it."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class ServiceWritesAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes go through services.

    Its forms check the services' rules to show errors on the fields; a rule broken by a
    change someone else saved in between is refused by the service under its lock, and
    said as a message instead of failing the request (the admin's transaction rolls back).
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: DomainError) -> HttpResponse:
        self.message_user(request, exc.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class ReadOnlyInlineMixin:
    """An inline that shows rows and never adds, changes or deletes them."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- users -----------------------------------------------------------------------------


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Mission"),
            {
                "fields": (
                    "role",
                    "field_office",
                    "sector",
                    "phone",
                    "language",
                    "can_view_source_identity",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Mission"),
            {
                "classes": ("wide",),
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "field_office",
                    "sector",
                    "language",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "field_office",
        "sector",
        "is_staff",
        "is_active",
    )
    list_filter = ("role", "sector", "is_staff", "is_superuser", "is_active", "groups")
    list_select_related = ("field_office", "sector")
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    autocomplete_fields = ("field_office",)
    actions = ("two_step_reset",)

    @admin.action(description=_("Reset two-step sign-in"), permissions=["change"])
    def two_step_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For a lost phone: the user's app and recovery codes stop working, and their next
        sign-in asks to set up again if their role requires it. Written in the admin log."""
        reset = 0
        for user in queryset:
            if two_factor.devices_delete(user=user):
                reset += 1
                self.log_change(request, user, gettext("Reset two-step sign-in."))
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in reset for %(count)d user.",
                "Two-step sign-in reset for %(count)d users.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS,
        )


# --- places ----------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "location_count")
    search_fields = ("name", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sector]:
        return super().get_queryset(request).annotate(_location_count=Count("locations"))

    @admin.display(description=_("locations"), ordering="_location_count")
    def location_count(self, obj: Sector) -> int:
        return obj._location_count


class OpenDeploymentInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The CLAs working at a location now."""

    model = Deployment
    fk_name = "location"
    fields = ("cla", "start_date", "note")
    readonly_fields = fields
    verbose_name = _("CLA deployed here")
    verbose_name_plural = _("CLAs deployed here (open deployments)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deployment]:
        return (
            super()
            .get_queryset(request)
            .filter(end_date__isnull=True)
            .select_related("cla__user")
            .order_by("start_date")
        )


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "prefecture",
        "sector",
        "field_office",
        "clas_deployed",
        "is_active",
    )
    list_filter = ("kind", "sector", "is_active", "prefecture")
    list_select_related = ("sector", "field_office")
    search_fields = ("name", "code", "prefecture", "prefecture_code")
    autocomplete_fields = ("field_office",)
    inlines = (OpenDeploymentInline,)
    fieldsets = (
        (None, {"fields": ("name", "code", "kind", "is_active")}),
        (_("Where"), {"fields": ("sector", "field_office", "prefecture", "prefecture_code")}),
        (_("Coordinates"), {"fields": ("latitude", "longitude")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _clas_deployed=Count("deployments", filter=Q(deployments__end_date__isnull=True))
            )
        )

    @admin.display(description=_("CLAs deployed"), ordering="_clas_deployed")
    def clas_deployed(self, obj: Location) -> int:
        return obj._clas_deployed


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


# --- CLAs and deployments -------------------------------------------------------------


class DeploymentHistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Where the CLA has worked, newest first. Changes go through the deployment pages."""

    model = Deployment
    fk_name = "cla"
    fields = ("location", "start_date", "end_date", "note")
    readonly_fields = fields
    verbose_name = _("deployment")
    verbose_name_plural = _("deployment history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deployment]:
        return super().get_queryset(request).select_related("location").order_by("-start_date")


class DeployedFilter(admin.SimpleListFilter):
    title = _("deployment")
    parameter_name = "deployed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Deployed now")), ("no", _("Not deployed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CLA]) -> QuerySet[CLA]:
        open_deployments = Deployment.objects.filter(cla=OuterRef("pk"), end_date__isnull=True)
        if self.value() == "yes":
            return queryset.filter(Exists(open_deployments))
        if self.value() == "no":
            return queryset.exclude(Exists(open_deployments))
        return queryset


class RedeployForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("New location"),
        queryset=Location.objects.filter(is_active=True).select_related("sector"),
    )
    start_date = forms.DateField(
        label=_("First day at the new location"),
        widget=AdminDateWidget,
        help_text=_("The current deployment ends the day before."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].label_from_instance = lambda loc: f"{loc.name} ({loc.sector})"


@admin.register(CLA)
class CLAAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "staff_number",
        "gender",
        "current_location",
        "connectivity",
        "phone",
        "radio_call_sign",
    )
    list_filter = (DeployedFilter, "gender", "connectivity", "has_radio", "languages")
    list_select_related = ("user",)
    search_fields = (
        "user__first_name",
        "user__last_name",
        "user__username",
        "staff_number",
        "phone",
        "radio_call_sign",
    )
    autocomplete_fields = ("user", "languages")
    inlines = (DeploymentHistoryInline,)
    actions = ("redeploy",)
    fieldsets = (
        (None, {"fields": ("user", "staff_number", "gender", "joined_on", "languages")}),
        (
            _("Equipment and connectivity"),
            {
                "fields": (
                    "phone",
                    "radio_call_sign",
                    ("has_phone", "has_radio", "has_satellite_phone", "has_laptop"),
                    "connectivity",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CLA]:
        current = Deployment.objects.filter(cla=OuterRef("pk"), end_date__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(_current_location=Subquery(current.values("location__name")[:1]))
        )

    @admin.display(description=_("deployed at"), ordering="_current_location")
    def current_location(self, obj: CLA) -> str:
        return obj._current_location or "—"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "redeploy/",
                self.admin_site.admin_view(self.redeploy_view),
                name="clas_cla_redeploy",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Redeploy selected CLAs to another location"))
    def redeploy(self, request: HttpRequest, queryset: QuerySet[CLA]) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:clas_cla_redeploy')}?ids={ids}")

    def _may_redeploy(self, request: HttpRequest) -> bool:
        return request.user.has_perm("clas.add_deployment") and request.user.has_perm(
            "clas.change_deployment"
        )

    def redeploy_view(self, request: HttpRequest) -> HttpResponse:
        """End each CLA's open deployment the day before the date and open one at the location."""
        if not self._may_redeploy(request):
            raise PermissionDenied
        clas = self._clas_to_redeploy(request.GET.get("ids", ""))
        changelist_url = reverse("admin:clas_cla_changelist")
        if not clas:
            self.message_user(request, gettext("Select at least one CLA."), messages.WARNING)
            return HttpResponseRedirect(changelist_url)

        form = RedeployForm(request.POST or None, initial={"start_date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                services.deployments_move(
                    clas=clas,
                    location=form.cleaned_data["location"],
                    start_date=form.cleaned_data["start_date"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                self.message_user(request, _redeployed_message(clas, form), messages.SUCCESS)
                if len(clas) == 1:
                    return HttpResponseRedirect(reverse("admin:clas_cla_change", args=[clas[0].pk]))
                return HttpResponseRedirect(changelist_url)

        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Redeploy CLAs"),
            "opts": self.opts,
            "form": form,
            "clas": clas,
            "media": self.media + form.media,
            "changelist_url": changelist_url,
        }
        return TemplateResponse(request, "admin/clas/cla/redeploy.html", context)

    def _clas_to_redeploy(self, raw_ids: str) -> list[CLA]:
        """The CLAs named in `?ids=1,2,3`, with their open deployment (for the page)."""
        ids = [int(part) for part in raw_ids.split(",") if part.strip().isdigit()]
        return list(with_open_deployment(CLA.objects.filter(pk__in=ids).select_related("user")))


def _redeployed_message(clas: list[CLA], form: RedeployForm) -> str:
    return ngettext(
        "%(count)d CLA redeployed to %(location)s from %(date)s.",
        "%(count)d CLAs redeployed to %(location)s from %(date)s.",
        len(clas),
    ) % {
        "count": len(clas),
        "location": form.cleaned_data["location"],
        "date": date_format(form.cleaned_data["start_date"], "DATE_FORMAT"),
    }


class DeploymentForm(forms.ModelForm):
    """Checks the deployment rules of clas.services before the admin saves."""

    class Meta:
        model = Deployment
        fields = ("cla", "location", "start_date", "end_date", "note")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cla = cleaned.get("cla") or (self.instance.cla if self.instance.pk else None)
        location = cleaned.get("location")
        start_date = cleaned.get("start_date")
        if cla is None or location is None or start_date is None:
            return cleaned
        try:
            services.deployment_validate(
                cla=cla,
                location=location,
                start_date=start_date,
                end_date=cleaned.get("end_date"),
                deployment=self.instance if self.instance.pk else None,
            )
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Open")), ("no", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deployment]) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(end_date__isnull=self.value() == "yes")
        return queryset


@admin.register(Deployment)
class DeploymentAdmin(ServiceWritesAdmin):
    form = DeploymentForm
    list_display = ("cla", "location", "start_date", "end_date", "is_open", "note")
    list_filter = (OpenFilter, "location__sector", "location__kind")
    list_select_related = ("cla__user", "location")
    search_fields = (
        "cla__user__first_name",
        "cla__user__last_name",
        "cla__user__username",
        "cla__staff_number",
        "location__name",
        "location__code",
    )
    autocomplete_fields = ("cla", "location")
    date_hierarchy = "start_date"

    def get_readonly_fields(self, request: HttpRequest, obj: Deployment | None = None) -> tuple:
        # A deployment belongs to one CLA for good; a wrong CLA is a new deployment.
        return ("cla",) if obj is not None else ()

    @admin.display(description=_("open"), boolean=True)
    def is_open(self, obj: Deployment) -> bool:
        return obj.end_date is None

    def save_model(
        self, request: HttpRequest, obj: Deployment, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            saved = services.deployment_update(
                deployment=obj,
                location=data["location"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                note=data.get("note", ""),
            )
        else:
            saved = services.deployment_record(
                cla=data["cla"],
                location=data["location"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                note=data.get("note", ""),
            )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(DeploymentEvent)
class DeploymentEventAdmin(admin.ModelAdmin):
    """The history of deployments, read only: changes are made on the deployment board."""

    list_display = ("at", "cla", "action", "actor", "text")
    list_filter = ("action",)
    list_select_related = ("cla__user", "actor")
    search_fields = ("cla__staff_number", "cla__user__last_name", "actor__username")
    date_hierarchy = "at"

    @admin.display(description=_("what changed"))
    def text(self, obj: DeploymentEvent) -> str:
        return obj.text

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "audience",
        "held_on",
        "location",
        "cla_count",
        "uniformed_participants",
    )
    list_filter = ("kind", "audience", "location__sector")
    list_select_related = ("location",)
    search_fields = ("title", "location__name")
    autocomplete_fields = ("location", "participants")
    date_hierarchy = "held_on"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Training]:
        return super().get_queryset(request).annotate(_cla_count=Count("participants"))

    @admin.display(description=_("CLAs"), ordering="_cla_count")
    def cla_count(self, obj: Training) -> int:
        return obj._cla_count


# --- alert networks ----------------------------------------------------------------------


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    fields = ("name", "gender", "phone", "village")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if not may_see_sensitive_details(request.user):
            fields.remove("phone")
        return fields


@admin.register(CommunityAlertNetwork)
class CommunityAlertNetworkAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "location",
        "status",
        "established_on",
        "volunteers_women",
        "volunteers_men",
        "volunteers_total",
        "last_activity_on",
    )
    list_filter = ("status", "location__sector")
    list_select_related = ("location",)
    search_fields = ("name", "location__name", "location__code")
    autocomplete_fields = ("location", "established_by")
    inlines = (FocalPointInline,)

    def get_inlines(self, request: HttpRequest, obj: Any) -> list:
        if not (request.user.is_superuser or may_see_focal_points(request.user)):
            return []
        return list(super().get_inlines(request, obj))

    @admin.display(description=_("volunteers"))
    def volunteers_total(self, obj: CommunityAlertNetwork) -> int:
        return obj.volunteers_total


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "gender", "village")
    list_filter = ("gender", "network__location__sector")
    list_select_related = ("network",)
    search_fields = ("name", "village", "network__name")
    autocomplete_fields = ("network",)
    fields = ("network", "name", "gender", "phone", "village")

    def _visible(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or may_see_focal_points(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._visible(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._visible(request) and super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        if not may_see_sensitive_details(request.user):
            fields.remove("phone")
        return fields

    def get_list_display(self, request: HttpRequest) -> tuple:
        if may_see_sensitive_details(request.user):
            return (*self.list_display, "phone")
        return self.list_display
