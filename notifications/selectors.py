"""Reads of the notifications: each person sees their own, and nobody else's."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from alerts.models import AlertEvent
from alerts.transitions import TRANSITIONS, Transition
from clas.models import Role, User
from notifications.models import Notification

# The events the CLA is told about, with the action that writes each (its message is the
# notification's headline).
NEWS: dict[str, Transition] = {t.event: t for t in TRANSITIONS.values() if t.tells_cla}

# Who has a notifications page: the people alerts.selectors.alert_followers names.
NOTIFIED_ROLES = frozenset({Role.CLA})


def has_notifications(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) in NOTIFIED_ROLES)


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related(
        "alert", "event__alert", "event__actor"
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def headline(event: AlertEvent) -> str:
    """What happened, in the active language: "ALT-2026-000123 acknowledged."."""
    transition = NEWS.get(event.kind)
    if transition is None:
        return str(event.get_kind_display())
    return transition.done_message(event.alert)
