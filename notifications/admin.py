from __future__ import annotations

from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "alert", "event", "read_at", "emailed_at")
    list_filter = ("read_at", "emailed_at")
    list_select_related = ("recipient", "alert", "event")
    search_fields = ("recipient__username", "alert__reference")
    raw_id_fields = ("recipient", "alert", "event")
    readonly_fields = ("created_at", "read_at", "emailed_at")
