"""Who may do what in the early warning chain: log alerts, work the triangulation queues,
see who reported an alert.

The pages, the API and the services all ask here. Which alerts a user reaches at all is the
scope of alerts.selectors; these rules come on top of it.
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from alerts.models import Alert, TriangulationQueue
from alerts.transitions import QUEUE_ROLES, Transition
from clas.models import Role, User
from core.exceptions import PermissionRefused

# Who logs alerts: CLAs, their coordinators, and HQ staff and admins (superusers always);
# and Force officers on duty, for alerts heard by phone or radio (is_force_officer_on_duty).
LOGGING_ROLES: frozenset[str] = frozenset({Role.CLA, Role.COORDINATOR, Role.HQ, Role.ADMIN})

AnyUser = User | AnonymousUser

_ON_DUTY_ATTR = "_is_force_officer_on_duty"


def _has_role(user: AnyUser, roles: Collection[str]) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in roles)


def is_force_officer_on_duty(user: AnyUser) -> bool:
    """A Force user who is an officer of at least one triangulation queue of their sector.

    Queues have no on/off switch: every queue of the sector can receive alerts (routing falls
    back to any of them), so being one of its officers is being on duty. Such an officer logs
    the alerts heard on the radio or by phone, on behalf of a CLA. Cached on the user object:
    the pages ask several times per request.
    """
    if not user.is_authenticated or user.role != Role.FORCE or not user.sector_id:
        return False
    cached = getattr(user, _ON_DUTY_ATTR, None)
    if cached is None:
        cached = TriangulationQueue.objects.filter(sector_id=user.sector_id, officers=user).exists()
        setattr(user, _ON_DUTY_ATTR, cached)
    return cached


def may_log_alerts(user: AnyUser) -> bool:
    return _has_role(user, LOGGING_ROLES) or is_force_officer_on_duty(user)


def check_may_log_alerts(user: AnyUser, *, relayed: bool = False) -> None:
    """`relayed`: the alert was heard by phone or radio, logged on behalf of who called."""
    if not may_log_alerts(user):
        raise PermissionRefused(_("Your role cannot log alerts."))
    if not relayed and not _has_role(user, LOGGING_ROLES):
        raise PermissionRefused(
            _("A Force officer logs only alerts heard by phone or radio, on behalf of a CLA.")
        )


def may_triage(user: AnyUser) -> bool:
    """Works the triangulation queues: sees the queue page and the actions of an alert."""
    return _has_role(user, QUEUE_ROLES)


def may_take(user: AnyUser, transition: Transition) -> bool:
    return _has_role(user, transition.roles)


def check_may_take(user: AnyUser, transition: Transition) -> None:
    if not may_take(user, transition):
        raise PermissionRefused(_("Only Force officers act on triangulation queues."))


def works_queue(
    user: AnyUser, queue: TriangulationQueue | None, *, senior_officer_too: bool = False
) -> bool:
    """A Force officer of `queue` (its senior officer too, when asked), or a mission admin:
    who verifies its alerts, decides their duplicates and keeps its rota."""
    if not user.is_authenticated or not user.is_active:
        return False
    if _has_role(user, {Role.ADMIN}):
        return True
    if user.role != Role.FORCE or queue is None:
        return False
    if senior_officer_too and queue.senior_officer_id == user.pk:
        return True
    return queue.officers.filter(pk=user.pk).exists()


def may_decide_duplicates(user: AnyUser, alert: Alert) -> bool:
    """Confirms or rejects the likely duplicates of an alert (alerts.services.cases)."""
    return works_queue(user, alert.queue if alert.queue_id else None)


def may_see_source_identity(user: AnyUser, alert: Alert) -> bool:
    """Who reported to the CLA: that CLA, coordinators, and HQ staff given the permission."""
    if not user.is_authenticated or user.role == Role.FORCE:
        return False
    if alert.logged_by_id == user.pk:
        return True
    if user.role == Role.COORDINATOR:
        return True
    return user.role in (Role.HQ, Role.ADMIN) and user.can_view_source_identity


def may_see_relay_identity(user: AnyUser, alert: Alert) -> bool:
    """The name of the focal point an alert was heard from: as sensitive as the source, so
    hidden from the Force, except from the officer who logged the call and heard the name."""
    if not user.is_authenticated:
        return False
    return alert.logged_by_id == user.pk or may_see_source_identity(user, alert)


def may_follow_up(user: AnyUser, alert: Alert) -> bool:
    """Adds follow-up notes and records that the community was informed: the CLA who logged
    the alert or on whose behalf it was logged, and the coordinators (whose scope, checked by
    alerts.selectors, is their area)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.COORDINATOR:
        return True
    if alert.logged_by_id == user.pk:
        return True
    return bool(alert.received_from_cla_id) and alert.received_from_cla.user_id == user.pk


def may_see_identity_views(user: AnyUser) -> bool:
    """The record of who was shown whose identity: mission admins (and superusers)."""
    return bool(user.is_authenticated and user.is_active and _has_role(user, {Role.ADMIN}))
