"""Reads of the history: who changed an object, when, by which way in, from what to what.

A history row of an update holds the values before it (audit.models): the values after are in
the next row of the same object, or in the object as it is now. `changes_of` and
`changes_in` put each row beside the state that followed it, in a fixed number of queries
whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.text import capfirst

from audit.models import CHANGED, CREATED, DELETED, HISTORY_OF


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One history row put in words: what happened to the object and who did it."""

    id: int
    kind: str  # audit.models.CREATED, CHANGED or DELETED
    at: dt.datetime
    user_id: int | None
    username: str | None
    via: str | None  # admin, api, page or task; None: a command, a shell or raw SQL
    url: str | None
    task: str | None
    fields: list[FieldChange] = field(default_factory=list)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The history table of a tracked model, None for a model that is not tracked."""
    return HISTORY_OF.get(model._meta.concrete_model)


def tracked_fields(history: type[models.Model]) -> list[models.Field]:
    """The fields of the tracked model that its history copies."""
    tracked = history.pgh_tracked_model
    copied = {f.name for f in history._meta.fields}
    return [f for f in tracked._meta.concrete_fields if f.name in copied and not f.primary_key]


def changes_of(obj: models.Model, *, limit: int = 100) -> list[Change]:
    """The latest changes of an object, newest first (empty on SQLite: no triggers)."""
    history = history_model(type(obj))
    if history is None or obj.pk is None:
        return []
    rows = list(
        history.objects.filter(pgh_obj_id=obj.pk)
        .select_related("pgh_context")
        .order_by("-pgh_id")[:limit]
    )
    return changes_in(history, rows)


def changes_in(history: type[models.Model], rows: Sequence[models.Model]) -> list[Change]:
    """Each of these history rows with the old and new value of every field it changed, in
    the order given."""
    if not rows:
        return []
    fields = tracked_fields(history)
    after = _states_after(history, rows, fields)
    changes = []
    for row in rows:
        before = _state(row, fields)
        if row.pgh_label == CREATED:
            old: dict[str, Any] = {}
            new = before
        elif row.pgh_label == DELETED:
            old, new = before, {}
        else:
            old, new = before, after.get(row.pgh_id, before)
        changes.append(_change(row, fields, old, new))
    return changes


def _states_after(
    history: type[models.Model], rows: Sequence[models.Model], fields: list[models.Field]
) -> dict[int, dict[str, Any]]:
    """For each update row: the state of its object just after it (the next row's copy of
    the values before, or the object as it is now)."""
    updates = [row for row in rows if row.pgh_label == CHANGED]
    if not updates:
        return {}
    following = (
        history.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__gt=OuterRef("pgh_id"))
        .order_by("pgh_id")
        .values("pgh_id")[:1]
    )
    next_ids = dict(
        history.objects.filter(pgh_id__in=[row.pgh_id for row in updates])
        .annotate(next_id=Subquery(following))
        .values_list("pgh_id", "next_id")
    )
    next_rows = {
        row.pgh_id: row
        for row in history.objects.filter(pgh_id__in=[i for i in next_ids.values() if i])
    }
    last = [row.pgh_obj_id for row in updates if not next_ids.get(row.pgh_id)]
    tracked = history.pgh_tracked_model
    current = {
        values.pop("pk"): values
        for values in tracked._base_manager.filter(pk__in=last).values(
            "pk", *(f.attname for f in fields)
        )
    }
    states: dict[int, dict[str, Any]] = {}
    for row in updates:
        next_id = next_ids.get(row.pgh_id)
        if next_id and next_id in next_rows:
            states[row.pgh_id] = _state(next_rows[next_id], fields)
        elif row.pgh_obj_id in current:
            states[row.pgh_id] = current[row.pgh_obj_id]
    return states


def _state(row: models.Model, fields: Iterable[models.Field]) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in fields}


def _change(
    row: models.Model, fields: list[models.Field], old: dict[str, Any], new: dict[str, Any]
) -> Change:
    context = row.pgh_context.metadata if row.pgh_context_id and row.pgh_context else {}
    changed = [
        FieldChange(
            name=f.name,
            label=str(capfirst(f.verbose_name)),
            old=_shown(f, old.get(f.attname)) if old else None,
            new=_shown(f, new.get(f.attname)) if new else None,
        )
        for f in fields
        if old.get(f.attname) != new.get(f.attname)
    ]
    return Change(
        id=row.pgh_id,
        kind=row.pgh_label,
        at=row.pgh_created_at,
        user_id=context.get("user"),
        username=context.get("username"),
        via=context.get("via"),
        url=context.get("url"),
        task=context.get("task"),
        fields=changed,
    )


def _shown(field: models.Field, value: Any) -> Any:
    """A stored value as a reader knows it: a choice's label, a row's id."""
    if value is None or value == "":
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def changes_by_row(history: type[models.Model], rows: Sequence[models.Model]) -> dict[int, Change]:
    """changes_in by history row id: for the admin's list of rows."""
    return {change.id: change for change in changes_in(history, rows)}
