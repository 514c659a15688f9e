"""Writes for Community Protection Plans: the plan of a location and its parts.

Plans are edited in the admin today; every write goes through here, so whatever edits plans
next (a page for CLAs, the API) obeys the same rules. Besides the fields' own validators and
the database's constraints (one plan per location, unique version numbers, scores of 1 to 5,
counts not below zero), the rules are:

- a plan in force (active or under review) has been adopted: it has an adoption date, and
  its next review is not due before that date;
- an archived plan is kept as it was: its versions, threats, vulnerable groups and
  measures no longer change (bring the plan back in force first);
- a threat takes a category still in use, unless it had that category already;
- a measure answers a threat of its own plan.

A write of a part locks the plan's row first, so two people editing one plan are served one
after the other and the second sees the plan as the first left it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext

from clas.models import Location, User
from core.exceptions import DomainError, InvalidTransition
from protection_plans.models import (
    IN_FORCE,
    Measure,
    PlanVersion,
    ProtectionPlan,
    Threat,
    VulnerableGroup,
)

PlanPart = PlanVersion | Threat | VulnerableGroup | Measure
_Part = TypeVar("_Part", PlanVersion, Threat, VulnerableGroup, Measure)


# --- rules ----------------------------------------------------------------------------------


def plan_validate(
    *, status: str, adopted_on: dt.date | None, next_review_due: dt.date | None
) -> None:
    """Refuse a plan in force without an adoption date, or due for review before it."""
    if status in IN_FORCE and adopted_on is None:
        raise DomainError(
            gettext("A plan in force has been adopted: give the date it was adopted."),
            field="adopted_on",
        )
    if adopted_on is not None and next_review_due is not None and next_review_due < adopted_on:
        raise DomainError(
            gettext("The next review cannot be due before the plan was adopted."),
            field="next_review_due",
        )


def plan_contents_validate(*, plan: ProtectionPlan) -> None:
    """Refuse any change to the parts of an archived plan."""
    if plan.status == ProtectionPlan.Status.ARCHIVED:
        raise InvalidTransition(
            gettext(
                "This plan is archived: its contents no longer change. "
                "Bring it back in force first."
            )
        )


def threat_validate(*, plan: ProtectionPlan, category: Model, threat: Threat | None = None) -> None:
    """`category` is an alerts.ThreatCategory (not imported: alerts may come to read plans);
    `threat` is the threat as saved before this change, if it exists."""
    plan_contents_validate(plan=plan)
    kept = threat is not None and threat.pk is not None and threat.category_id == category.pk
    if not category.is_active and not kept:
        raise DomainError(
            gettext("The category %(category)s is no longer in use; choose another.")
            % {"category": category},
            field="category",
        )


def measure_validate(*, plan: ProtectionPlan, threat: Threat | None) -> None:
    plan_contents_validate(plan=plan)
    if threat is not None and threat.plan_id != plan.pk:
        raise DomainError(gettext("A measure answers a threat of its own plan."), field="threat")


# --- plumbing -------------------------------------------------------------------------------


def _checked(obj: Model) -> None:
    """The model's own validators and constraints, as a DomainError naming the field."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from exc


@contextmanager
def _refused_on_conflict() -> Iterator[None]:
    """A constraint the database caught (a write that raced ours) as a DomainError."""
    try:
        yield
    except IntegrityError as exc:
        raise DomainError(
            gettext(
                "Another change to this plan was saved at the same time. Reload the page and check."
            )
        ) from exc


def _lock_plan(plan_id: int) -> ProtectionPlan:
    return ProtectionPlan.objects.select_for_update().select_related("location").get(pk=plan_id)


