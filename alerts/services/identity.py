"""The record of every display of who reported an alert (its source's name or contact).

The read paths that show it (the alert page, the API's alert detail, the admin's alert form)
call `identity_view_record` as they show it. Nothing is recorded for a user who is not shown
the identity, nor for an alert whose source gave no name and no contact.
"""

from __future__ import annotations

from alerts import permissions
from alerts.models import Alert, IdentityView
from clas.models import User
from clas.permissions import may_see_sensitive_details


def _is_shown(*, user: User, alert: Alert, where: str) -> bool:
    if where == IdentityView.Where.ADMIN:
        return may_see_sensitive_details(user)
    return permissions.may_see_source_identity(user, alert)


def identity_view_record(*, user: User, alert: Alert, where: str) -> IdentityView | None:
    if where not in IdentityView.Where.values:
        raise ValueError(f"Unknown place of display: {where!r}")
    if not (alert.source_name or alert.source_contact):
        return None
    if not _is_shown(user=user, alert=alert, where=where):
        return None
    return IdentityView.objects.create(user=user, alert=alert, where=where)
