"""Writes of the early warning chain: intake, routing, triage transitions, escalation.

Every transition locks the alert row, checks the current state and writes a timeline event
in the same transaction. Routing and escalation are idempotent: running them twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.models import (
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    ReferenceCounter,
    RoutingRule,
    Severity,
    ThreatCategory,
    Triangulation,
    TriangulationQueue,
    Urgency,
)
from clas.models import CommunityAlertNetwork, Location, Role, User
from clas.selectors import scoped_location_ids
from core import metrics
from core.exceptions import ConcurrentUpdate, DomainError, IdempotencyConflict, InvalidTransition
from core.logging import log_bind, log_context

logger = logging.getLogger(__name__)

MAX_VICTIMS = 10_000  # more than this in one alert is a typing error, not a report
CLOCK_SKEW = dt.timedelta(minutes=10)  # phones in the field are often a few minutes off
MAX_REPORTING_DELAY = dt.timedelta(days=365)
DUPLICATE_WINDOW = dt.timedelta(hours=24)
DUPLICATE_RADIUS_KM = 5.0
# Dates far outside these years are typing errors (and near the ends date arithmetic overflows).
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100
# A client key is made by the form or the client: a UUID, or letters, digits and dashes.
CLIENT_KEY_PATTERN = r"^[A-Za-z0-9-]{1,64}$"
LOGGING_ROLES = (Role.CLA, Role.COORDINATOR, Role.HQ, Role.ADMIN)


class PermissionRefused(DomainError):
    status_code = 403


@dataclass(frozen=True)
class AlertInput:
    """What a CLA submits, already typed by the form or the serializer."""

    location_id: int
    category_id: int
    source_type: str
    description: str
    occurred_at: dt.datetime
    reported_at: dt.datetime
    urgency: str = Urgency.UNKNOWN
    severity: str = Severity.UNKNOWN
    certainty: str = "Unknown"
    source_can_id: int | None = None
    source_name: str = ""
    source_contact: str = ""
    place: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    perpetrator: str = ""
    victims_killed: int = 0
    victims_injured: int = 0
    victims_abducted: int = 0
    victims_sexual_violence: int = 0
    victims_displaced: int = 0
    description_language: str = ""
    translation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A hash of the payload: the same client key must come with the same content."""
        data = asdict(self)
        data.pop("extra")
        for key in ("occurred_at", "reported_at"):
            # Minute precision: a resubmitted form may round seconds differently.
            data[key] = data[key].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
        for key in ("latitude", "longitude"):
            data[key] = None if data[key] is None else f"{Decimal(data[key]):.5f}"
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.strip()
        encoded = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


# --- intake -------------------------------------------------------------------------------


