"""Follow-up by the CLA: notes on their own alert, and when the community was told what
happened.

Both write a timeline event and change no state, on an alert in any state. Only the CLA who
logged the alert or on whose behalf it was logged, and the coordinators of its area, may
(alerts.permissions.may_follow_up); an alert outside the user's scope is a 404, as everywhere.
Input is checked as a whole: every wrong field is named at once (a ValidationError keyed by
field), and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts import permissions, texts
from alerts.models import Alert, AlertEvent, InformedHow
from alerts.selectors import alert_list
from alerts.validators import has_markup, markup_message
from clas.models import User
from core.exceptions import PermissionRefused

MAX_NOTE = 2000  # AlertEvent.note
MAX_INFORMED_BY = 150
# A phone's clock may be a little ahead of the server's: not "in the future" within this.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)


def _lock_for_follow_up(*, alert_id: int, user: User) -> Alert:
    alert = alert_list(user=user).select_for_update(of=("self",)).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    if not permissions.may_follow_up(user, alert):
        raise PermissionRefused(
            _("Only the CLA of this alert and their coordinator may add its follow-up.")
        )
    return alert


def _check_text(
    errors: dict[str, list[str]], field: str, value: str, *, label: Any, limit: int
) -> str:
    value = value.strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(
            _("%(field)s: keep it under %(limit)s characters (now %(length)s).")
            % {"field": label, "limit": limit, "length": len(value)}
        )
    elif has_markup(value):
        errors.setdefault(field, []).append(markup_message(label))
    return value


def _name(user: User) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def alert_add_follow_up_note(*, alert_id: int, user: User, note: str) -> AlertEvent:
    """A note of the CLA (or their coordinator) on the alert's timeline."""
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors["note"] = [_("Write the note.")]
    note = _check_text(errors, "note", note, label=gettext_lazy("Note"), limit=MAX_NOTE)
    alert = _lock_for_follow_up(alert_id=alert_id, user=user)
    if errors:
        raise ValidationError(errors)
    return AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.NOTE,
        actor=user,
        from_status=alert.status,
        to_status=alert.status,
        note=note,
    )


def community_informed_data(
    *, informed_at: dt.datetime, how: str, by: str, by_user_id: int | None
) -> dict[str, Any]:
    """What a "community informed" event keeps in `data`: the facts, and the line of the
    timeline as a code (alerts.texts), with how it was done in every language."""
    labels = {}
    for language, _name_of_language in settings.LANGUAGES:
        with translation.override(language):
            labels[language] = str(InformedHow(how).label)
    with timezone.override(settings.TIME_ZONE):
        when = timezone.localtime(informed_at).strftime("%Y-%m-%d %H:%M")
    return {
        "informed_at": informed_at.isoformat(),
        "how": how,
        "informed_by": by,
        "informed_by_user": by_user_id,
        **texts.coded(texts.COMMUNITY_INFORMED, how=labels, when=when, by=by),
    }


@transaction.atomic
def alert_record_community_informed(
    *,
    alert_id: int,
    user: User,
    informed_at: dt.datetime | None,
    how: str,
    informed_by: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> AlertEvent:
    """The community was told what happened to its alert: when, how, by whom (the user when
    left blank). The alert keeps the earliest such moment (`community_informed_at`)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if how not in InformedHow.values:
        errors["how"] = [_("Choose how the community was informed.")]
    informed_by = _check_text(
        errors,
        "informed_by",
        informed_by,
        label=gettext_lazy("Informed by"),
        limit=MAX_INFORMED_BY,
    )
    note = _check_text(errors, "note", note, label=gettext_lazy("Note"), limit=MAX_NOTE)
    alert = _lock_for_follow_up(alert_id=alert_id, user=user)
    if informed_at is None:
        errors["informed_at"] = [_("Enter when the community was informed.")]
    elif timezone.is_naive(informed_at):
        informed_at = timezone.make_aware(informed_at)
    if informed_at is not None and "informed_at" not in errors:
        # Typed to the minute: the minute the alert was logged in is not "before" it.
        logged = alert.created_at.replace(second=0, microsecond=0)
        if informed_at > now + CLOCK_TOLERANCE:
            errors["informed_at"] = [_("The date and time cannot be in the future.")]
        elif informed_at < logged:
            with timezone.override(settings.TIME_ZONE):
                logged_text = timezone.localtime(alert.created_at).strftime("%Y-%m-%d %H:%M")
            errors["informed_at"] = [
                _("The community cannot have been informed before the alert was logged (%(at)s).")
                % {"at": logged_text}
            ]
    if errors:
        raise ValidationError(errors)
    assert informed_at is not None
    event = AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.COMMUNITY_INFORMED,
        actor=user,
        from_status=alert.status,
        to_status=alert.status,
        note=note,
        data=community_informed_data(
            informed_at=informed_at,
            how=how,
            by=informed_by or _name(user),
            by_user_id=None if informed_by else user.pk,
        ),
    )
    if alert.community_informed_at is None or informed_at < alert.community_informed_at:
        Alert.objects.filter(pk=alert.pk).update(community_informed_at=informed_at)
        alert.community_informed_at = informed_at
    return event
