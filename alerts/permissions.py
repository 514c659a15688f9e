"""Who may do what in the early warning chain: log alerts, work the triangulation queues,
see who reported an alert.

The pages, the API and the services all ask here. Which alerts a user reaches at all is the
scope of alerts.selectors; these rules come on top of it.
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from alerts.models import Alert
from alerts.transitions import QUEUE_ROLES, Transition
from clas.models import Role, User
from core.exceptions import PermissionRefused

# Who logs alerts: CLAs, their coordinators, and HQ staff and admins (superusers always).
LOGGING_ROLES: frozenset[str] = frozenset({Role.CLA, Role.COORDINATOR, Role.HQ, Role.ADMIN})

AnyUser = User | AnonymousUser


def _has_role(user: AnyUser, roles: Collection[str]) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in roles)


def may_log_alerts(user: AnyUser) -> bool:
    return _has_role(user, LOGGING_ROLES)


def check_may_log_alerts(user: AnyUser) -> None:
    if not may_log_alerts(user):
        raise PermissionRefused(_("Your role cannot log alerts."))


def may_triage(user: AnyUser) -> bool:
    """Works the triangulation queues: sees the queue page and the actions of an alert."""
    return _has_role(user, QUEUE_ROLES)


def may_take(user: AnyUser, transition: Transition) -> bool:
    return _has_role(user, transition.roles)


def check_may_take(user: AnyUser, transition: Transition) -> None:
    if not may_take(user, transition):
        raise PermissionRefused(_("Only Force officers act on triangulation queues."))


def may_see_source_identity(user: AnyUser, alert: Alert) -> bool:
    """Who reported to the CLA: that CLA, coordinators, and HQ staff given the permission."""
    if not user.is_authenticated or user.role == Role.FORCE:
        return False
    if alert.logged_by_id == user.pk:
        return True
    if user.role == Role.COORDINATOR:
        return True
    return user.role in (Role.HQ, Role.ADMIN) and user.can_view_source_identity
