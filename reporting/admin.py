"""Admin of reports and distribution lists. Reports grow by dozens a day: no full counts,
and the alerts of a report are raw ids (a select of every alert would never load).

Reports are opened, submitted, reviewed, compiled and distributed only by reporting.services:
the admin corrects their text and their alerts, never their state, dates, files or figures."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from reporting.models import (
    Assessment,
    AssessmentResponse,
    CompileRequest,
    DistributionList,
    Report,
)

# Set by reporting.services as a report is opened, submitted, reviewed, compiled and
# distributed: the admin corrects what was written, never where a report stands.
LIFECYCLE_FIELDS = (
    "status",
    "due_at",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "figures",
    "pdf",
    "csv",
    "generated_at",
    "distributed_at",
    "created_at",
    "updated_at",
)
# What a report is: fixed once it exists (its due time and uniqueness depend on them).
IDENTITY_FIELDS = (
    "kind",
    "origin",
    "scope",
    "sector",
    "location",
    "period_start",
    "period_end",
    "author",
)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "origin",
        "scope",
        "location",
        "sector",
        "period_start",
        "period_end",
        "status",
        "author",
    )
    list_filter = ("kind", "status", "origin", "scope", "sector", "security_level")
    list_select_related = ("location", "sector", "author")
    search_fields = ("title", "location__name", "location__code")
    date_hierarchy = "period_start"
    show_full_result_count = False
    autocomplete_fields = ("location", "sector", "author")
    raw_id_fields = ("alert", "alerts")
    readonly_fields = LIFECYCLE_FIELDS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("kind", "origin", "status"),
                    ("scope", "sector", "location"),
                    ("period_start", "period_end"),
                    "author",
                    "alert",
                )
            },
        ),
        (
            _("Content"),
            {
                "fields": (
                    "security_level",
                    "key_events",
                    "can_activity",
                    "needs",
                    "narrative",
                    "alerts",
                    "figures",
                )
            },
        ),
        (_("Files"), {"fields": ("pdf", "csv")}),
        (
            _("Review"),
            {
                "fields": (
                    "due_at",
                    "submitted_at",
                    "reviewed_by",
                    "reviewed_at",
                    "review_comment",
                )
            },
        ),
        (
            _("Times"),
            {"fields": ("generated_at", "distributed_at", "created_at", "updated_at")},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Report | None = None) -> tuple:
        if obj is None:
            return LIFECYCLE_FIELDS
        return (*IDENTITY_FIELDS, *LIFECYCLE_FIELDS)


class DistributionListForm(forms.ModelForm):
    """The report kinds as boxes to tick rather than raw JSON."""

    kinds = forms.MultipleChoiceField(
        label=_("report kinds"),
        choices=Report.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every kind."),
    )

    class Meta:
        model = DistributionList
        fields = ("name", "emails", "kinds", "sector", "is_active")

    def clean_emails(self) -> str:
        validate = forms.EmailField().clean
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("%(address)s is not a valid email address."),
                    params={"address": address},
                    code="invalid",
                ) from exc
        return "\n".join(addresses)


@admin.register(DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    form = DistributionListForm
    list_display = ("name", "sector", "kind_list", "address_count", "is_active")
    list_filter = ("is_active", "sector")
    list_select_related = ("sector",)
    search_fields = ("name", "emails")

    @admin.display(description=_("report kinds"))
    def kind_list(self, obj: DistributionList) -> str:
        labels = dict(Report.Kind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.kinds) or _("All")

    @admin.display(description=_("addresses"))
    def address_count(self, obj: DistributionList) -> int:
        return len(obj.addresses)


@admin.register(CompileRequest)
class CompileRequestAdmin(admin.ModelAdmin):
    """Who asked for which digest, and why a compilation failed (`error`)."""

    list_display = ("kind", "period_start", "sector", "requested_by", "status", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("sector", "requested_by")
    search_fields = ("requested_by__username", "error")
    raw_id_fields = ("requested_by", "report")
    date_hierarchy = "created_at"


class AssessmentResponseInline(admin.TabularInline):
    model = AssessmentResponse
    extra = 0
    fields = ("respondent", "respondent_kind", "location", "submitted_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("year", "opens_on", "closes_on", "status", "report")
    list_filter = ("status",)
    readonly_fields = ("report",)
    inlines = [AssessmentResponseInline]


@admin.register(AssessmentResponse)
class AssessmentResponseAdmin(admin.ModelAdmin):
    list_display = ("assessment", "respondent", "respondent_kind", "location", "submitted_at")
    list_filter = ("assessment", "respondent_kind")
    search_fields = ("respondent__username", "respondent__last_name")
    raw_id_fields = ("respondent", "location")
    readonly_fields = ("submitted_at",)
