"""SMS in the admin: read-only records. Messages are settled through the inbox and the dead
letters pages (their services), never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sms.models import DeliveryReport, IncomingMessage, OutgoingMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(IncomingMessage)
class IncomingMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "sender", "state", "reason", "alert")
    list_filter = ("state", "reason")
    search_fields = ("sender", "sender_raw", "gateway_id", "alert__reference")
    date_hierarchy = "received_at"
    list_select_related = ("alert",)


class DeliveryReportInline(admin.TabularInline):
    model = DeliveryReport
    extra = 0
    can_delete = False
    readonly_fields = ("status", "answer", "received_at")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "kind", "state", "attempts", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("to", "key", "alert__reference")
    date_hierarchy = "created_at"
    inlines = [DeliveryReportInline]
