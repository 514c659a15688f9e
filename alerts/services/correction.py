"""Correction: an admin puts right the facts of an alert that was logged wrong (a typo in the
description, a count of victims, the person who reported it).

The facts are checked by the rules of intake, the alert's version is bumped so a form opened
before is refused, and the timeline says who changed what, from what to what, in the same
transaction. Who reported the alert is need-to-know and the timeline is read by the Force: for
those fields the line says that they changed, never their values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import texts
from alerts.geo import base_fields
from alerts.models import SEVERITY_RANK, URGENCY_RANK, Alert, AlertEvent, ThreatCategory
from alerts.services.escalation import escalation_reschedule
from alerts.services.intake import (
    VICTIM_FIELDS,
    AlertInput,
    Problem,
    _category_problems,
    _coordinate_problems,
    _source_problems,
    _text_problems,
    _time_problems,
    _victim_problems,
)
from clas.models import Location, User
from core.exceptions import ConcurrentUpdate

# The facts of an alert a correction may change. Its state and lifecycle (status, queue,
# officer, outcome, response, times) move only through triage.
CORRECTABLE_FIELDS = frozenset(
    {
        "source_type",
        "source_can",
        "source_name",
        "source_contact",
        "received_from_focal_point",
        "location",
        "place",
        "latitude",
        "longitude",
        "occurred_at",
        "reported_at",
        "category",
        "perpetrator",
        "urgency",
        "severity",
        "certainty",
        "plan_threat",
        *VICTIM_FIELDS,
        "description",
        "description_language",
        "translation",
    }
)
# Who reported the alert: the timeline (read by the Force) says these changed, not to what.
REDACTED_FIELDS = frozenset({"source_name", "source_contact", "received_from_focal_point"})
TIME_FIELDS = frozenset({"occurred_at", "reported_at"})
COORDINATE_FIELDS = frozenset({"latitude", "longitude"})
SOURCE_FIELDS = frozenset({"source_type", "source_can", "location"})


def alert_correction_check(*, alert: Alert, changes: Mapping[str, Any]) -> None:
    """The rules of intake applied to the facts a correction changes.

    Raises ValidationError with a message per field. Only the rules the changed fields touch
    are checked: an old alert is never refused for a rule that came after it was logged.
    """
    problems = list(_correction_problems(alert, actual_changes(alert, changes)))
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        raise ValidationError(errors)


def actual_changes(alert: Alert, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes whose value differs from the stored one."""
    unknown = set(changes) - CORRECTABLE_FIELDS
    if unknown:
        raise ValueError(f"Not a correctable field of an alert: {', '.join(sorted(unknown))}")
    return {name: value for name, value in changes.items() if _value(alert, name) != _raw(value)}


def _correction_problems(alert: Alert, changes: Mapping[str, Any]) -> Iterator[Problem]:
    data = _input_after(alert, changes)
    changed = set(changes)
    yield from (p for p in _text_problems(data) if p[0] in changed)
    yield from (p for p in _victim_problems(data) if p[0] in changed)
    if changed & TIME_FIELDS:
        yield from _time_problems(data, timezone.now())
    if changed & COORDINATE_FIELDS:
        yield from _coordinate_problems(data)
    if changed & SOURCE_FIELDS:
        yield from _source_problems(data)
    if "category" in changed:
        yield from _category_problems(data)
    if (
        "location" in changed
        and not Location.objects.filter(pk=data.location_id, is_active=True).exists()
    ):
        yield "location", _("Choose an active location.")


