"""Domain exceptions raised by services; views and the API turn them into messages and 4xx."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the action. `field` names the input at fault, if any."""

    status_code = 400
    default_message = _("The action was refused.")

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or str(self.default_message)
        self.field = field
        super().__init__(self.message)

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [str(self.message)]}


class InvalidTransition(DomainError):
    """The object is not in a state that allows the action."""

    status_code = 409
    default_message = _("This action is not allowed in the current state.")


class ConcurrentUpdate(DomainError):
    """Someone else changed the object since the user loaded it."""

    status_code = 409
    default_message = _("Someone else changed this in the meantime. Reload and try again.")


class IdempotencyConflict(DomainError):
    """The same client key was used with a different payload."""

    status_code = 422
    default_message = _("This form was already submitted with different content.")


class PermissionRefused(DomainError):
    """The user's role, or their relation to the object, does not allow the action."""

    status_code = 403
    default_message = _("You may not do this.")