def _assign(obj: Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _part_add(part: _Part) -> _Part:
    with _refused_on_conflict(), transaction.atomic():
        part.plan = _lock_plan(part.plan_id)
        _part_validate(part, saved=None)
        _checked(part)
        part.save()
    return part


def _part_update(part: _Part, fields: dict[str, Any]) -> _Part:
    """Apply `fields` to the part as it is now in the database, under the plan's lock."""
    with _refused_on_conflict(), transaction.atomic():
        plan = _lock_plan(part.plan_id)
        updated = type(part).objects.get(pk=part.pk)
        saved = copy.copy(updated)
        _assign(updated, fields)
        updated.plan = plan
        _part_validate(updated, saved=saved)
        _checked(updated)
        updated.save()
    return updated


def _part_validate(part: PlanPart, *, saved: PlanPart | None) -> None:
    """The rules of the part's kind; `saved` is the part as it was before the change."""
    if isinstance(part, Threat):
        threat_validate(plan=part.plan, category=part.category, threat=saved)
    elif isinstance(part, Measure):
        measure_validate(plan=part.plan, threat=part.threat)
    else:
        plan_contents_validate(plan=part.plan)


# --- the plan -------------------------------------------------------------------------------


def plan_create(
    *,
    location: Location,
    status: str = ProtectionPlan.Status.DRAFT,
    adopted_on: dt.date | None = None,
    review_cycle_months: int = 6,
    next_review_due: dt.date | None = None,
    summary: str = "",
) -> ProtectionPlan:
    """Start the plan of a location; a location has one plan."""
    plan = ProtectionPlan(
        location=location,
        status=status,
        adopted_on=adopted_on,
        review_cycle_months=review_cycle_months,
        next_review_due=next_review_due,
        summary=summary,
    )
    plan_validate(status=status, adopted_on=adopted_on, next_review_due=next_review_due)
    with _refused_on_conflict(), transaction.atomic():
        _checked(plan)
        plan.save()
    return plan


def plan_update(
    *,
    plan: ProtectionPlan,
    location: Location,
    status: str,
    adopted_on: dt.date | None,
    review_cycle_months: int,
    next_review_due: dt.date | None,
    summary: str,
) -> ProtectionPlan:
    """Change a plan's location, status, dates or summary."""
    plan_validate(status=status, adopted_on=adopted_on, next_review_due=next_review_due)
    with _refused_on_conflict(), transaction.atomic():
        current = _lock_plan(plan.pk)
        _assign(
            current,
            {
                "location": location,
                "status": status,
                "adopted_on": adopted_on,
                "review_cycle_months": review_cycle_months,
                "next_review_due": next_review_due,
                "summary": summary,
            },
        )
        _checked(current)
        current.save()
    return current


def plan_delete(*, plan: ProtectionPlan) -> None:
    """Delete a plan and its parts (alerts linked to its threats keep their other facts)."""
    with transaction.atomic():
        _lock_plan(plan.pk).delete()


# --- its parts ------------------------------------------------------------------------------


def plan_version_add(
    *,
    plan: ProtectionPlan,
    number: int,
    adopted_on: dt.date,
    notes: str = "",
    participants_women: int = 0,
    participants_men: int = 0,
    authorities_present: int = 0,
    created_by: User | None = None,
) -> PlanVersion:
    """Record an adopted or reviewed version of the plan, with who took part."""
    return _part_add(
        PlanVersion(
            plan=plan,
            number=number,
            adopted_on=adopted_on,
            notes=notes,
            participants_women=participants_women,
            participants_men=participants_men,
            authorities_present=authorities_present,
            created_by=created_by,
        )
    )


def plan_version_update(
    *,
    version: PlanVersion,
    number: int,
    adopted_on: dt.date,
    notes: str,
    participants_women: int,
    participants_men: int,
    authorities_present: int,
    created_by: User | None,
) -> PlanVersion:
    return _part_update(
        version,
        {
            "number": number,
            "adopted_on": adopted_on,
            "notes": notes,
            "participants_women": participants_women,
            "participants_men": participants_men,
            "authorities_present": authorities_present,
            "created_by": created_by,
        },
    )


def threat_add(
    *,
    plan: ProtectionPlan,
    category: Model,
    likelihood: int,
    impact: int,
    perpetrators: str = "",
    description: str = "",
) -> Threat:
    """Record a threat the community perceives, scored 1 to 5 for likelihood and impact."""
    return _part_add(
        Threat(
            plan=plan,
            category=category,
            likelihood=likelihood,
            impact=impact,
            perpetrators=perpetrators,
            description=description,
        )
    )


def threat_update(
    *,
    threat: Threat,
    category: Model,
    likelihood: int,
    impact: int,
    perpetrators: str,
    description: str,
) -> Threat:
    return _part_update(
        threat,
        {
            "category": category,
            "likelihood": likelihood,
            "impact": impact,
            "perpetrators": perpetrators,
            "description": description,
        },
    )


def vulnerable_group_add(
    *,
    plan: ProtectionPlan,
    group: str,
    description: str = "",
    estimated_size: int | None = None,
) -> VulnerableGroup:
    """Record people the plan says are most at risk."""
    return _part_add(
        VulnerableGroup(
            plan=plan, group=group, description=description, estimated_size=estimated_size
        )
    )


def vulnerable_group_update(
    *,
    vulnerable_group: VulnerableGroup,
    group: str,
    description: str,
    estimated_size: int | None,
) -> VulnerableGroup:
    return _part_update(
        vulnerable_group,
        {"group": group, "description": description, "estimated_size": estimated_size},
    )


def measure_add(
    *,
    plan: ProtectionPlan,
    action: str,
    responsible: str,
    threat: Threat | None = None,
    due_on: dt.date | None = None,
    status: str = Measure.Status.PLANNED,
) -> Measure:
    """Record who does what, by when, against which threat of the plan."""
    return _part_add(
        Measure(
            plan=plan,
            action=action,
            responsible=responsible,
            threat=threat,
            due_on=due_on,
            status=status,
        )
    )


def measure_update(
    *,
    measure: Measure,
    action: str,
    responsible: str,
    threat: Threat | None,
    due_on: dt.date | None,
    status: str,
) -> Measure:
    return _part_update(
        measure,
        {
            "action": action,
            "responsible": responsible,
            "threat": threat,
            "due_on": due_on,
            "status": status,
        },
    )


def plan_part_delete(*, part: PlanPart) -> None:
    """Remove a version, threat, vulnerable group or measure from a plan not archived."""
    with transaction.atomic():
        plan = _lock_plan(part.plan_id)
        plan_contents_validate(plan=plan)
        type(part).objects.filter(pk=part.pk).delete()
