"""Verification: the checks an officer records on an alert, and its Admiralty grade.

A check says how the alert was verified (patrol, another CLA, UN police, another source,
imagery) and what that found. The grade (NATO/Admiralty) rates the source A to F and the
information 1 to 6. Both are written by an officer of the alert's queue (or an admin) while
the alert is open, under the alert's lock and with the version they saw, like the triage
actions (alerts.services.triage), each with its line on the timeline. Neither changes the
alert's state.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts import permissions
from alerts.models import (
    Alert,
    AlertEvent,
    InformationCredibility,
    SourceReliability,
    Triangulation,
    VerificationCheck,
)
from alerts.services.triage import _check_note, _lock_for_action, _transition
from alerts.transitions import OPEN_STATES, Transition
from clas.models import Role, User
from core.exceptions import DomainError, PermissionRefused

# Who records checks and grades: Force officers (of the alert's queue, checked below) and
# admins; HQ staff read the grades but do not give them.
VERIFY_ROLES: frozenset[str] = frozenset({Role.FORCE, Role.ADMIN})

CHECK = Transition(
    "check",
    sources=OPEN_STATES,
    target=None,
    event=AlertEvent.Kind.CHECKED,
    done=gettext_lazy("Check of %(reference)s recorded."),
    roles=VERIFY_ROLES,
)
GRADE = Transition(
    "grade",
    sources=OPEN_STATES,
    target=None,
    event=AlertEvent.Kind.GRADED,
    done=gettext_lazy("%(reference)s graded."),
    roles=VERIFY_ROLES,
)


def may_verify(user: User, alert: Alert) -> bool:
    """An officer of the alert's queue, or an admin (superusers always). The alert must be in
    the user's scope too: the services look it up through alerts.selectors."""
    return permissions.works_queue(user, alert.queue if alert.queue_id else None)


def _lock_for_verification(
    *, alert_id: int, user: User, transition: Transition, version: int | None
) -> Alert:
    alert = _lock_for_action(alert_id=alert_id, user=user, transition=transition, version=version)
    if not may_verify(user, alert):
        raise PermissionRefused(_("Only an officer of this alert's queue may verify and grade it."))
    return alert


def _check_choice(value: Any, choices: Any, *, field: str, message: str) -> Any:
    """The value as the choices hold it, or a field error."""
    for choice in choices.values:
        if str(value).strip() == str(choice):
            return choice
    raise DomainError(message, field=field)


@transaction.atomic
def alert_record_check(
    *,
    alert_id: int,
    user: User,
    method: str,
    result: str,
    note: str = "",
    version: int | None = None,
) -> VerificationCheck:
    """Record one check of the alert and what it found."""
    method = _check_choice(
        method, Triangulation.Method, field="method", message=_("Choose how it was checked.")
    )
    result = _check_choice(
        result, VerificationCheck.Result, field="result", message=_("Choose what the check found.")
    )
    _check_note(note)
    alert = _lock_for_verification(alert_id=alert_id, user=user, transition=CHECK, version=version)
    check = VerificationCheck.objects.create(
        alert=alert, method=method, result=result, note=note.strip(), checked_by=user
    )
    _transition(
        alert,
        user=user,
        transition=CHECK,
        note=note,
        data={"method": method, "result": result, "check_id": check.pk},
    )
    return check


@transaction.atomic
def alert_grade(
    *,
    alert_id: int,
    user: User,
    source_reliability: str,
    information_credibility: int | str,
    version: int | None = None,
) -> Alert:
    """Give (or change) the alert's Admiralty grade: source A to F, information 1 to 6."""
    reliability = _check_choice(
        str(source_reliability).upper(),
        SourceReliability,
        field="source_reliability",
        message=_("Choose the reliability of the source, from A to F."),
    )
    credibility = _check_choice(
        information_credibility,
        InformationCredibility,
        field="information_credibility",
        message=_("Choose the credibility of the information, from 1 to 6."),
    )
    alert = _lock_for_verification(alert_id=alert_id, user=user, transition=GRADE, version=version)
    previous = alert.grade
    grade = f"{reliability}{credibility}"
    return _transition(
        alert,
        user=user,
        transition=GRADE,
        fields={
            "source_reliability": reliability,
            "information_credibility": credibility,
            "graded_by": user,
            "graded_at": timezone.now(),
        },
        data={"grade": grade, "previous": previous},
    )
