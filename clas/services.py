"""Writes for people and places: deploying CLAs to locations.

A deployment is open while its end date is empty, and the CLA works on the location of
their open deployment (see clas.selectors). The rules every write of a deployment obeys,
from the services and from the admin alike, live in `deployment_validate`:

- a CLA has at most one open deployment (the database enforces it too);
- two deployments of the same CLA never overlap: dates are inclusive, and an open
  deployment runs until forever;
- a deployment does not end before it starts;
- neither date lies more than `MAX_DAYS_AHEAD` days in the future. Postings are planned
  a rotation ahead, not more: a date further out is almost always a typing mistake
  (2062 for 2026), and a deployment that far ahead would block the CLA's real ones.

Every write runs in a transaction that first locks the CLA's row, so two admins
deploying the same CLA at once are served one after the other and the second sees the
first's deployment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from knox.models import AuthToken

from clas import changes
from clas.models import CLA, Deployment, DeploymentEvent, Location, User
from clas.permissions import may_manage_deployments
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused

# How far ahead a deployment may start or end.
MAX_DAYS_AHEAD = 90


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def deployment_validate(
    *,
    cla: CLA,
    location: Location,
    start_date: dt.date,
    end_date: dt.date | None = None,
    deployment: Deployment | None = None,
) -> None:
    """Refuse a deployment that breaks a rule; `deployment` is the one being changed, if any.

    Raises DomainError naming the field at fault. Call it inside the transaction that
    holds the CLA's lock when saving; forms call it alone to show the error early.
    """
    _dates_validate(start_date=start_date, end_date=end_date)
    location_changed = deployment is None or deployment.location_id != location.pk
    if location_changed and not location.is_active:
        raise DomainError(
            gettext("%(location)s is not an active location; CLAs cannot be deployed there.")
            % {"location": location},
            field="location",
        )
    others = Deployment.objects.filter(cla=cla).select_related("location")
    if deployment is not None and deployment.pk is not None:
        others = others.exclude(pk=deployment.pk)
    if end_date is None:
        _second_open_refuse(cla=cla, others=others)
    _overlap_refuse(cla=cla, others=others, start_date=start_date, end_date=end_date)


def _dates_validate(*, start_date: dt.date, end_date: dt.date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise DomainError(
            gettext("The deployment cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": _day(end_date), "start": _day(start_date)},
            field="end_date",
        )
    limit = timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD)
    for field, value in (("start_date", start_date), ("end_date", end_date)):
        if value is not None and value > limit:
            raise DomainError(
                gettext(
                    "A deployment date cannot be more than %(days)d days ahead "
                    "(%(limit)s at the latest)."
                )
                % {"days": MAX_DAYS_AHEAD, "limit": _day(limit)},
                field=field,
            )


def _second_open_refuse(*, cla: CLA, others: QuerySet[Deployment]) -> None:
    already_open = others.filter(end_date__isnull=True).first()
    if already_open is not None:
        raise DomainError(
            gettext(
                "%(cla)s already has an open deployment at %(location)s since %(start)s; "
                "end it first."
            )
            % {
                "cla": cla,
                "location": already_open.location,
                "start": _day(already_open.start_date),
            },
            field="cla",
        )


def _overlap_refuse(
    *,
    cla: CLA,
    others: QuerySet[Deployment],
    start_date: dt.date,
    end_date: dt.date | None,
) -> None:
    overlapping = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    clash = overlapping.order_by("start_date").first()
    if clash is None:
        return
    if clash.end_date is None:
        message = gettext(
            "These dates overlap the deployment of %(cla)s at %(location)s open since %(start)s."
        )
    else:
        message = gettext(
            "These dates overlap the deployment of %(cla)s at %(location)s "
            "from %(start)s to %(end)s."
        )
    params = {"cla": cla, "location": clash.location, "start": _day(clash.start_date)}
    if clash.end_date is not None:
        params["end"] = _day(clash.end_date)
    # Name the date that falls inside the other deployment.
    field = "start_date" if clash.start_date <= start_date else "end_date"
    raise DomainError(message % params, field=field)


@contextmanager
def _refused_on_conflict() -> Iterator[None]:
    """Turn a constraint the database caught (a write that raced ours) into a DomainError."""
    try:
        yield
    except IntegrityError as exc:
        raise DomainError(
            gettext(
                "This CLA already has an open deployment or overlapping dates: another "
                "change was saved at the same time. Reload the page and check."
            ),
            field="cla",
        ) from exc


def _lock_cla(cla: CLA) -> CLA:
    return CLA.objects.select_for_update().select_related("user").get(pk=cla.pk)


def deployment_start(
    *, cla: CLA, location: Location, start_date: dt.date, note: str = ""
) -> Deployment:
    """Deploy a CLA at a location from start_date, open-ended."""
    with _refused_on_conflict(), transaction.atomic():
        locked = _lock_cla(cla)
        deployment_validate(cla=locked, location=location, start_date=start_date)
        return Deployment.objects.create(
            cla=locked, location=location, start_date=start_date, note=note
        )


def deployment_record(
    *,
    cla: CLA,
    location: Location,
    start_date: dt.date,
    end_date: dt.date | None,
    note: str = "",
) -> Deployment:
    """Record a deployment with both dates (history); without end_date it is a start."""
    if end_date is None:
        return deployment_start(cla=cla, location=location, start_date=start_date, note=note)
    with _refused_on_conflict(), transaction.atomic():
        locked = _lock_cla(cla)
        deployment_validate(cla=locked, location=location, start_date=start_date, end_date=end_date)
        return Deployment.objects.create(
            cla=locked, location=location, start_date=start_date, end_date=end_date, note=note
        )


def deployment_end(*, deployment: Deployment, end_date: dt.date) -> Deployment:
    """End an open deployment on end_date (the CLA's last day there)."""
    with _refused_on_conflict(), transaction.atomic():
        locked = _lock_cla(deployment.cla)
        current = Deployment.objects.select_related("location").get(pk=deployment.pk)
        if current.end_date is not None:
            raise InvalidTransition(
                gettext("This deployment already ended on %(end)s.")
                % {"end": _day(current.end_date)},
                field="end_date",
            )
        deployment_validate(
            cla=locked,
            location=current.location,
            start_date=current.start_date,
            end_date=end_date,
            deployment=current,
        )
        current.end_date = end_date
        current.version += 1
        current.save(update_fields=["end_date", "version"])
        return current


def deployment_update(
    *,
    deployment: Deployment,
    location: Location,
    start_date: dt.date,
    end_date: dt.date | None,
    note: str = "",
) -> Deployment:
    """Correct a deployment's location, dates or note. The CLA of a deployment never changes."""
    with _refused_on_conflict(), transaction.atomic():
        locked = _lock_cla(deployment.cla)
        current = Deployment.objects.get(pk=deployment.pk)
        deployment_validate(
            cla=locked,
            location=location,
            start_date=start_date,
            end_date=end_date,
            deployment=current,
        )
        current.location = location
        current.start_date = start_date
        current.end_date = end_date
        current.note = note
        current.version += 1
        current.save(update_fields=["location", "start_date", "end_date", "note", "version"])
        return current


def deployment_move(
    *, cla: CLA, location: Location, start_date: dt.date, note: str = ""
) -> Deployment:
    """Redeploy a CLA: end the open deployment the day before start_date, open a new one.

    Both happen or neither does. A CLA with no open deployment is simply deployed.
    """
    with _refused_on_conflict(), transaction.atomic():
        locked = _lock_cla(cla)
        current = (
            Deployment.objects.select_related("location")
            .filter(cla=locked, end_date__isnull=True)
            .first()
        )
        if current is not None:
            if current.location_id == location.pk:
                raise DomainError(
                    gettext("%(cla)s is already deployed at %(location)s.")
                    % {"cla": locked, "location": location},
                    field="location",
                )
            if start_date <= current.start_date:
                raise DomainError(
                    gettext(
                        "The new deployment must start after %(start)s, when the current "
                        "one at %(location)s started."
                    )
                    % {"start": _day(current.start_date), "location": current.location},
                    field="start_date",
                )
            end_date = start_date - dt.timedelta(days=1)
            try:
                deployment_validate(
                    cla=locked,
                    location=current.location,
                    start_date=current.start_date,
                    end_date=end_date,
                    deployment=current,
                )
            except DomainError as exc:
                # The end date follows from the start date the user gave.
                exc.field = "start_date"
                raise
            current.end_date = end_date
            current.version += 1
            current.save(update_fields=["end_date", "version"])
        deployment_validate(cla=locked, location=location, start_date=start_date)
        return Deployment.objects.create(
            cla=locked, location=location, start_date=start_date, note=note
        )


def deployments_move(
    *, clas: Sequence[CLA], location: Location, start_date: dt.date, note: str = ""
) -> list[Deployment]:
    """Redeploy several CLAs to one location from start_date: all of them or none.

    A refusal names the CLA it is about when there are several.
    """
    with transaction.atomic():
        moved = []
        for cla in clas:
            try:
                moved.append(
                    deployment_move(cla=cla, location=location, start_date=start_date, note=note)
                )
            except DomainError as exc:
                if len(clas) > 1:
                    exc.message = f"{cla}: {exc.message}"
                raise
        return moved


# --- The deployment board: writes by a person, checked and recorded ---------------------------
# Each takes the user making the change (`actor`): their role and area are checked, and the
# change is written to the CLA's history (DeploymentEvent) in the same transaction. Writes to
# an existing deployment take the version the user saw: a change made since is refused.


def _actor_check(*, actor: User, location: Location | None = None) -> None:
    if not may_manage_deployments(actor):
        raise PermissionRefused(gettext("Only mission admins and CLA coordinators may do this."))
    if location is None:
        return
    from clas.selectors import scoped_location_ids

    ids = scoped_location_ids(actor)
    if ids is not None and location.pk not in ids:
        raise DomainError(
            gettext("%(location)s is outside your area.") % {"location": location},
            field="location",
        )


def event_record(
    *,
    cla: CLA,
    deployment: Deployment | None,
    action: str,
    actor: User | None,
    message: str,
    **values: object,
) -> DeploymentEvent:
    """Write a change to the CLA's history: `message` is a key of clas.changes.TEXTS."""
    return DeploymentEvent.objects.create(
        cla=cla,
        deployment=deployment,
        action=action,
        actor=actor,
        version=deployment.version if deployment is not None else 0,
        details=changes.change_details(message, **values),
    )


def _lock_deployment(*, deployment: Deployment, version: int | None) -> Deployment:
    """The deployment locked (its CLA first, as every write does), refused if it changed since
    the user saw `version`; the refusal lists the changes made since."""
    _lock_cla(deployment.cla)
    current = (
        Deployment.objects.select_for_update()
        .select_related("cla__user", "location")
        .get(pk=deployment.pk)
    )
    if version is not None and current.version != version:
        since = (
            DeploymentEvent.objects.filter(deployment=current, version__gt=version)
            .select_related("actor")
            .order_by("at", "pk")
        )
        changes = "; ".join(
            gettext("%(when)s, %(who)s: %(what)s")
            % {
                "when": date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT"),
                "who": (event.actor.get_full_name() or event.actor.username)
                if event.actor
                else gettext("the system"),
                "what": event.text,
            }
            for event in since
        )
        raise ConcurrentUpdate(
            gettext(
                "This deployment was changed after you opened the page (%(changes)s). "
                "Check it as it is now and try again."
            )
            % {"changes": changes or gettext("a change without a record")}
        )
    return current


def deployment_assign(
    *, actor: User, cla: CLA, location: Location, start_date: dt.date, note: str = ""
) -> Deployment:
    """Deploy a CLA who has no open deployment at a location from start_date."""
    _actor_check(actor=actor, location=location)
    with transaction.atomic():
        deployment = deployment_start(cla=cla, location=location, start_date=start_date, note=note)
        event_record(
            cla=deployment.cla,
            deployment=deployment,
            action=DeploymentEvent.Action.ASSIGNED,
            actor=actor,
            message=changes.ASSIGNED,
            location=location,
            start=start_date,
        )
        return deployment


def deployment_rotate(
    *,
    actor: User,
    deployment: Deployment,
    version: int | None,
    location: Location,
    start_date: dt.date,
    note: str = "",
) -> Deployment:
    """End the CLA's open deployment the day before start_date and open the next one at
    `location`, in one step; the new deployment is returned."""
    _actor_check(actor=actor, location=location)
    with _refused_on_conflict(), transaction.atomic():
        current = _lock_deployment(deployment=deployment, version=version)
        _actor_check(actor=actor, location=current.location)  # where it is, not only where to
        if current.end_date is not None:
            raise InvalidTransition(
                gettext("This deployment already ended on %(end)s.")
                % {"end": _day(current.end_date)},
                field="start_date",
            )
        new = deployment_move(cla=current.cla, location=location, start_date=start_date, note=note)
        current.refresh_from_db()
        current.end_reason = gettext("Rotated to %(location)s.") % {"location": location}
        current.save(update_fields=["end_reason"])
        event_record(
            cla=current.cla,
            deployment=current,
            action=DeploymentEvent.Action.ENDED,
            actor=actor,
            message=changes.ROTATION_ENDED,
            location=current.location,
            end=current.end_date,
        )
        event_record(
            cla=current.cla,
            deployment=new,
            action=DeploymentEvent.Action.ROTATED,
            actor=actor,
            message=changes.ROTATED,
            old=current.location,
            location=location,
            start=start_date,
        )
        return new


def deployment_close(
    *, actor: User, deployment: Deployment, version: int | None, end_date: dt.date, reason: str
) -> Deployment:
    """End an open deployment on end_date (the CLA's last day there), saying why."""
    _actor_check(actor=actor)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Say why the deployment ends."), field="end_reason")
    with _refused_on_conflict(), transaction.atomic():
        current = _lock_deployment(deployment=deployment, version=version)
        _actor_check(actor=actor, location=current.location)  # where it is, not only where to
        ended = deployment_end(deployment=current, end_date=end_date)
        ended.end_reason = reason[:200]
        ended.status = Deployment.Status.WORKING
        ended.save(update_fields=["end_reason", "status"])
        event_record(
            cla=ended.cla,
            deployment=ended,
            action=DeploymentEvent.Action.ENDED,
            actor=actor,
            message=changes.ENDED,
            location=ended.location,
            end=end_date,
            reason=reason,
        )
        return ended


def deployment_leave_set(
    *, actor: User, deployment: Deployment, version: int | None, on_leave: bool
) -> Deployment:
    """Mark the CLA of an open deployment on leave (away from the location) or back."""
    _actor_check(actor=actor)
    with transaction.atomic():
        current = _lock_deployment(deployment=deployment, version=version)
        _actor_check(actor=actor, location=current.location)  # where it is, not only where to
        if current.end_date is not None:
            raise InvalidTransition(
                gettext("This deployment already ended on %(end)s.")
                % {"end": _day(current.end_date)}
            )
        status = Deployment.Status.ON_LEAVE if on_leave else Deployment.Status.WORKING
        if current.status == status:
            message = (
                gettext("%(cla)s is already on leave.")
                if on_leave
                else gettext("%(cla)s is not on leave.")
            )
            raise InvalidTransition(message % {"cla": current.cla})
        current.status = status
        current.version += 1
        current.save(update_fields=["status", "version"])
        event_record(
            cla=current.cla,
            deployment=current,
            action=DeploymentEvent.Action.LEAVE_STARTED
            if on_leave
            else DeploymentEvent.Action.LEAVE_ENDED,
            actor=actor,
            message=changes.LEAVE_STARTED if on_leave else changes.LEAVE_ENDED,
            location=current.location,
        )
        return current


# --- API tokens -----------------------------------------------------------------------------
# Tokens are knox's: only a hash is stored, each expires (REST_KNOX's TOKEN_TTL) and is
# revoked alone (signing out of a device) or all together (the password changed or was reset,
# the account was deactivated: clas.signals).


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token for `user`: the stored row and the token itself, shown once."""
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token: AuthToken) -> None:
    token.delete()


def api_tokens_revoke(*, user: User) -> int:
    """Revoke every token of `user`; how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
