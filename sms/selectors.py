"""Reads of the SMS channel, with what each user may see built in."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clas.models import Role, User
from clas.selectors import scoped_location_ids
from sms import permissions
from sms.models import IncomingMessage, OptIn, OutgoingMessage


def inbox_list(*, user: User) -> QuerySet[IncomingMessage]:
    """Incoming messages the user may review, in every state (the inbox shows `review`).

    A coordinator sees the messages of their area's locations, and those whose location nobody
    knows (an unregistered number writing an unknown place): someone must read them. HQ staff
    and admins see them all; other roles none.
    """
    qs = IncomingMessage.objects.select_related(
        "location", "alert", "sender_user", "sender_focal_point__network", "reviewed_by"
    )
    if not permissions.may_review(user):
        return qs.none()
    ids = scoped_location_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(location__in=ids) | Q(location__isnull=True))


def dead_letter_list(*, user: User) -> QuerySet[OutgoingMessage]:
    """Messages given up (every retry failed, or the gateway refused them) or reported
    undeliverable by the network: admins only."""
    if not permissions.may_see_dead_letters(user):
        return OutgoingMessage.objects.none()
    return OutgoingMessage.objects.filter(
        state__in=(OutgoingMessage.State.DEAD, OutgoingMessage.State.FAILED)
    ).order_by("-dead_at", "-pk")


def has_alert_news(user: User) -> bool:
    """Follows alerts (alerts.selectors.alert_followers names CLAs): may choose SMS about them."""
    return user.is_authenticated and user.role == Role.CLA


def own_alerts_by_sms(user: User) -> bool:
    return OptIn.objects.filter(user=user, own_alerts=True).exists()
