"""The notifications link of the page header, with the number unread: one small query (a
partial index) on the pages of the people who get notifications, none on the others'."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from notifications.selectors import has_notifications, unread_count


def header(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not has_notifications(user):
        return {}
    try:
        url = reverse("notifications:list")
    except NoReverseMatch:  # a site without the page (core's own tests)
        return {}
    return {"notifications_url": url, "notifications_unread": unread_count(user=user)}