def validate_plausible_year(value: dt.date) -> None:
    """A validator for date fields of forms, filters and serializers alike."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_("Check the year of this date."), code="implausible_year")


def alert_validate(*, user: User, data: AlertInput, now: dt.datetime | None = None) -> None:
    """Domain checks of a new alert. Raises ValidationError with a message per field."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if user.role not in LOGGING_ROLES and not user.is_superuser:
        raise PermissionRefused(_("Your role cannot log alerts."))
    ids = scoped_location_ids(user)
    if ids is not None and data.location_id not in ids:
        add("location", _("You can only log alerts for the location you are deployed to."))
    elif not Location.objects.filter(pk=data.location_id, is_active=True).exists():
        add("location", _("Choose an active location."))
    if not ThreatCategory.objects.filter(pk=data.category_id, is_active=True).exists():
        add("category", _("Choose a threat category."))
    if not data.description.strip():
        add("description", _("Describe what happened."))
    if data.reported_at > now + CLOCK_SKEW:
        add("reported_at", _("The time it was reported cannot be in the future."))
    if data.occurred_at > now + CLOCK_SKEW:
        add("occurred_at", _("The time it happened cannot be in the future."))
    elif data.reported_at - data.occurred_at > MAX_REPORTING_DELAY:
        add(
            "occurred_at", _("It happened more than a year before it was reported: check the date.")
        )
    if (data.latitude is None) != (data.longitude is None):
        add("latitude", _("Give both latitude and longitude, or neither."))
    elif data.latitude is not None and data.longitude is not None:
        bounds = settings.MISSION_BOUNDS
        inside = (
            bounds["min_lat"] <= float(data.latitude) <= bounds["max_lat"]
            and bounds["min_lon"] <= float(data.longitude) <= bounds["max_lon"]
        )
        if not inside:
            add("latitude", _("These coordinates are outside the mission's area."))
    for name in (
        "victims_killed",
        "victims_injured",
        "victims_abducted",
        "victims_sexual_violence",
        "victims_displaced",
    ):
        value = getattr(data, name)
        if value < 0:
            add(name, _("A number of people cannot be negative."))
        elif value > MAX_VICTIMS:
            add(
                name, _("More than %(max)s people: check the number.") % {"max": f"{MAX_VICTIMS:,}"}
            )
    if data.source_can_id is not None:
        if not CommunityAlertNetwork.objects.filter(
            pk=data.source_can_id, location_id=data.location_id
        ).exists():
            add("source_can", _("This alert network does not belong to the alert's location."))
    elif data.source_type == Alert.SourceType.CAN_MEMBER:
        add("source_can", _("Say which alert network the report came from."))
    if errors:
        raise ValidationError(errors)


def _next_reference(year: int) -> str:
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.values_list("last", flat=True).get(year=year)
    return f"ALT-{year}-{number:06d}"


def alert_create(
    *, user: User, data: AlertInput, client_key: str | None = None, channel: str = "web"
) -> tuple[Alert, bool]:
    """Save an alert with its outbox record; route it after commit.

    Returns (alert, created). The same client key with the same payload returns the alert
    already saved; with another payload it is refused.
    """
    client_key = (client_key or "").strip() or None
    fingerprint = data.fingerprint()
    if client_key:
        existing = _alert_for_client_key(client_key, fingerprint, user)
        if existing is not None:
            return existing, False
    alert_validate(user=user, data=data)
    try:
        with transaction.atomic():
            alert = _alert_insert(
                user=user, data=data, client_key=client_key, fingerprint=fingerprint
            )
    except IntegrityError:
        # Another request with the same client key committed first.
        if client_key:
            existing = _alert_for_client_key(client_key, fingerprint, user)
            if existing is not None:
                return existing, False
        raise
    metrics.alert_received(channel)
    return alert, True


def _alert_for_client_key(client_key: str, fingerprint: str, user: User) -> Alert | None:
    alert = Alert.objects.filter(client_key=client_key).first()
    # Another user's key is refused too: a replay must never hand out someone else's alert.
    if alert is not None and (alert.payload_hash != fingerprint or alert.logged_by_id != user.pk):
        raise IdempotencyConflict(
            _(
                "This form was already submitted with different content. Open a new form to log another alert."
            ),
            field="client_key",
        )
    return alert


def _alert_insert(
    *, user: User, data: AlertInput, client_key: str | None, fingerprint: str
) -> Alert:
    now = timezone.now()
    fields = asdict(data)
    fields.pop("extra")
    alert = Alert.objects.create(
        reference=_next_reference(timezone.localtime(now).year),
        client_key=client_key,
        payload_hash=fingerprint,
        logged_by=user,
        created_at=now,
        urgency_rank=URGENCY_RANK.get(data.urgency, 3),
        severity_rank=SEVERITY_RANK.get(data.severity, 3),
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
    )
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.CREATED, actor=user, at=now, to_status=alert.status
    )
    AlertDispatch.objects.create(alert=alert, created_at=now)
    # The callback carries the reference itself: on_commit may run after this call returns.
    transaction.on_commit(
        log_context(alert=alert.reference)(lambda: alert_dispatch_enqueue(alert_id=alert.pk))
    )
    return alert


