"""Who may do what with SMS: read and settle the review inbox, see the dead letters."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from clas.models import Role, User
from core.exceptions import PermissionRefused

# The review inbox is the coordinators' (their area); HQ staff and admins see every message.
REVIEW_ROLES = frozenset({Role.COORDINATOR, Role.HQ, Role.ADMIN})

AnyUser = User | AnonymousUser


def may_review(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in REVIEW_ROLES)


def check_may_review(user: AnyUser) -> None:
    if not may_review(user):
        raise PermissionRefused(_("Only CLA coordinators, HQ and admins review SMS."))


def may_see_dead_letters(user: AnyUser) -> bool:
    """Messages the system gave up sending: mission admins (and superusers)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)


def check_may_see_dead_letters(user: AnyUser) -> None:
    if not may_see_dead_letters(user):
        raise PermissionRefused(_("Only mission admins see the SMS that could not be sent."))
