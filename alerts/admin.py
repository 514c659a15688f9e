"""Admin of the early warning chain.

Alerts number in the millions over the years: every foreign key to an alert is a raw id,
list pages never count the whole table, and related rows are fetched with the list.
Alerts are logged and moved along their lifecycle only by alerts.services (timeline,
outbox, routing): the admin corrects what was written, through the same service and rules
(alerts.services.correction, a line on the timeline), never the state, and never adds or
deletes an alert. The timeline and the outbox are read-only.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alerts import services
from alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    DutyShift,
    EscalationPolicy,
    EscalationTier,
    IdentityView,
    ReferenceCounter,
    RoutingRule,
    ThreatCategory,
    Triangulation,
    TriangulationQueue,
    VerificationCheck,
)
from alerts.services.correction import CORRECTABLE_FIELDS, stale_message
from clas.admin import ReadOnlyInlineMixin, ServiceWritesAdmin
from clas.permissions import may_see_sensitive_details

REFERENCE_RE = re.compile(r"^\s*ALT-\d{4}-\d+\s*$", re.IGNORECASE)


class ReadOnlyAdminMixin:
    """A record the system writes: staff may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ThreatCategory)
class ThreatCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_fr", "acled_event_type", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_en", "name_fr", "acled_event_type")


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    fields = ("priority", "sector", "category", "urgency", "is_active")


@admin.register(TriangulationQueue)
class TriangulationQueueAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sector", "is_default", "senior_officer", "ack_limit_minutes")
    list_filter = ("sector", "is_default")
    list_select_related = ("sector", "senior_officer")
    search_fields = ("name", "code", "sector__name")
    autocomplete_fields = ("officers", "senior_officer")
    inlines = (RoutingRuleInline,)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("priority", "queue", "sector", "category", "urgency", "is_active")
    list_display_links = ("priority", "queue")
    list_filter = ("is_active", "queue", "sector", "urgency")
    list_select_related = ("queue", "sector", "category")
    search_fields = ("queue__name", "queue__code", "category__name_en", "category__name_fr")
    autocomplete_fields = ("queue", "category")


class AlertEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AlertEvent
    fields = ("at", "kind", "actor", "from_status", "to_status", "text")
    readonly_fields = fields
    show_change_link = False
    verbose_name_plural = _("timeline")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("what it says"))
    def text(self, event: AlertEvent) -> str:
        """The line as the alert page words it: what the system said or the choice made (in
        the reader's language), then what the person wrote."""
        return " · ".join(part for part in (event.detail, event.note) if part) or "-"


class TriangulationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Triangulation
    fields = ("requested_at", "method", "requested_by", "note")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Triangulation]:
        return super().get_queryset(request).select_related("requested_by")


class VerificationCheckInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = VerificationCheck
    fields = ("checked_at", "method", "result", "checked_by", "note")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[VerificationCheck]:
        return super().get_queryset(request).select_related("checked_by")


class AlertLinkInline(admin.TabularInline):
    model = AlertLink
    fk_name = "from_alert"
    extra = 0
    fields = ("to_alert", "kind", "reason", "created_at", "decision", "decided_by", "decided_at")
    # Decided by an officer through alerts.services.cases, which writes the timelines.
    readonly_fields = ("created_at", "decision", "decided_by", "decided_at")
    raw_id_fields = ("to_alert",)
    verbose_name_plural = _("linked alerts")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertLink]:
        return super().get_queryset(request).select_related("to_alert")


class AlertDispatchInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = AlertDispatch
    fields = ("state", "attempts", "created_at", "last_attempt_at", "done_at", "last_error")
    readonly_fields = fields
    show_change_link = False


# Set by alerts.services as the alert moves along; corrected nowhere by hand.
LIFECYCLE_FIELDS = (
    "reference",
    "logged_by",
    "client_key",
    "status",
    "queue",
    "assigned_to",
    "urgency",
    "severity",
    "outcome",
    "response",
    "response_note",
    "reported_at",
    "created_at",
    "routed_at",
    "acknowledged_at",
    "outcome_at",
    "responded_at",
    "closed_at",
    "escalated_at",
    "version",
)
SOURCE_IDENTITY_FIELDS = ("source_name", "source_contact")


