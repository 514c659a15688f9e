"""Who may take the alert list away in a file."""

from __future__ import annotations

from clas.models import Role, User

# Analysts and those who coordinate: not the CLAs, whose phones are the likeliest to be lost
# or taken, and who read their alerts on the pages.
EXPORT_ROLES = (Role.COORDINATOR, Role.FORCE, Role.HQ, Role.ADMIN)


def may_export_alerts(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in EXPORT_ROLES)
