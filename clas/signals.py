"""Receivers of model signals: a user whose credentials change loses their API tokens."""

from __future__ import annotations

from typing import Any

from clas.models import User
from clas.services import api_tokens_revoke

# Only a save that may touch these is compared with the stored row.
CREDENTIAL_FIELDS = frozenset({"password", "is_active"})


def revoke_tokens_on_credentials_change(
    sender: type[User],
    instance: User,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save of User: a new password (changed, reset, or set by an admin) or a deactivation
    revokes every API token, in the transaction of the save; a token taken before must not
    outlive the password that issued it."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not CREDENTIAL_FIELDS & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    deactivated = stored["is_active"] and not instance.is_active
    if stored["password"] != instance.password or deactivated:
        api_tokens_revoke(user=instance)