class AlertCorrectionForm(forms.ModelForm):
    """An admin's correction, checked by the rules of intake before the service saves it.

    The form carries the version it was opened at, and each field the value it showed
    (`show_hidden_initial`): saved against an alert someone changed since, it is refused
    with the fields they changed instead of silently writing over them.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Alert
        fields = sorted(CORRECTABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        for name, field in self.fields.items():
            field.show_hidden_initial = name in CORRECTABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        alert = self.instance
        loaded = cleaned.get("loaded_version")
        if alert.pk is not None and loaded is not None and loaded != alert.version:
            raise ValidationError(stale_message(alert, loaded, self._changed_since_opened()))
        try:
            services.alert_correction_check(alert=alert, changes=self.corrections())
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def corrections(self) -> dict[str, Any]:
        """What the admin changed in the form, by field."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in CORRECTABLE_FIELDS and name in self.cleaned_data
        }

    def _changed_since_opened(self) -> list[str]:
        """The labels of the fields whose stored value differs from what the form showed."""
        changed = []
        for name, field in self.fields.items():
            if not field.show_hidden_initial:
                continue
            shown = field.hidden_widget().value_from_datadict(
                self.data, self.files, self.add_initial_prefix(name)
            )
            if field.has_changed(self.get_initial_for_field(field, name), shown):
                changed.append(str(capfirst(field.label or name)))
        return changed


@admin.register(Alert)
class AlertAdmin(ServiceWritesAdmin):
    form = AlertCorrectionForm
    list_display = (
        "reference",
        "reported_at",
        "location",
        "category",
        "urgency",
        "severity",
        "status",
        "queue",
        "logged_by",
    )
    list_filter = (
        "status",
        "urgency",
        "severity",
        "source_type",
        "category",
        "location__sector",
        "queue",
    )
    list_select_related = ("location", "category", "queue", "logged_by")
    search_fields = ("reference", "place", "perpetrator")
    search_help_text = _(
        "A reference (ALT-2026-000123) finds that alert; other words search place and perpetrator."
    )
    date_hierarchy = "reported_at"
    show_full_result_count = False
    list_per_page = 50
    raw_id_fields = ("plan_threat",)
    autocomplete_fields = ("location", "category", "source_can")
    readonly_fields = LIFECYCLE_FIELDS
    inlines = (
        AlertEventInline,
        TriangulationInline,
        VerificationCheckInline,
        AlertLinkInline,
        AlertDispatchInline,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "queue",
                    "assigned_to",
                    "logged_by",
                    "loaded_version",
                )
            },
        ),
        (
            _("Source"),
            {"fields": ("source_type", "source_can", "source_name", "source_contact")},
        ),
        (
            _("What and where"),
            {
                "fields": (
                    "location",
                    "place",
                    ("latitude", "longitude"),
                    "occurred_at",
                    "reported_at",
                    "category",
                    "perpetrator",
                    ("urgency", "severity", "certainty"),
                    "plan_threat",
                )
            },
        ),
        (
            _("Victims"),
            {
                "fields": (
                    (
                        "victims_killed",
                        "victims_injured",
                        "victims_abducted",
                        "victims_sexual_violence",
                        "victims_displaced",
                    ),
                )
            },
        ),
        (
            _("Description"),
            {"fields": ("description", "description_language", "translation")},
        ),
        (_("Outcome and response"), {"fields": ("outcome", "response", "response_note")}),
        (
            _("Times"),
            {
                "classes": ("collapse",),
                "fields": (
                    "created_at",
                    "routed_at",
                    "acknowledged_at",
                    "outcome_at",
                    "responded_at",
                    "closed_at",
                    "escalated_at",
                    "version",
                    "client_key",
                ),
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Alerts are logged through the alert form or the API: reference, outbox, routing.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Alert | None = None) -> bool:
        # No alert is ever lost.
        return False

    def save_model(
        self, request: HttpRequest, obj: Alert, form: AlertCorrectionForm, change: bool
    ) -> None:
        saved = services.alert_correct(
            alert=obj,
            actor=request.user,
            changes=form.corrections(),
            via="admin",
            version=form.cleaned_data.get("loaded_version"),
        )
        obj.version = saved.version

    def get_fieldsets(self, request: HttpRequest, obj: Alert | None = None) -> list:
        if may_see_sensitive_details(request.user):
            return list(self.fieldsets)
        return [
            (name, {**options, "fields": _without(options["fields"], SOURCE_IDENTITY_FIELDS)})
            for name, options in self.fieldsets
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # The form showed the source's name and contact (get_fieldsets): record it.
        alert = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and isinstance(alert, Alert) and response.status_code == 200:
            services.identity_view_record(
                user=request.user, alert=alert, where=IdentityView.Where.ADMIN
            )
        return response

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Alert], search_term: str
    ) -> tuple[QuerySet[Alert], bool]:
        # A reference is unique: look it up by its index instead of scanning every alert.
        if REFERENCE_RE.match(search_term):
            return queryset.filter(reference=search_term.strip().upper()), False
        return super().get_search_results(request, queryset, search_term)