def alert_dispatch_enqueue(*, alert_id: int) -> bool:
    """Hand the alert to a worker. A broker that is down leaves it pending for the sweep."""
    from alerts.tasks import route_alert

    try:
        route_alert.delay(alert_id)
    except Exception as exc:  # the broker is down or unreachable: the sweep will route it
        logger.warning("Alert %s left pending for the sweep: %s", alert_id, exc)
        AlertDispatch.objects.filter(alert_id=alert_id, state=AlertDispatch.State.PENDING).update(
            last_error=str(exc)[:500]
        )
        return False
    return True


# --- routing ------------------------------------------------------------------------------


def queue_for_alert(alert: Alert) -> TriangulationQueue | None:
    """The first active rule that matches (lowest priority), else the sector's default queue."""
    sector_id = alert.location.sector_id
    rule = (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(sector__isnull=True) | Q(sector_id=sector_id))
        .filter(Q(category__isnull=True) | Q(category_id=alert.category_id))
        .filter(Q(urgency="") | Q(urgency=alert.urgency))
        .select_related("queue")
        .order_by("priority", "id")
        .first()
    )
    if rule is not None:
        return rule.queue
    queues = TriangulationQueue.objects.filter(sector_id=sector_id).order_by("-is_default", "id")
    return queues.first()


@log_context()
def alert_route(*, alert_id: int) -> bool:
    """Put a new alert on its queue, link likely duplicates, start the flash procedure.

    Idempotent: the outbox row is claimed under a lock; a routed alert is left alone.
    Returns True when this call did the routing.
    """
    with transaction.atomic():
        dispatch = AlertDispatch.objects.select_for_update().filter(alert_id=alert_id).first()
        if dispatch is None or dispatch.state == AlertDispatch.State.DONE:
            return False
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("location")
            .get(pk=alert_id)
        )
        log_bind(alert=alert.reference)
        now = timezone.now()
        dispatch.attempts += 1
        dispatch.last_attempt_at = now
        queue = queue_for_alert(alert)
        if queue is None:
            dispatch.last_error = f"No triangulation queue for sector {alert.location.sector_id}"
            dispatch.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            logger.error("Alert %s has no queue to go to: %s", alert.reference, dispatch.last_error)
            return False
        alert.queue = queue
        alert.routed_at = now
        previous = alert.status
        if alert.status == Alert.Status.NEW:
            alert.status = Alert.Status.QUEUED
        alert.version += 1
        alert.save(update_fields=["queue", "routed_at", "status", "version"])
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.ROUTED,
            at=now,
            from_status=previous,
            to_status=alert.status,
            data={"queue": queue.code, "queue_name": queue.name},
        )
        _link_duplicates(alert, now)
        if is_flash(alert):
            _open_flash_report(alert)
            transaction.on_commit(lambda: _enqueue_flash_notification(alert.pk))
        dispatch.state = AlertDispatch.State.DONE
        dispatch.done_at = now
        dispatch.last_error = ""
        dispatch.save()
    metrics.alert_routed(created_at=alert.created_at, routed_at=now)
    return True


def is_flash(alert: Alert) -> bool:
    return alert.urgency == Urgency.IMMEDIATE or alert.severity == Severity.EXTREME


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _link_duplicates(alert: Alert, now: dt.datetime) -> None:
    """Same location and category within a day, or within a few km within a day: linked."""
    window = Q(
        occurred_at__gte=alert.occurred_at - DUPLICATE_WINDOW,
        occurred_at__lte=alert.occurred_at + DUPLICATE_WINDOW,
    )
    same_place = Alert.objects.filter(
        window, location_id=alert.location_id, category_id=alert.category_id
    )
    candidates = {
        a.pk: _("same location and category within 24 hours")
        for a in same_place.exclude(pk=alert.pk)[:5]
    }
    if alert.latitude is not None:
        # A box first (cheap, indexed by time), then the real distance.
        dlat = Decimal(str(DUPLICATE_RADIUS_KM / 111.0))
        dlon = Decimal(
            str(
                DUPLICATE_RADIUS_KM
                / (111.0 * max(math.cos(math.radians(float(alert.latitude))), 0.1))
            )
        )
        nearby = Alert.objects.filter(
            window,
            latitude__range=(alert.latitude - dlat, alert.latitude + dlat),
            longitude__range=(alert.longitude - dlon, alert.longitude + dlon),
        ).exclude(pk=alert.pk)[:20]
        for other in nearby:
            if (
                other.pk not in candidates
                and _distance_km(
                    float(alert.latitude),
                    float(alert.longitude),
                    float(other.latitude),
                    float(other.longitude),
                )
                <= DUPLICATE_RADIUS_KM
            ):
                candidates[other.pk] = _("within %(km)s km within 24 hours") % {
                    "km": int(DUPLICATE_RADIUS_KM)
                }
    for other_id, reason in candidates.items():
        _link, created = AlertLink.objects.get_or_create(
            from_alert=alert,
            to_alert_id=other_id,
            defaults={"kind": AlertLink.Kind.DUPLICATE, "reason": reason},
        )
        if created:
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEvent.Kind.DUPLICATE,
                at=now,
                note=str(reason),
                data={"alert_id": other_id},
            )


