"""Who may see what of people and places: one answer for pages, API, admin and services."""

from __future__ import annotations

from clas.models import Role, User


def may_see_focal_points(user: User) -> bool:
    """Focal points' names and phones can get people hurt: Force views never show them."""
    return bool(user.is_authenticated and user.role != Role.FORCE)


def may_see_sensitive_details(user: User) -> bool:
    """Source identities and focal point phones in the admin: superusers and mission admins."""
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def may_manage_deployments(user: User) -> bool:
    """Assign, rotate and end deployments, import them: mission admins and CLA coordinators
    (in their area). HQ staff see the board but change nothing."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.ADMIN, Role.COORDINATOR))
    )


def may_see_board(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_mission_wide or user.role == Role.COORDINATOR))