def _without(fields: tuple, hidden: tuple[str, ...]) -> tuple:
    kept: list = []
    for field in fields:
        if isinstance(field, tuple):
            row = tuple(name for name in field if name not in hidden)
            if row:
                kept.append(row)
        elif field not in hidden:
            kept.append(field)
    return tuple(kept)


def _by_alert_reference(queryset: QuerySet, search_term: str) -> QuerySet:
    """Rows of one alert, found by its unique reference (never a scan of every row)."""
    term = search_term.strip()
    return queryset.filter(alert__reference=term.upper()) if term else queryset


@admin.register(AlertEvent)
class AlertEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The timeline is append-only: nobody changes or deletes a line of it."""

    list_display = ("alert", "at", "kind", "actor", "from_status", "to_status")
    list_filter = ("kind",)
    list_select_related = ("alert", "actor")
    raw_id_fields = ("alert", "actor")
    search_fields = ("alert__reference",)
    date_hierarchy = "at"
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AlertEvent], search_term: str
    ) -> tuple[QuerySet[AlertEvent], bool]:
        return _by_alert_reference(queryset, search_term), False


@admin.register(AlertDispatch)
class AlertDispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox: a pending row is an alert not routed yet (the sweep retries it)."""

    list_display = ("alert", "state", "attempts", "created_at", "last_attempt_at", "done_at")
    list_filter = ("state",)
    list_select_related = ("alert",)
    raw_id_fields = ("alert",)
    search_fields = ("alert__reference",)
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AlertDispatch], search_term: str
    ) -> tuple[QuerySet[AlertDispatch], bool]:
        return _by_alert_reference(queryset, search_term), False


@admin.register(Triangulation)
class TriangulationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("alert", "method", "requested_by", "requested_at")
    list_filter = ("method",)
    list_select_related = ("alert", "requested_by")
    raw_id_fields = ("alert", "requested_by")
    search_fields = ("alert__reference", "note")
    date_hierarchy = "requested_at"
    show_full_result_count = False


@admin.register(AlertLink)
class AlertLinkAdmin(admin.ModelAdmin):
    list_display = ("from_alert", "to_alert", "kind", "reason", "created_at")
    list_filter = ("kind",)
    list_select_related = ("from_alert", "to_alert")
    raw_id_fields = ("from_alert", "to_alert")
    search_fields = ("from_alert__reference", "to_alert__reference", "reason")
    show_full_result_count = False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The last alert number of each year; changing it by hand would repeat references."""

    list_display = ("year", "last")


@admin.register(IdentityView)
class IdentityViewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who was shown whose identity: written by the read paths, never changed by anyone."""

    list_display = ("at", "user", "alert", "where")
    list_filter = ("where",)
    list_select_related = ("user", "alert")
    raw_id_fields = ("user", "alert")
    search_fields = ("alert__reference",)
    search_help_text = _("An alert's reference (ALT-2026-000123).")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[IdentityView], search_term: str
    ) -> tuple[QuerySet[IdentityView], bool]:
        return _by_alert_reference(queryset, search_term), False


class EscalationTierInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = EscalationTier
    fields = ("number", "delay_minutes", "recipients")
    show_change_link = False


# Policies are edited on their page in the app (alerts:escalation_policy_edit), which checks
# them as a whole: tiers in order, recipients the queue has. Here they are shown only.
@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("queue", "repeat_minutes", "updated_at")
    list_select_related = ("queue",)
    inlines = (EscalationTierInline,)


@admin.register(EscalationTier)
class EscalationTierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("policy", "number", "delay_minutes", "recipients")
    list_select_related = ("policy__queue",)


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rotas are kept on the queue's rota page (alerts.services.rota), which checks them."""

    list_display = ("queue", "officer", "starts_at", "ends_at")
    list_filter = ("queue",)
    list_select_related = ("queue", "officer")
    date_hierarchy = "starts_at"


@admin.register(VerificationCheck)
class VerificationCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Checks are recorded on the alert page (alerts.services.verification), with a timeline
    line each."""

    list_display = ("alert", "method", "result", "checked_by", "checked_at")
    list_filter = ("method", "result")
    list_select_related = ("alert", "checked_by")
    date_hierarchy = "checked_at"