def _input_after(alert: Alert, changes: Mapping[str, Any]) -> AlertInput:
    """The alert as intake would have received it, with the changes applied."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(AlertInput):
        name = field.name.removesuffix("_id")
        if name in changes:
            value = changes[name]
            values[field.name] = value.pk if isinstance(value, models.Model) else value
        elif hasattr(alert, field.name):
            values[field.name] = getattr(alert, field.name)
    for name in ("received_via", "received_from_cla_id", "received_from_focal_point_id"):
        values.pop(name, None)
    return AlertInput(**values)


@transaction.atomic
def alert_correct(
    *,
    alert: Alert,
    actor: User,
    changes: Mapping[str, Any],
    via: str,
    version: int | None = None,
) -> Alert:
    """Apply an admin's correction to an alert's facts; return the alert as saved.

    By a user who may change alerts (the Django admin's permission). `changes` maps field
    names to new values (rows or ids for foreign keys). `version` is the
    version the admin saw: if the alert changed since, nothing is saved. Values equal to the
    stored ones are not changes; a correction that changes nothing writes nothing.
    """
    if not actor.has_perm("alerts.change_alert"):
        raise PermissionDenied
    locked = Alert.objects.select_for_update(of=("self",), no_key=True).get(pk=alert.pk)
    if version is not None and version != locked.version:
        raise ConcurrentUpdate(stale_message(locked, version))
    changed = actual_changes(locked, changes)
    alert_correction_check(alert=locked, changes=changed)
    if not changed:
        return locked
    recorded: dict[str, list[Any]] = {}
    for name, value in changed.items():
        old = _recorded(locked, name)
        field = Alert._meta.get_field(name)
        is_row = isinstance(value, models.Model) or not field.is_relation
        setattr(locked, name if is_row else field.attname, value)
        if name not in REDACTED_FIELDS:
            recorded[name] = [old, _recorded(locked, name)]
    redacted = sorted(set(changed) & REDACTED_FIELDS)
    update_fields = [*changed, "version"]
    if "urgency" in changed:
        locked.urgency_rank = URGENCY_RANK.get(locked.urgency, 3)
        update_fields.append("urgency_rank")
    if "severity" in changed:
        locked.severity_rank = SEVERITY_RANK.get(locked.severity, 3)
        update_fields.append("severity_rank")
    if set(changed) & COORDINATE_FIELDS:
        for name, value in base_fields(locked.latitude, locked.longitude).items():
            setattr(locked, name, value)
        update_fields += ["nearest_base", "base_distance_km"]
    locked.version += 1
    locked.save(update_fields=update_fields)
    if set(changed) & (COORDINATE_FIELDS | {"urgency", "severity"}):
        # Moved near a base, or made more urgent, while queued: it escalates from now on by
        # the timing it would have had if reported so.
        escalation_reschedule(alert=locked)
    AlertEvent.objects.create(
        alert=locked,
        kind=AlertEvent.Kind.CORRECTED,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        data=texts.coded(texts.CORRECTED, changes=recorded, redacted=sorted(redacted), via=via),
    )
    return locked


def stale_message(alert: Alert, version: int, changed: list[str] | None = None) -> str:
    """Said when a correction was made on an alert someone changed since it was opened."""
    if changed:
        return _(
            "%(reference)s was changed by someone else since you opened it (%(fields)s). Nothing was saved: reload it and make your correction again."
        ) % {"reference": alert.reference, "fields": ", ".join(changed)}
    return _(
        "%(reference)s was changed by someone else since you opened it (now: %(status)s). Nothing was saved: reload it and make your correction again."
    ) % {"reference": alert.reference, "status": alert.get_status_display()}


def _value(alert: Alert, name: str) -> Any:
    field = Alert._meta.get_field(name)
    return getattr(alert, field.attname)


def _raw(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _recorded(alert: Alert, name: str) -> Any:
    """A value as the timeline keeps it: JSON, readable later in any language.

    Choices keep their code (the label is given in the reader's language), a threat category
    its names in every language, other rows their name, times the mission's local time.
    """
    value = getattr(alert, name)
    if value is None:
        return None
    if isinstance(value, ThreatCategory):
        return {"en": value.name_en, "fr": value.name_fr}
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return str(value)
    return value