def _open_flash_report(alert: Alert) -> None:
    from reporting.services import flash_report_open

    flash_report_open(alert=alert)


def _enqueue_flash_notification(alert_id: int) -> None:
    from alerts.tasks import notify_flash_alert
    from reporting.tasks import compile_flash_digest

    try:
        notify_flash_alert.delay(alert_id)
        compile_flash_digest.delay(alert_id)
    except Exception as exc:  # broker down: the sweep notifies unsent flash alerts later
        logger.warning("Flash notification of alert %s deferred: %s", alert_id, exc)


def alert_dispatch_sweep(
    *, older_than: dt.timedelta = dt.timedelta(seconds=30), limit: int = 500
) -> dict[str, int]:
    """Route what is still pending after `older_than` (the broker was down, a worker died)."""
    cutoff = timezone.now() - older_than
    ids = list(
        AlertDispatch.objects.filter(state=AlertDispatch.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("alert_id", flat=True)[:limit]
    )
    routed = sum(1 for alert_id in ids if alert_route(alert_id=alert_id))
    notified = 0
    for alert_id in _flash_alerts_not_notified(cutoff):
        notified += int(alert_notify_flash(alert_id=alert_id))
    return {"pending": len(ids), "routed": routed, "notified": notified}


def _flash_alerts_not_notified(cutoff: dt.datetime) -> list[int]:
    since = cutoff - dt.timedelta(days=2)
    return list(
        Alert.objects.filter(routed_at__gte=since, routed_at__lte=cutoff)
        .filter(Q(urgency=Urgency.IMMEDIATE) | Q(severity=Severity.EXTREME))
        .exclude(events__kind=AlertEvent.Kind.NOTIFIED)
        .values_list("pk", flat=True)[:100]
    )


# --- notifications ------------------------------------------------------------------------


def flash_recipients(alert: Alert) -> list[str]:
    """The queue's officers and the coordinators of the alert's field office."""
    emails: set[str] = set()
    if alert.queue_id:
        emails.update(alert.queue.officers.exclude(email="").values_list("email", flat=True))
    office_id = alert.location.field_office_id or alert.location_id
    emails.update(
        User.objects.filter(role=Role.COORDINATOR, field_office_id=office_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(emails)


@log_context()
def alert_notify_flash(*, alert_id: int) -> bool:
    """Email the officers and coordinators about an Immediate or Extreme alert, once."""
    from alerts.notifications import send_flash_alert_email

    with transaction.atomic():
        alert = (
            # Only the alert row: PostgreSQL cannot lock the nullable side of the queue join.
            Alert.objects.select_for_update(of=("self",))
            .select_related("location", "category", "queue")
            .get(pk=alert_id)
        )
        log_bind(alert=alert.reference)
        if alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).exists():
            return False
        recipients = flash_recipients(alert)
        if recipients:
            send_flash_alert_email(alert=alert, recipients=recipients)
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.NOTIFIED,
            data={"recipients": len(recipients)},
            note=ngettext(
                "%(count)s person notified by email",
                "%(count)s people notified by email",
                len(recipients),
            )
            % {"count": len(recipients)},
        )
    return True


# --- triage transitions -------------------------------------------------------------------

OPEN_STATES = (
    Alert.Status.QUEUED,
    Alert.Status.ACKNOWLEDGED,
    Alert.Status.TRIANGULATING,
    Alert.Status.VERIFIED,
    Alert.Status.RESPONDED,
)


def _lock_for_action(
    *, alert_id: int, user: User, allowed: tuple[str, ...], version: int | None
) -> Alert:
    """Lock the alert, check the user may act on it, its state, and that nobody changed it."""
    from alerts.selectors import alert_list

    alert = alert_list(user=user).select_for_update(of=("self",)).filter(pk=alert_id).first()
    if alert is None:
        from django.http import Http404

        raise Http404
    if not (user.role == Role.FORCE or user.is_mission_wide):
        raise PermissionRefused(_("Only Force officers act on triangulation queues."))
    if version is not None and version != alert.version:
        raise ConcurrentUpdate(
            _(
                "%(reference)s was changed by someone else in the meantime (now: %(status)s). Reload and try again."
            )
            % {"reference": alert.reference, "status": alert.get_status_display()}
        )
    if alert.status not in allowed:
        raise InvalidTransition(
            _("%(reference)s is %(status)s: this action is not possible now.")
            % {"reference": alert.reference, "status": alert.get_status_display()}
        )
    return alert


def _transition(
    alert: Alert,
    *,
    user: User,
    kind: str,
    to_status: str | None,
    fields: dict[str, Any] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Alert:
    previous = alert.status
    for name, value in (fields or {}).items():
        setattr(alert, name, value)
    if to_status is not None:
        alert.status = to_status
    alert.version += 1
    alert.save(update_fields=[*(fields or {}), "status", "version"])
    AlertEvent.objects.create(
        alert=alert,
        kind=kind,
        actor=user,
        from_status=previous,
        to_status=alert.status,
        note=note.strip(),
        data=data or {},
    )
    return alert


@transaction.atomic
def alert_acknowledge(
    *, alert_id: int, user: User, version: int | None = None, note: str = ""
) -> Alert:
    alert = _lock_for_action(
        alert_id=alert_id, user=user, allowed=(Alert.Status.QUEUED,), version=version
    )
    fields: dict[str, Any] = {"acknowledged_at": timezone.now()}
    if alert.assigned_to_id is None:
        fields["assigned_to"] = user
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.ACKNOWLEDGED,
        to_status=Alert.Status.ACKNOWLEDGED,
        fields=fields,
        note=note,
    )


@transaction.atomic
def alert_assign(
    *, alert_id: int, user: User, officer_id: int, version: int | None = None
) -> Alert:
    alert = _lock_for_action(alert_id=alert_id, user=user, allowed=OPEN_STATES, version=version)
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
        kind=AlertEvent.Kind.ASSIGNED,
        to_status=None,
        fields={"assigned_to": officer},
        data={"officer_id": officer.pk, "officer": officer.get_full_name() or officer.username},
    )


