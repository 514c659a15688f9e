"""The history in the Django admin: each table read-only, and a "History" section on the change
page of every tracked object (who, when, by which way in, old → new).

The section is added here to the admins the apps register, so that the apps' admin modules
need not know about the history: this module is imported after theirs (audit comes after them
in INSTALLED_APPS) and registers each tracked model again with the section mixed in.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert
from audit.context import is_tracked
from audit.models import CHANGED, CREATED, DELETED, HISTORY_OF
from audit.selectors import Change, changes_by_row, changes_of
from clas.models import FocalPoint
from clas.permissions import may_see_sensitive_details

# How long a value stays in a line of the admin's history; the row holds all of it.
VALUE_LENGTH = 60
HISTORY_FIELD = "change_history"
# Fields the apps' admins show only to who may see sensitive details: their history too.
SENSITIVE_FIELDS: dict[type[models.Model], frozenset[str]] = {
    FocalPoint: frozenset({"phone"}),
    Alert: frozenset({"received_from_focal_point"}),
}
# The request of the change page being rendered: a read-only field is given only the object.
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def _hidden(model: type[models.Model], request: HttpRequest | None) -> frozenset[str]:
    """The fields whose values this reader may not see (all sensitive ones if unknown)."""
    if request is not None and may_see_sensitive_details(request.user):
        return frozenset()
    return SENSITIVE_FIELDS.get(model._meta.concrete_model, frozenset())


def _kind(kind: str) -> str:
    return {
        CREATED: pgettext("history event", "created"),
        CHANGED: pgettext("history event", "changed"),
        DELETED: pgettext("history event", "deleted"),
    }.get(kind, kind)


def _who(change: Change) -> str:
    if change.username:
        return change.username
    if change.task:
        return gettext("task %(name)s") % {"name": change.task}
    return gettext("no user (a command, a shell or SQL)")


def _value(value: Any) -> str:
    if value is None or value == "":
        return gettext("(empty)")
    return Truncator(" ".join(str(value).split())).chars(VALUE_LENGTH)


def _diff(change: Change, hidden: frozenset[str]) -> str:
    if not change.fields:
        return "-"
    return "; ".join(
        gettext("%(field)s: changed") % {"field": f.label}
        if f.name in hidden
        else gettext("%(field)s: %(old)s → %(new)s")
        % {"field": f.label, "old": _value(f.old), "new": _value(f.new)}
        for f in change.fields
    )


class HistoryAdmin(admin.ModelAdmin):
    """A history table: read by admins, written by PostgreSQL's triggers only."""

    list_display = ("pgh_created_at", "tracked_object", "event", "who", "via", "diff")
    list_filter = ("pgh_label",)
    list_select_related = ("pgh_context",)
    search_fields = ("=pgh_obj_id",)
    search_help_text = _("The id of the object.")
    date_hierarchy = "pgh_created_at"
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        # The page's rows with what each changed, in a fixed number of queries.
        rows = list(changelist.result_list)
        changes = changes_by_row(self.model, rows)
        hidden = _hidden(self.model.pgh_tracked_model, request)
        for row in rows:
            row.audit_change = changes.get(row.pgh_id)
            row.audit_hidden = hidden
        return changelist

    def _change(self, row: models.Model) -> Change | None:
        change = getattr(row, "audit_change", None)
        if change is None:
            change = changes_by_row(self.model, [row]).get(row.pgh_id)
        return change

    @admin.display(description=_("object"))
    def tracked_object(self, row: models.Model) -> str:
        tracked = self.model.pgh_tracked_model
        try:
            url = reverse(
                f"admin:{tracked._meta.app_label}_{tracked._meta.model_name}_change",
                args=[row.pgh_obj_id],
            )
        except NoReverseMatch:
            return str(row.pgh_obj_id)
        return format_html(
            '<a href="{}">{} {}</a>', url, tracked._meta.verbose_name, row.pgh_obj_id
        )

    @admin.display(description=_("event"), ordering="pgh_label")
    def event(self, row: models.Model) -> str:
        return _kind(row.pgh_label)

    @admin.display(description=_("who"))
    def who(self, row: models.Model) -> str:
        change = self._change(row)
        return _who(change) if change else "-"

    @admin.display(description=_("way in"))
    def via(self, row: models.Model) -> str:
        change = self._change(row)
        return (change.url or change.via or "-") if change else "-"

    @admin.display(description=_("old → new"))
    def diff(self, row: models.Model) -> str:
        change = self._change(row)
        hidden = getattr(row, "audit_hidden", None)
        if hidden is None:
            hidden = _hidden(self.model.pgh_tracked_model, None)
        return _diff(change, hidden) if change else "-"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("pgh_context")


for _history in HISTORY_OF.values():
    admin.site.register(_history, HistoryAdmin)


class HistorySectionMixin:
    """A read-only "History" section at the bottom of an object's change page."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return (*fields, HISTORY_FIELD) if obj is not None else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = [
            (name, {**options, "fields": _without_history(options.get("fields", ()))})
            for name, options in super().get_fieldsets(request, obj)  # type: ignore[misc]
        ]
        if obj is None:
            return fieldsets
        section = (_("History"), {"classes": ("collapse",), "fields": (HISTORY_FIELD,)})
        return [*fieldsets, section]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        token = _current_request.set(request)
        try:
            response = super().change_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
            # Rendered now, while the section can still tell who reads it.
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _current_request.reset(token)

    @admin.display(description=_("Changes"))
    def change_history(self, obj: models.Model) -> SafeString | str:
        if not is_tracked():
            return gettext("Only a PostgreSQL database keeps this history.")
        changes = changes_of(obj)
        hidden = _hidden(type(obj), _current_request.get())
        if not changes:
            return gettext("No change recorded yet.")
        return format_html(
            '<ol class="audit-history">{}</ol>',
            format_html_join(
                "",
                "<li>{} · {} · {} · {}<br>{}</li>",
                (
                    (
                        date_format(localtime(change.at), "Y-m-d H:i"),
                        _kind(change.kind),
                        _who(change),
                        change.url or change.via or "-",
                        _diff(change, hidden),
                    )
                    for change in changes
                ),
            ),
        )


def _without_history(fields: Any) -> tuple:
    return tuple(name for name in fields if name != HISTORY_FIELD)


def _with_history_section(model: type[models.Model]) -> None:
    registered = admin.site._registry.get(model)
    if registered is None or isinstance(registered, HistorySectionMixin):
        return
    admin_class = type(registered)
    admin.site.unregister(model)
    admin.site.register(model, type(admin_class.__name__, (HistorySectionMixin, admin_class), {}))


for _tracked in HISTORY_OF:
    _with_history_section(_tracked)
