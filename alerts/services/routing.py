"""Routing: a new alert put on its triangulation queue, likely duplicates linked, the flash
procedure started for Immediate and Extreme alerts; and the sweep that routes what the broker
never delivered.

Idempotent: the outbox row is claimed under a lock and a routed alert is left alone, so a task
delivered twice, or the sweep running beside a worker, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts import signals, texts
from alerts.geo import distance_km, is_near_base
from alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    RoutingRule,
    Severity,
    TriangulationQueue,
    Urgency,
)
from alerts.services.escalation import (
    alert_notify_flash,
    escalation_schedule,
    flash_notification_enqueue,
)
from core import metrics
from core.logging import log_bind, log_context

# One logger for the whole alert pipeline: operators follow "alerts.services" in the logs.
logger = logging.getLogger("alerts.services")

# The reasons of alerts.texts name these thresholds: other values need new reason codes.
DUPLICATE_WINDOW = dt.timedelta(hours=24)
DUPLICATE_RADIUS_KM = 5.0


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


def is_flash(alert: Alert) -> bool:
    return alert.urgency == Urgency.IMMEDIATE or alert.severity == Severity.EXTREME


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
        # FOR NO KEY UPDATE, as the update itself takes: a link from another alert being routed
        # at the same moment (its key share lock on this row) then waits for nothing, where
        # FOR UPDATE made two routings of the same place wait for each other (a deadlock).
        alert = (
            Alert.objects.select_for_update(of=("self",), no_key=True)
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
        _put_on_queue(alert, queue, now)
        _link_duplicates(alert, now)
        if is_flash(alert):
            _start_flash_procedure(alert)
        elif is_near_base(alert):
            # Urgent by where it is: escalates, without the flash email and flash report.
            escalation_schedule(alert=alert)
        dispatch.state = AlertDispatch.State.DONE
        dispatch.done_at = now
        dispatch.last_error = ""
        dispatch.save()
    metrics.alert_routed(created_at=alert.created_at, routed_at=now)
    return True


def _put_on_queue(alert: Alert, queue: TriangulationQueue, now: dt.datetime) -> None:
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


def _start_flash_procedure(alert: Alert) -> None:
    """Inside the routing transaction: notifications after the commit, and whatever other
    parts do with a flash alert (reporting opens its flash report) in the transaction."""
    transaction.on_commit(lambda: flash_notification_enqueue(alert_id=alert.pk))
    signals.flash_alert_routed.send(sender=Alert, alert=alert)


# --- duplicates ---------------------------------------------------------------------------


def _link_duplicates(alert: Alert, now: dt.datetime) -> None:
    """Same location and category within a day, or within a few km within a day: linked."""
    window = Q(
        occurred_at__gte=alert.occurred_at - DUPLICATE_WINDOW,
        occurred_at__lte=alert.occurred_at + DUPLICATE_WINDOW,
    )
    same_place = Alert.objects.filter(
        window, location_id=alert.location_id, category_id=alert.category_id
    )
    # Reasons are stored as codes (alerts.texts) and read in the reader's language.
    candidates = {a.pk: texts.SAME_PLACE_24H for a in same_place.exclude(pk=alert.pk)[:5]}
    if alert.latitude is not None:
        for other_id in _nearby(alert, window):
            candidates.setdefault(other_id, texts.WITHIN_5KM_24H)
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
                data={"alert_id": other_id, **texts.coded(reason)},
            )


def _nearby(alert: Alert, window: Q) -> list[int]:
    """Alerts of the time window within DUPLICATE_RADIUS_KM of this one."""
    # A box first (cheap, indexed by time), then the real distance.
    dlat = Decimal(str(DUPLICATE_RADIUS_KM / 111.0))
    dlon = Decimal(
        str(DUPLICATE_RADIUS_KM / (111.0 * max(math.cos(math.radians(float(alert.latitude))), 0.1)))
    )
    boxed = Alert.objects.filter(
        window,
        latitude__range=(alert.latitude - dlat, alert.latitude + dlat),
        longitude__range=(alert.longitude - dlon, alert.longitude + dlon),
    ).exclude(pk=alert.pk)[:20]
    here = (float(alert.latitude), float(alert.longitude))
    return [
        other.pk
        for other in boxed
        if distance_km(*here, float(other.latitude), float(other.longitude)) <= DUPLICATE_RADIUS_KM
    ]


# --- the sweep ----------------------------------------------------------------------------


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