@transaction.atomic
def alert_request_triangulation(
    *, alert_id: int, user: User, method: str, note: str = "", version: int | None = None
) -> Alert:
    if method not in Triangulation.Method.values:
        raise DomainError(_("Choose how to triangulate."), field="method")
    alert = _lock_for_action(
        alert_id=alert_id,
        user=user,
        allowed=(Alert.Status.ACKNOWLEDGED, Alert.Status.TRIANGULATING),
        version=version,
    )
    Triangulation.objects.create(alert=alert, method=method, requested_by=user, note=note.strip())
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.TRIANGULATION,
        to_status=Alert.Status.TRIANGULATING,
        note=note,
        data={"method": method},
    )


@transaction.atomic
def alert_record_outcome(
    *, alert_id: int, user: User, outcome: str, note: str = "", version: int | None = None
) -> Alert:
    if outcome not in Alert.Outcome.values:
        raise DomainError(_("Choose the outcome of the triangulation."), field="outcome")
    alert = _lock_for_action(
        alert_id=alert_id,
        user=user,
        allowed=(Alert.Status.ACKNOWLEDGED, Alert.Status.TRIANGULATING),
        version=version,
    )
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.OUTCOME,
        to_status=Alert.Status.VERIFIED,
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
    alert = _lock_for_action(
        alert_id=alert_id, user=user, allowed=(Alert.Status.VERIFIED,), version=version
    )
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.RESPONSE,
        to_status=Alert.Status.RESPONDED,
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
    alert = _lock_for_action(
        alert_id=alert_id,
        user=user,
        allowed=(Alert.Status.VERIFIED, Alert.Status.RESPONDED),
        version=version,
    )
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.CLOSED,
        to_status=Alert.Status.CLOSED,
        fields={"closed_at": timezone.now()},
        note=note,
    )


