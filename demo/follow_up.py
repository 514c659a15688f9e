"""The CLAs' follow-up of the demo alerts: the community informed of most closed alerts, a few
notes, and the demo CLA's notifications, so that the dashboard's figure and the CLA's
notifications page are not empty on the first login. Bulk and idempotent, like the alerts."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Max, OuterRef, Q, Subquery

from alerts import chain
from alerts.models import Alert, AlertEvent, InformedHow
from alerts.services.follow_up import community_informed_data
from clas.models import Role, User
from demo.alerts import DEMO_CLIENT_KEY
from demo.mission import rng_for
from notifications.models import Notification
from notifications.selectors import NEWS

INFORMED_SHARE = 0.7  # closed alerts whose community the CLA told, and recorded it
NOTE_SHARE = 0.15  # alerts with a follow-up note of their CLA
READ_AFTER = dt.timedelta(days=3)  # the demo CLA has read what is older than this
HOW = [
    (InformedHow.MEETING, 30),
    (InformedHow.FOCAL_POINT, 25),
    (InformedHow.PHONE, 20),
    (InformedHow.IN_PERSON, 10),
    (InformedHow.RADIO, 8),
    (InformedHow.SMS, 5),
    (InformedHow.OTHER, 2),
]
NOTES = [
    "Called the focal point back: the village is calm tonight.",
    "Families who fled are coming back to the market.",
    "The chief asks for a patrol on market day.",
    "Le comité d'alerte confirme le retour au calme.",
    "Les déplacés demandent une patrouille vers les champs.",
]


def _how(rng: random.Random) -> str:
    choices, weights = zip(*HOW, strict=True)
    return rng.choices(choices, weights=weights)[0]


def follow_up_seed(*, now: float) -> int:
    """Add the follow-up of the demo alerts once; returns how many events were added."""
    demo = Alert.objects.filter(client_key__startswith=DEMO_CLIENT_KEY)
    if AlertEvent.objects.filter(alert__in=demo, kind=AlertEvent.Kind.COMMUNITY_INFORMED).exists():
        return 0
    rng = rng_for("follow-up")
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    clas = dict(User.objects.filter(role=Role.CLA).values_list("pk", "first_name").order_by("pk"))
    events: list[AlertEvent] = []
    informed: list[Alert] = []
    rows = demo.filter(logged_by__role=Role.CLA).exclude(status=Alert.Status.NEW).order_by("pk")
    # Follow-up comes after what the timeline holds already: written later, it is a later line.
    last = dict(
        AlertEvent.objects.filter(alert__in=rows)
        .values("alert_id")
        .annotate(last=Max("at"))
        .values_list("alert_id", "last")
    )
    for alert in rows.only("pk", "status", "logged_by_id", "created_at", "closed_at"):
        latest = last[alert.pk]
        if alert.status == Alert.Status.CLOSED and rng.random() < INFORMED_SHARE:
            told = alert.closed_at + dt.timedelta(seconds=1800 + rng.expovariate(1 / (36 * 3600)))
            recorded = max(told, latest) + dt.timedelta(seconds=rng.uniform(600, 8 * 3600))
            if recorded < moment:
                by_focal_point = rng.random() < 0.3
                data = community_informed_data(
                    informed_at=told,
                    how=_how(rng),
                    by="Focal point" if by_focal_point else clas.get(alert.logged_by_id, ""),
                    by_user_id=None if by_focal_point else alert.logged_by_id,
                )
                events.append(
                    _event(alert, AlertEvent.Kind.COMMUNITY_INFORMED, recorded, data=data)
                )
                alert.community_informed_at = told
                informed.append(alert)
                latest = recorded
        if rng.random() < NOTE_SHARE:
            at = latest + dt.timedelta(seconds=rng.uniform(600, 86_400))
            if at < moment:
                events.append(_event(alert, AlertEvent.Kind.NOTE, at, note=rng.choice(NOTES)))
    _chain(events)
    AlertEvent.objects.bulk_create(events, batch_size=500)
    Alert.objects.bulk_update(informed, ["community_informed_at"], batch_size=500)
    _notifications_seed(moment)
    return len(events)


def _chain(events: list[AlertEvent]) -> None:
    """Seal the new lines onto each alert's chain, in the order they are written (bulk_create
    skips AlertEvent.save). The alerts are locked as the services lock them."""
    alert_ids = sorted({event.alert_id for event in events})
    # Locked first, read after: a read in the locking statement could miss a line committed
    # while it waited.
    list(
        Alert.objects.select_for_update(no_key=True)
        .filter(pk__in=alert_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    latest = AlertEvent.objects.filter(alert_id=OuterRef("pk")).order_by("-id").values("hash")
    last_hash = dict(
        Alert.objects.filter(pk__in=alert_ids)
        .annotate(last_hash=Subquery(latest[:1]))
        .values_list("pk", "last_hash")
    )
    for event in events:
        event.prev_hash = last_hash.get(event.alert_id) or chain.GENESIS
        event.hash = chain.event_seal(event, prev_hash=event.prev_hash)
        last_hash[event.alert_id] = event.hash


def _event(
    alert: Alert, kind: str, at: dt.datetime, *, note: str = "", data: dict | None = None
) -> AlertEvent:
    return AlertEvent(
        alert_id=alert.pk,
        kind=kind,
        actor_id=alert.logged_by_id,
        at=at,
        from_status=alert.status,
        to_status=alert.status,
        note=note,
        data=data or {},
    )


def _notifications_seed(moment: dt.datetime) -> None:
    """The demo CLA's notifications: what happened to their alerts, the last days unread."""
    cla = User.objects.filter(username="demo-cla").first()
    if cla is None:
        return
    theirs = Alert.objects.filter(client_key__startswith=DEMO_CLIENT_KEY).filter(
        Q(logged_by=cla) | Q(received_from_cla__user=cla)
    )
    news = AlertEvent.objects.filter(alert__in=theirs, kind__in=list(NEWS)).exclude(actor=cla)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=cla,
                alert_id=alert_id,
                event_id=event_id,
                created_at=at,
                read_at=at if moment - at > READ_AFTER else None,
                emailed_at=at,
            )
            for event_id, alert_id, at in news.values_list("pk", "alert_id", "at")
        ],
        ignore_conflicts=True,
    )
