"""Triage: the actions of the Force on an alert, as alerts.transitions declares them.

Each service locks the alert, checks in one place (`_lock_for_action`) that the user reaches
it, may take the action, holds the version they saw and finds the alert in a state the action
applies to, then writes the change and its timeline event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts import permissions, signals
from alerts.models import Alert, AlertEvent, Triangulation
from alerts.selectors import alert_list
from alerts.services import cases
from alerts.transitions import (
    ACKNOWLEDGE,
    ASSIGN,
    CLOSE,
    NOTE,
    OUTCOME,
    REOPEN,
    RESPONSE,
    TRIANGULATE,
    Transition,
)
from alerts.validators import has_markup, markup_message
from clas.models import User
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition


def _check_note(note: str, *, required: str | None = None) -> None:
    """A note is plain text; `required` is the message when it may not be left blank."""
    if required and not note.strip():
        raise DomainError(required, field="note")
    if has_markup(note):
        raise DomainError(markup_message(gettext_lazy("Note")), field="note")


def _lock_for_action(
    *, alert_id: int, user: User, transition: Transition, version: int | None
) -> Alert:
    """Lock the alert, check the user may act on it, its state, and that nobody changed it."""
    alert = (
        alert_list(user=user)
        .select_for_update(of=("self",), no_key=True)
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise Http404
    permissions.check_may_take(user, transition)
    if alert.case_lead_id is not None and transition is not NOTE:
        raise InvalidTransition(
            _("%(reference)s is merged into %(lead)s: act on %(lead)s, the case follows it.")
            % {"reference": alert.reference, "lead": alert.case_lead.reference}
        )
    if version is not None and version != alert.version:
        raise ConcurrentUpdate(
            _(
                "%(reference)s was changed by someone else in the meantime (now: %(status)s). Reload and try again."
            )
            % {"reference": alert.reference, "status": alert.get_status_display()}
        )
    if not transition.allows(alert.status):
        raise InvalidTransition(
            _("%(reference)s is %(status)s: this action is not possible now.")
            % {"reference": alert.reference, "status": alert.get_status_display()}
        )
    return alert


def _transition(
    alert: Alert,
    *,
    user: User,
    transition: Transition,
    fields: dict[str, Any] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Alert:
    previous = alert.status
    for name, value in (fields or {}).items():
        setattr(alert, name, value)
    if transition.target is not None:
        alert.status = transition.target
    alert.version += 1
    alert.save(update_fields=[*(fields or {}), "status", "version"])
    event = AlertEvent.objects.create(
        alert=alert,
        kind=transition.event,
        actor=user,
        from_status=previous,
        to_status=alert.status,
        note=note.strip(),
        data=data or {},
    )
    if transition.tells_cla:
        # After the commit and robust: telling the CLA never holds up nor undoes the action.
        transaction.on_commit(
            lambda: signals.news_for_cla.send(sender=Alert, alert_id=alert.pk, event_id=event.pk),
            robust=True,
        )
    return alert


@transaction.atomic
def alert_acknowledge(
    *, alert_id: int, user: User, version: int | None = None, note: str = ""
) -> Alert:
    _check_note(note)
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=ACKNOWLEDGE, version=version)
    fields: dict[str, Any] = {"acknowledged_at": timezone.now()}
    if alert.assigned_to_id is None:
        fields["assigned_to"] = user
    return _transition(alert, user=user, transition=ACKNOWLEDGE, fields=fields, note=note)


@transaction.atomic
def alert_assign(
    *, alert_id: int, user: User, officer_id: int, version: int | None = None
) -> Alert:
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=ASSIGN, version=version)
    officer = (
        alert.queue.officers.filter(pk=officer_id, is_active=True).first()
        if alert.queue_id
        else None
    )
    if officer is None:
        raise DomainError(_("Choose an officer of this alert's queue."), field="officer")
    return _transition(
        alert,
        user=user,
        transition=ASSIGN,
        fields={"assigned_to": officer},
        data={"officer_id": officer.pk, "officer": officer.get_full_name() or officer.username},
    )


@transaction.atomic
def alert_request_triangulation(
    *, alert_id: int, user: User, method: str, note: str = "", version: int | None = None
) -> Alert:
    if method not in Triangulation.Method.values:
        raise DomainError(_("Choose how to triangulate."), field="method")
    _check_note(note)
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=TRIANGULATE, version=version)
    Triangulation.objects.create(alert=alert, method=method, requested_by=user, note=note.strip())
    return _transition(alert, user=user, transition=TRIANGULATE, note=note, data={"method": method})


@transaction.atomic
def alert_record_outcome(
    *, alert_id: int, user: User, outcome: str, note: str = "", version: int | None = None
) -> Alert:
    if outcome not in Alert.Outcome.values:
        raise DomainError(_("Choose the outcome of the triangulation."), field="outcome")
    _check_note(note)
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=OUTCOME, version=version)
    return _transition(
        alert,
        user=user,
        transition=OUTCOME,
        fields={"outcome": outcome, "outcome_at": timezone.now()},
        note=note,
        data={"outcome": outcome},
    )


@transaction.atomic
def alert_record_response(
    *, alert_id: int, user: User, response: str, note: str = "", version: int | None = None
) -> Alert:
    if response not in Alert.Response.values:
        raise DomainError(_("Choose the response."), field="response")
    _check_note(note)
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=RESPONSE, version=version)
    return _transition(
        alert,
        user=user,
        transition=RESPONSE,
        fields={
            "response": response,
            "response_note": note.strip(),
            "responded_at": timezone.now(),
        },
        note=note,
        data={"response": response},
    )


@transaction.atomic
def alert_close(*, alert_id: int, user: User, note: str = "", version: int | None = None) -> Alert:
    _check_note(note)
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=CLOSE, version=version)
    alert = _transition(
        alert, user=user, transition=CLOSE, fields={"closed_at": timezone.now()}, note=note
    )
    cases.case_followers_follow(lead=alert, user=user)
    return alert


@transaction.atomic
def alert_reopen(*, alert_id: int, user: User, note: str = "", version: int | None = None) -> Alert:
    _check_note(note, required=_("Say why the alert is reopened."))
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=REOPEN, version=version)
    alert = _transition(alert, user=user, transition=REOPEN, fields={"closed_at": None}, note=note)
    cases.case_followers_follow(lead=alert, user=user)
    return alert


@transaction.atomic
def alert_add_note(*, alert_id: int, user: User, note: str, version: int | None = None) -> Alert:
    """A note on the timeline (what a patrol saw, who was called). Changes no state."""
    _check_note(note, required=_("Write the note."))
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=NOTE, version=version)
    return _transition(alert, user=user, transition=NOTE, note=note)


# The service of each action of alerts.transitions, by the action's name.
ACTION_SERVICES: dict[str, Callable[..., Alert]] = {
    ACKNOWLEDGE.name: alert_acknowledge,
    TRIANGULATE.name: alert_request_triangulation,
    OUTCOME.name: alert_record_outcome,
    RESPONSE.name: alert_record_response,
    CLOSE.name: alert_close,
    REOPEN.name: alert_reopen,
    ASSIGN.name: alert_assign,
    NOTE.name: alert_add_note,
}