@transaction.atomic
def alert_reopen(*, alert_id: int, user: User, note: str = "", version: int | None = None) -> Alert:
    if not note.strip():
        raise DomainError(_("Say why the alert is reopened."), field="note")
    alert = _lock_for_action(
        alert_id=alert_id, user=user, allowed=(Alert.Status.CLOSED,), version=version
    )
    return _transition(
        alert,
        user=user,
        kind=AlertEvent.Kind.REOPENED,
        to_status=Alert.Status.ACKNOWLEDGED,
        fields={"closed_at": None},
        note=note,
    )


@transaction.atomic
def alert_add_note(*, alert_id: int, user: User, note: str, version: int | None = None) -> Alert:
    """A note on the timeline (what a patrol saw, who was called). Changes no state."""
    if not note.strip():
        raise DomainError(_("Write the note."), field="note")
    alert = _lock_for_action(
        alert_id=alert_id, user=user, allowed=(*OPEN_STATES, Alert.Status.CLOSED), version=version
    )
    return _transition(alert, user=user, kind=AlertEvent.Kind.NOTE, to_status=None, note=note)


# --- escalation ---------------------------------------------------------------------------


def alert_escalate_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate Immediate alerts nobody acknowledged within their queue's limit, once each."""
    now = now or timezone.now()
    escalated = 0
    for queue in TriangulationQueue.objects.select_related("senior_officer"):
        cutoff = now - dt.timedelta(minutes=queue.ack_limit_minutes)
        overdue = Alert.objects.filter(
            queue=queue,
            status=Alert.Status.QUEUED,
            urgency=Urgency.IMMEDIATE,
            escalated_at__isnull=True,
            routed_at__lte=cutoff,
        ).values_list("pk", flat=True)
        for alert_id in list(overdue[:200]):
            if alert_escalate(alert_id=alert_id, now=now):
                escalated += 1
    return {"escalated": escalated}


@log_context()
def alert_escalate(*, alert_id: int, now: dt.datetime | None = None) -> bool:
    from alerts.notifications import send_escalation_email

    now = now or timezone.now()
    with transaction.atomic():
        # Claimed by a conditional update: two sweeps never escalate the same alert twice.
        claimed = Alert.objects.filter(
            pk=alert_id, escalated_at__isnull=True, status=Alert.Status.QUEUED
        ).update(escalated_at=now, version=F("version") + 1)
        if not claimed:
            return False
        alert = Alert.objects.select_related("queue__senior_officer", "location", "category").get(
            pk=alert_id
        )
        log_bind(alert=alert.reference)
        senior = alert.queue.senior_officer if alert.queue_id else None
        if senior is not None and senior.email:
            send_escalation_email(alert=alert, recipient=senior.email)
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.ESCALATED,
            at=now,
            from_status=alert.status,
            to_status=alert.status,
            note=_("Not acknowledged within %(minutes)s minutes")
            % {"minutes": alert.queue.ack_limit_minutes},
            data={"senior_officer_id": senior.pk if senior else None},
        )
    metrics.alert_escalated()
    return True
