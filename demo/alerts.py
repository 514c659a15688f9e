"""Demo alerts: a few months of alerts in every state for the demo, and as many historical
alerts as asked for, spread over ten years, inserted in bulk.

Every alert goes through the lifecycle of alerts.services on a simulated clock: logged,
routed to the queue the routing rules pick, acknowledged, triangulated or not, outcome,
response, closed. Its status is the last step reached by now, so the timestamps always
follow each other (routed_at <= acknowledged_at <= outcome_at <= responded_at <= closed_at)
and the timeline has one event per step.

The bulk path (`alerts_bulk_create`) is built for a million alerts in a few minutes: alerts
older than the last three months are copies of a pool of closed "shapes" moved in time (only
ids, references and times change), rows go in by binary COPY on PostgreSQL, foreign key
triggers are skipped when the database user may do so, and two threads write batches while
the main thread builds the next ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import json
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from queue import Queue
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from alerts import chain, geo, texts
from alerts.models import (
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    Channel,
    RoutingRule,
    ThreatCategory,
    Triangulation,
    TriangulationQueue,
)
from alerts.services import escalation as escalation_policy
from clas.models import CLA, CommunityAlertNetwork, Deployment, FocalPoint, Location, User
from core.encryption import encrypt_for_storage
from demo import data, verification
from demo.db import (
    RawJson,
    foreign_key_checks_skipped,
    ids_reserve,
    reference_format,
    references_reserve,
    rows_insert,
)
from demo.mission import distance_km, phone_number, rng_for
from protection_plans.models import Threat

DEMO_ALERTS = 400
DEMO_DAYS = 120
DEMO_CLIENT_KEY = "demo-"
DUPLICATE_PAIRS = 4
BULK_YEARS = 10
BULK_BATCH = 20_000
BULK_SHAPES = 10_000
WRITERS = 2  # threads writing batches to PostgreSQL at the same time
# Only alerts logged within this many days may still be open: older ones were all closed.
OPEN_WINDOW_DAYS = 60
DUPLICATE_REASON = texts.SAME_PLACE_24H  # a code, read in each reader's language
# Recent alerts heard by phone or radio: logged by a Force officer on duty for the CLA who
# called on the radio, or by a CLA for the focal point who phoned.
RELAY_WINDOW_DAYS = 30
RELAYED_BY_FORCE = 12
RELAYED_FOR_FOCAL_POINTS = 16

ALERT_FIELDS = (
    "id",
    "reference",
    "client_key",
    "payload_hash",
    "channel",
    "logged_by",
    "received_from_cla",
    "received_from_focal_point",
    "source_type",
    "source_can",
    "source_name",
    "source_contact",
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
    "victims_killed",
    "victims_injured",
    "victims_abducted",
    "victims_sexual_violence",
    "victims_displaced",
    "description",
    "description_language",
    "translation",
    "plan_threat",
    "status",
    "queue",
    "assigned_to",
    "outcome",
    "response",
    "response_note",
    "urgency_rank",
    "severity_rank",
    "created_at",
    "routed_at",
    "acknowledged_at",
    "outcome_at",
    "responded_at",
    "closed_at",
    "escalated_at",
    "escalation_step",
    "escalation_tier",
    "next_escalation_at",
    "version",
)
EVENT_FIELDS = (
    "alert",
    "kind",
    "actor",
    "at",
    "from_status",
    "to_status",
    "note",
    "data",
    "prev_hash",
    "hash",
)
DISPATCH_FIELDS = (
    "alert",
    "state",
    "created_at",
    "attempts",
    "last_attempt_at",
    "done_at",
    "last_error",
)
TRIANGULATION_FIELDS = ("alert", "method", "requested_by", "requested_at", "note")
LINK_FIELDS = ("from_alert", "to_alert", "kind", "reason", "created_at")

S = Alert.Status
K = AlertEvent.Kind
VIOLENT = {"killing", "attack", "armed-clash", "abduction", "sexual-violence"}
DAY = 86_400.0


# Encrypted at rest (core.encryption): only the alerts whose source gave a name or contact
# cost an encryption; the rows carry the token, written as it is by COPY or INSERT.
_SOURCE_FIELDS = ("source_name", "source_contact")
_SOURCE_POSITIONS = tuple(ALERT_FIELDS.index(name) for name in _SOURCE_FIELDS)


def _weighted(rng: random.Random, items: list[Any], cumulative: list[float]) -> Any:
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _table(pairs: list[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    items = [item for item, _w in pairs]
    cumulative, total = [], 0.0
    for _item, weight in pairs:
        total += weight
        cumulative.append(total)
    return items, cumulative


URGENCY_VIOLENT = _table([("Immediate", 45), ("Expected", 15), ("Past", 35), ("Unknown", 5)])
URGENCY_OTHER = _table(
    [("Immediate", 12), ("Expected", 35), ("Future", 20), ("Past", 25), ("Unknown", 8)]
)
URGENCY_EXPLOSIVE = _table([("Immediate", 60), ("Expected", 20), ("Past", 15), ("Unknown", 5)])
SEVERITY_VIOLENT = _table([("Extreme", 25), ("Severe", 45), ("Moderate", 25), ("Unknown", 5)])
SEVERITY_OTHER = _table(
    [("Extreme", 3), ("Severe", 20), ("Moderate", 50), ("Minor", 20), ("Unknown", 7)]
)
CERTAINTY = _table(
    [("Observed", 35), ("Likely", 35), ("Possible", 20), ("Unlikely", 3), ("Unknown", 7)]
)
SOURCES = _table(
    [
        (Alert.SourceType.CAN_MEMBER, 45),
        (Alert.SourceType.LOCAL_AUTHORITY, 15),
        (Alert.SourceType.CIVIL_SOCIETY, 12),
        (Alert.SourceType.CLA_OBSERVATION, 12),
        (Alert.SourceType.HUMANITARIAN, 8),
        (Alert.SourceType.OTHER, 8),
    ]
)
OUTCOMES = _table(
    [
        (Alert.Outcome.CONFIRMED, 55),
        (Alert.Outcome.PARTLY, 20),
        (Alert.Outcome.NOT_CONFIRMED, 17),
        (Alert.Outcome.FALSE, 8),
    ]
)
RESPONSES = _table(
    [
        (Alert.Response.PATROL, 45),
        (Alert.Response.PRESENCE, 25),
        (Alert.Response.MEDIATION, 12),
        (Alert.Response.REFERRAL, 10),
        (Alert.Response.NONE, 8),
    ]
)
METHODS = _table(
    [
        (Triangulation.Method.PATROL, 50),
        (Triangulation.Method.OTHER_CLA, 20),
        (Triangulation.Method.UNPOL, 10),
        (Triangulation.Method.OTHER_SOURCE, 20),
    ]
)
TRIANGULATION_NOTES = {
    "patrol": "Patrol sent from the base to check.",
    "other_cla": "The CLA of the neighbouring base asked to check with contacts.",
    "unpol": "UN police asked to verify with the gendarmerie.",
    "other_source": "Cross-checked with a humanitarian partner.",
}
OUTCOME_NOTES = {
    "confirmed": "Confirmed on the ground.",
    "partly": "Partly confirmed: fewer people involved than reported.",
    "not_confirmed": "Could not be confirmed: nobody on site when the patrol arrived.",
    "false": "False alarm: a dispute between neighbours.",
}
RESPONSE_NOTES = {
    "patrol": "Patrol deployed to {place}; presence kept for 48 hours.",
    "presence": "Presence reinforced at {place} on market days.",
    "mediation": "Mediation with community leaders at {place}.",
    "referral": "Referred to the gendarmerie and the sub-prefect.",
    "none": "No response possible: no troops available.",
}
SOURCE_NAMES = {
    "local_authority": ("Chef de village", "Maire", "Sous-préfet adjoint", "Chef de quartier"),
    "civil_society": ("Abbé", "Pasteur", "Imam", "Présidente de l'association des femmes"),
    "humanitarian": ("ONG partenaire", "Agent de santé", "Agent du HCR"),
    "other": ("Commerçant", "Chauffeur de moto-taxi", "Éleveur"),
}


@dataclass
class Place:
    """A location as the generator sees it."""

    id: int
    name: str
    abbr: str
    sector_id: int
    sector_code: str
    latitude: float
    longitude: float
    neighbours: list[tuple[str, float, float, float]]  # name, lat, lon, km
    clas: list[int]  # user ids of the CLAs deployed there
    networks: list[tuple[int, list[tuple[str, str]]]]  # id, focal points (name, phone)
    threats: dict[int, int]  # category id -> plan threat id


@dataclass
class QueueInfo:
    id: int
    code: str
    name: str
    officers: list[int]
    senior: int | None
    ack_limit: int


@dataclass
class Context:
    """What alerts refer to, loaded once: places, categories, queues and routing rules."""

    places: list[Place]
    place_weights: list[float]
    categories: list[tuple[int, str, str]]  # id, code, English name
    category_weights: list[float]
    rules: list[tuple[int | None, int | None, str, int]]  # sector, category, urgency, queue
    default_queue: dict[int, int]  # sector id -> queue id
    queues: dict[int, QueueInfo]

    @classmethod
    def load(cls) -> Context:
        locations = list(Location.objects.select_related("sector").order_by("code"))
        if not locations:
            raise LookupError("No locations: seed the demo mission first.")
        clas: dict[int, list[int]] = {}
        for location_id, user_id in Deployment.objects.filter(end_date__isnull=True).values_list(
            "location_id", "cla__user_id"
        ):
            clas.setdefault(location_id, []).append(user_id)
        points: dict[int, list[tuple[str, str]]] = {}
        for network_id, name, phone in FocalPoint.objects.values_list(
            "network_id", "name", "phone"
        ):
            points.setdefault(network_id, []).append((name, phone))
        networks: dict[int, list[tuple[int, list[tuple[str, str]]]]] = {}
        for network_id, location_id in CommunityAlertNetwork.objects.exclude(
            status=CommunityAlertNetwork.Status.DISSOLVED
        ).values_list("id", "location_id"):
            networks.setdefault(location_id, []).append((network_id, points.get(network_id, [])))
        threats: dict[int, dict[int, int]] = {}
        for location_id, category_id, threat_id in Threat.objects.values_list(
            "plan__location_id", "category_id", "id"
        ):
            threats.setdefault(location_id, {}).setdefault(category_id, threat_id)
        places = []
        for loc in locations:
            lat, lon = float(loc.latitude), float(loc.longitude)
            others = sorted(
                (
                    (o.name, float(o.latitude), float(o.longitude))
                    for o in locations
                    if o.pk != loc.pk
                ),
                key=lambda o: distance_km(lat, lon, o[1], o[2]),
            )[:3]
            places.append(
                Place(
                    id=loc.pk,
                    name=loc.name,
                    abbr=loc.code.rsplit("-", 1)[-1],
                    sector_id=loc.sector_id,
                    sector_code=loc.sector.code,
                    latitude=lat,
                    longitude=lon,
                    neighbours=[(n, la, lo, distance_km(lat, lon, la, lo)) for n, la, lo in others],
                    clas=clas.get(loc.pk, []),
                    networks=networks.get(loc.pk, []),
                    threats=threats.get(loc.pk, {}),
                )
            )
        places = [p for p in places if p.clas]
        if not places:
            raise LookupError("No CLA is deployed anywhere: seed the demo mission first.")
        place_items, place_weights = _table([(p, data.ALERT_WEIGHT.get(p.abbr, 1)) for p in places])
        categories = [
            (c.pk, c.code, c.name_en) for c in ThreatCategory.objects.filter(is_active=True)
        ]
        category_items, category_weights = _table(
            [(c, data.CATEGORY_WEIGHTS.get(c[1], 3)) for c in categories]
        )
        queues = {
            q.pk: QueueInfo(q.pk, q.code, q.name, [], q.senior_officer_id, q.ack_limit_minutes)
            for q in TriangulationQueue.objects.all()
        }
        for queue_id, user_id in TriangulationQueue.officers.through.objects.values_list(
            "triangulationqueue_id", "user_id"
        ):
            queues[queue_id].officers.append(user_id)
        for queue in queues.values():
            queue.officers.sort()
            if not queue.officers and queue.senior:
                queue.officers.append(queue.senior)
        default_queue: dict[int, int] = {}
        for queue in TriangulationQueue.objects.order_by("-is_default", "id"):
            default_queue.setdefault(queue.sector_id, queue.pk)
        rules = [
            (r.sector_id, r.category_id, r.urgency, r.queue_id)
            for r in RoutingRule.objects.filter(is_active=True).order_by("priority", "id")
        ]
        return cls(
            places=place_items,
            place_weights=place_weights,
            categories=category_items,
            category_weights=category_weights,
            rules=rules,
            default_queue=default_queue,
            queues=queues,
        )

    def queue_for(self, sector_id: int, category_id: int, urgency: str) -> QueueInfo | None:
        """The same choice as alerts.services.queue_for_alert."""
        for rule_sector, rule_category, rule_urgency, queue_id in self.rules:
            if (
                (rule_sector is None or rule_sector == sector_id)
                and (rule_category is None or rule_category == category_id)
                and (not rule_urgency or rule_urgency == urgency)
            ):
                return self.queues[queue_id]
        queue_id = self.default_queue.get(sector_id)
        return self.queues[queue_id] if queue_id else None


@dataclass
class Draft:
    """An alert before it has an id and a reference."""

    created: float
    values: dict[str, Any]
    events: list[tuple[str, int | None, float, str, str, str, dict[str, Any]]]
    triangulation: tuple[str, int, float, str] | None
    place: Place
    category_id: int
    occurred: float
    routed: float | None
    links_to: list[Draft] = field(default_factory=list)


def _ts(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _escalation_reached(routed: float, now: float) -> tuple[int, int | None, float]:
    """An urgent alert still waiting, escalated as its age implies under the default policy
    (every demo queue has a senior officer and an operations centre): the steps due so far
    marked as taken, so the first sweep sends nothing for them, and when the next is due."""
    policy = escalation_policy.Policy(
        escalation_policy.DEFAULT_TIERS, escalation_policy.DEFAULT_REPEAT_MINUTES
    )
    start = _ts(routed)
    due = policy.step_due(start, _ts(now))
    step = max(policy.first_step, 0 if due is None else due + 1)
    tier = policy.tier_of(step - 1)[0] if step else None
    return step, tier, policy.due_at(start, step).timestamp()


class AlertMaker:
    """Builds alerts on a simulated clock. `now` is a POSIX timestamp."""

    def __init__(self, ctx: Context, rng: random.Random, now: float, *, rich: bool) -> None:
        self.ctx = ctx
        self.rng = rng
        self.now = now
        self.rich = rich  # flash notifications on the timeline

    def draft(
        self,
        created: float,
        *,
        place: Place | None = None,
        category: tuple[int, str, str] | None = None,
        occurred: float | None = None,
        stall: str | None = None,
        logged_by: int | None = None,
    ) -> Draft:
        rng, ctx, now = self.rng, self.ctx, self.now
        place = place or _weighted(rng, ctx.places, ctx.place_weights)
        category = category or _weighted(rng, ctx.categories, ctx.category_weights)
        category_id, code, _name = category
        if code in VIOLENT:
            urgency = _weighted(rng, *URGENCY_VIOLENT)
            severity = _weighted(rng, *SEVERITY_VIOLENT)
        else:
            table = URGENCY_EXPLOSIVE if code == "explosive-hazard" else URGENCY_OTHER
            urgency = _weighted(rng, *table)
            severity = _weighted(rng, *SEVERITY_OTHER)
        certainty = _weighted(rng, *CERTAINTY)

        urgent = urgency == "Immediate" or severity == "Extreme"
        if stall == S.NEW:
            created = now - rng.uniform(30, 600)
        elif stall == S.QUEUED and urgent:
            # An urgent alert nobody acknowledged escalates until someone does: only recent
            # ones are still waiting (minutes, not weeks).
            created = now - rng.uniform(12 * 60, 50 * 60)
        elif stall:
            created = min(created, now - rng.uniform(3600, 6 * 3600))
        reported = created - 60 - rng.expovariate(1 / 1800)
        if occurred is None:
            r = rng.random()
            hours = (
                rng.uniform(0, 3)
                if r < 0.6
                else rng.uniform(3, 24)
                if r < 0.9
                else rng.uniform(24, 96)
            )
            occurred = reported - hours * 3600
        occurred = min(occurred, reported - 60)

        # Where: on an axis (PK = kilometre post from the town) or in a quarter of the town.
        if rng.random() < 0.5:
            n_name, n_lat, n_lon, km = rng.choice(place.neighbours)
            pk = rng.randint(3, 45)
            share = min(pk / km, 0.5) if km else 0.0
            lat = place.latitude + (n_lat - place.latitude) * share
            lon = place.longitude + (n_lon - place.longitude) * share
            where = f"PK {pk} axe {place.name}{data.DASH}{n_name}"
        else:
            lat = place.latitude + rng.uniform(-0.01, 0.01)
            lon = place.longitude + rng.uniform(-0.01, 0.01)
            where = f"{place.name}, {rng.choice(data.QUARTERS)}"
        if rng.random() < 0.3:
            latitude = longitude = None
        else:
            latitude, longitude = Decimal(f"{lat:.5f}"), Decimal(f"{lon:.5f}")

        source_type = _weighted(rng, *SOURCES)
        source_can = None
        source_name = source_contact = ""
        if source_type == Alert.SourceType.CAN_MEMBER and not place.networks:
            source_type = Alert.SourceType.LOCAL_AUTHORITY
        if source_type == Alert.SourceType.CAN_MEMBER:
            source_can, points = rng.choice(place.networks)
            if points:
                source_name, source_contact = rng.choice(points)
        elif source_type != Alert.SourceType.CLA_OBSERVATION:
            source_name = f"{rng.choice(SOURCE_NAMES[source_type])} ({where})"
            source_contact = phone_number(rng)

        perpetrator = rng.choice(
            data.PERPETRATORS.get(place.sector_code, ("Unidentified armed men",))
        )
        if code == "intercommunal-tension":
            perpetrator = ""
        killed = injured = abducted = sexual = displaced = 0
        if code == "killing":
            killed, injured = rng.randint(1, 8), rng.randint(0, 5)
            n = killed
        elif code == "attack":
            killed, injured = rng.randint(0, 2), rng.randint(1, 6)
            n = injured
        elif code == "sexual-violence":
            sexual = n = rng.randint(1, 4)
        elif code in ("abduction", "child-recruitment"):
            abducted = n = rng.randint(1, 8)
        elif code == "forced-displacement":
            displaced = n = rng.randint(20, 800)
        elif code == "armed-clash":
            killed, injured, displaced = rng.randint(0, 3), rng.randint(0, 5), rng.randint(0, 300)
            n = killed
        else:
            n = rng.randint(5, 60)
            if code == "looting":
                displaced = rng.choice((0, 0, rng.randint(5, 50)))
        french, english = rng.choice(data.DESCRIPTIONS[code])
        if rng.random() < 0.85:
            description = french.format(place=where, perp=perpetrator or "inconnus", n=n)
            translation = english.format(place=where, perp=perpetrator or "unknown", n=n)
            language = "fr"
        else:
            description = english.format(place=where, perp=perpetrator or "unknown", n=n)
            translation, language = "", "en"

        logged_by = logged_by or rng.choice(place.clas)
        queue = ctx.queue_for(place.sector_id, category_id, urgency)

        # The lifecycle on the simulated clock.
        routed = created + rng.uniform(1, 40)
        if urgency == "Immediate":
            ack = routed + 60 + rng.expovariate(1 / 600)
        elif urgency == "Expected":
            ack = routed + 120 + rng.expovariate(1 / 2700)
        else:
            ack = routed + 300 + rng.expovariate(1 / 10800)
        tri = ack + 300 + rng.expovariate(1 / 2400) if rng.random() < 0.65 else None
        outcome_at = (tri or ack) + 900 + rng.expovariate(1 / 36000)
        outcome = _weighted(rng, *OUTCOMES)
        if outcome in (Alert.Outcome.NOT_CONFIRMED, Alert.Outcome.FALSE) and rng.random() < 0.7:
            responded = None
            closed = outcome_at + 3600 + rng.expovariate(1 / DAY)
        else:
            responded = outcome_at + 1800 + rng.expovariate(1 / 28800)
            closed = responded + 3600 + rng.expovariate(1 / (3 * DAY))
        if stall is None and now - created < OPEN_WINDOW_DAYS * DAY:
            r = rng.random()
            if r < 0.01:
                # Urgent alerts are acknowledged within minutes (they escalate otherwise).
                stall = S.ACKNOWLEDGED if urgent else S.QUEUED
            elif r < 0.03:
                stall = S.ACKNOWLEDGED
            elif r < 0.06:
                stall = S.TRIANGULATING if tri else S.ACKNOWLEDGED
            elif r < 0.10:
                stall = S.VERIFIED
            elif r < 0.18 and responded:
                stall = S.RESPONDED
        if stall == S.TRIANGULATING and tri is None:
            tri = ack + 300 + rng.expovariate(1 / 2400)
            outcome_at = max(outcome_at, tri + 900)
        if stall == S.RESPONDED and responded is None:
            responded = outcome_at + 1800
        steps = [
            (S.QUEUED, routed),
            (S.ACKNOWLEDGED, ack),
            (S.TRIANGULATING, tri),
            (S.VERIFIED, outcome_at),
            (S.RESPONDED, responded),
            (S.CLOSED, closed),
        ]
        if stall and stall != S.NEW:
            # A stalled alert must have reached its step: squeeze the clock if need be.
            target = next(t for s, t in steps if s == stall)
            latest = now - 30
            if target > latest:
                factor = (latest - created) / (target - created)

                def squeeze(t: float | None) -> float | None:
                    return None if t is None else created + (t - created) * factor

                routed, ack, tri, outcome_at, responded, closed = (
                    squeeze(t) for t in (routed, ack, tri, outcome_at, responded, closed)
                )
                steps = [(s, squeeze(t)) for s, t in steps]
        status = S.NEW
        if stall != S.NEW and queue is not None:
            for step, at in steps:
                if at is None:
                    continue
                if at > now:
                    break
                status = step
                if step == stall:
                    break
        reached = set()
        if status != S.NEW:
            order = [s for s, t in steps if t is not None]
            reached = set(order[: order.index(status) + 1])

        officer = None
        if queue is not None and S.ACKNOWLEDGED in reached:
            officer = rng.choice(queue.officers) if queue.officers else None
        closer = (queue.senior if queue and rng.random() < 0.3 else None) or officer
        escalated = None
        if queue is not None and urgency == "Immediate" and S.QUEUED in reached:
            limit = queue.ack_limit * 60
            due = routed + limit + rng.uniform(0, 60)
            waited = (ack if S.ACKNOWLEDGED in reached else now) - routed
            if waited > limit + 60 and due <= now:
                escalated = due

        step, tier, next_step = 0, None, None
        if status == S.QUEUED and urgent:
            step, tier, next_step = _escalation_reached(routed, now)

        events: list[tuple[str, int | None, float, str, str, str, dict[str, Any]]] = [
            (K.CREATED, logged_by, created, "", S.NEW, "", {})
        ]
        version = 1
        triangulation = None
        method = None
        if S.QUEUED in reached:
            events.append(
                (
                    K.ROUTED,
                    None,
                    routed,
                    S.NEW,
                    S.QUEUED,
                    "",
                    {"queue": queue.code, "queue_name": queue.name},
                )
            )
            version += 1
            if self.rich and (urgency == "Immediate" or severity == "Extreme"):
                recipients = len(queue.officers) + 1
                events.append(
                    (
                        K.NOTIFIED,
                        None,
                        routed + rng.uniform(1, 10),
                        "",
                        "",
                        "",
                        {"recipients": recipients, **texts.coded(texts.NOTIFIED, count=recipients)},
                    )
                )
            if escalated:
                events.append(
                    (
                        K.ESCALATED,
                        None,
                        escalated,
                        S.QUEUED,
                        S.QUEUED,
                        "",
                        {
                            "senior_officer_id": queue.senior,
                            **texts.coded(texts.ESCALATED, minutes=queue.ack_limit),
                        },
                    )
                )
                version += 1
        if S.ACKNOWLEDGED in reached:
            events.append((K.ACKNOWLEDGED, officer, ack, S.QUEUED, S.ACKNOWLEDGED, "", {}))
            version += 1
        previous = S.ACKNOWLEDGED
        if S.TRIANGULATING in reached:
            method = _weighted(rng, *METHODS)
            note = TRIANGULATION_NOTES[method]
            events.append(
                (
                    K.TRIANGULATION,
                    officer,
                    tri,
                    S.ACKNOWLEDGED,
                    S.TRIANGULATING,
                    note,
                    {"method": method},
                )
            )
            triangulation = (method, officer, tri, note)
            previous = S.TRIANGULATING
            version += 1
        if S.VERIFIED in reached:
            events.append(
                (
                    K.OUTCOME,
                    officer,
                    outcome_at,
                    previous,
                    S.VERIFIED,
                    OUTCOME_NOTES[outcome],
                    {"outcome": outcome},
                )
            )
            previous = S.VERIFIED
            version += 1
        response = response_note = ""
        if S.RESPONDED in reached:
            response = _weighted(rng, *RESPONSES)
            response_note = RESPONSE_NOTES[response].format(place=where)
            events.append(
                (
                    K.RESPONSE,
                    officer,
                    responded,
                    S.VERIFIED,
                    S.RESPONDED,
                    response_note,
                    {"response": response},
                )
            )
            previous = S.RESPONDED
            version += 1
        if S.CLOSED in reached:
            events.append((K.CLOSED, closer, closed, previous, S.CLOSED, "", {}))
            version += 1

        values = {
            "client_key": None,
            "payload_hash": "",
            "channel": Channel.WEB,
            "logged_by": logged_by,
            "received_from_cla": None,
            "received_from_focal_point": None,
            "source_type": source_type,
            "source_can": source_can,
            "source_name": source_name,
            "source_contact": source_contact,
            "location": place.id,
            "place": where,
            "latitude": latitude,
            "longitude": longitude,
            "occurred_at": occurred,
            "reported_at": reported,
            "category": category_id,
            "perpetrator": perpetrator,
            "urgency": urgency,
            "severity": severity,
            "certainty": certainty,
            "victims_killed": killed,
            "victims_injured": injured,
            "victims_abducted": abducted,
            "victims_sexual_violence": sexual,
            "victims_displaced": displaced,
            "description": description,
            "description_language": language,
            "translation": translation,
            "plan_threat": place.threats.get(category_id),
            "status": status,
            "queue": queue.id if queue and status != S.NEW else None,
            "assigned_to": officer,
            "outcome": outcome if S.VERIFIED in reached else "",
            "response": response,
            "response_note": response_note,
            "urgency_rank": URGENCY_RANK.get(urgency, 3),
            "severity_rank": SEVERITY_RANK.get(severity, 3),
            "created_at": created,
            "routed_at": routed if S.QUEUED in reached else None,
            "acknowledged_at": ack if S.ACKNOWLEDGED in reached else None,
            "outcome_at": outcome_at if S.VERIFIED in reached else None,
            "responded_at": responded if S.RESPONDED in reached else None,
            "closed_at": closed if S.CLOSED in reached else None,
            "escalated_at": escalated,
            "escalation_step": step,
            "escalation_tier": tier,
            "next_escalation_at": next_step,
            "version": version,
        }
        return Draft(
            created=created,
            values=values,
            events=events,
            triangulation=triangulation,
            place=place,
            category_id=category_id,
            occurred=occurred,
            routed=values["routed_at"],
        )


_TIME_FIELDS = (
    "occurred_at",
    "reported_at",
    "created_at",
    "routed_at",
    "acknowledged_at",
    "outcome_at",
    "responded_at",
    "closed_at",
    "escalated_at",
    "next_escalation_at",
)


@dataclass
class Shape:
    """A closed alert with its times as offsets from when it was logged: copied many times
    over the years, it makes the bulk insert cheap."""

    offsets: list[float]  # offsets[0] == 0: logged
    alert: list[Any]  # values of ALERT_FIELDS, times left empty
    alert_times: list[tuple[int, int]]  # (position in alert, index in offsets)
    # (kind, actor, index in offsets, from, to, note, data, its form in the chain: chain.line_form)
    events: list[tuple[str, int | None, int, str, str, str, RawJson, tuple[str, str]]]
    routed: int | None
    triangulation: tuple[str, int, int, str] | None
    status: str
    last: float  # offset of the latest time

    @classmethod
    def from_draft(cls, draft: Draft) -> Shape:
        offsets = [0.0]

        def index(at: float) -> int:
            offset = at - draft.created
            if offset not in offsets:
                offsets.append(offset)
            return offsets.index(offset)

        alert = [draft.values.get(name) for name in ALERT_FIELDS]
        # Encrypted once per shape: its copies share the token (demo data, made up).
        for position in _SOURCE_POSITIONS:
            alert[position] = encrypt_for_storage(alert[position])
        alert_times = []
        for name in _TIME_FIELDS:
            at = draft.values[name]
            if at is not None:
                alert_times.append((ALERT_FIELDS.index(name), index(at)))
                alert[ALERT_FIELDS.index(name)] = None
        events = [
            (
                kind,
                actor,
                index(at),
                from_status,
                to_status,
                note,
                RawJson(json.dumps(extra)),
                chain.line_form(
                    kind=kind,
                    actor_id=actor,
                    from_status=from_status,
                    to_status=to_status,
                    note=note,
                    data=chain.data_json(extra),
                ),
            )
            for kind, actor, at, from_status, to_status, note, extra in draft.events
        ]
        triangulation = None
        if draft.triangulation:
            method, officer, at, note = draft.triangulation
            triangulation = (method, officer, index(at), note)
        return cls(
            offsets=offsets,
            alert=alert,
            alert_times=alert_times,
            events=events,
            routed=index(draft.routed) if draft.routed is not None else None,
            triangulation=triangulation,
            status=draft.values["status"],
            last=max(offsets),
        )


@dataclass
class Rows:
    alerts: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    dispatches: list[tuple[Any, ...]] = field(default_factory=list)
    triangulations: list[tuple[Any, ...]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, draft: Draft, alert_id: int, reference: str) -> None:
        values = draft.values
        for name in _TIME_FIELDS:
            if values[name] is not None:
                values[name] = _ts(values[name])
        values["id"] = alert_id
        values["reference"] = reference
        for name in _SOURCE_FIELDS:
            values[name] = encrypt_for_storage(values[name])
        self.alerts.append(tuple(values[name] for name in ALERT_FIELDS))
        self.statuses[values["status"]] += 1
        prev_hash = chain.GENESIS
        for kind, actor, at, from_status, to_status, note, extra in draft.events:
            moment = _ts(at)
            digest = chain.event_hash(
                alert_id=alert_id,
                kind=kind,
                actor_id=actor,
                at=moment,
                from_status=from_status,
                to_status=to_status,
                note=note,
                data=chain.data_json(extra),
                prev_hash=prev_hash,
            )
            self.events.append(
                (
                    alert_id,
                    kind,
                    actor,
                    moment,
                    from_status,
                    to_status,
                    note,
                    extra,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
        if values["routed_at"] is None:
            self.dispatches.append(
                (alert_id, AlertDispatch.State.PENDING, values["created_at"], 0, None, None, "")
            )
        else:
            routed = values["routed_at"]
            self.dispatches.append(
                (alert_id, AlertDispatch.State.DONE, values["created_at"], 1, routed, routed, "")
            )
        if draft.triangulation:
            method, officer, at, note = draft.triangulation
            self.triangulations.append((alert_id, method, officer, _ts(at), note))

    def add_shape(self, shape: Shape, created: float, alert_id: int, reference: str) -> None:
        """An alert like `shape`, logged at `created` (the fast path of the bulk insert)."""
        times = [_ts(created + offset) for offset in shape.offsets]
        row = shape.alert[:]
        row[0], row[1] = alert_id, reference
        for position, k in shape.alert_times:
            row[position] = times[k]
        self.alerts.append(row)
        self.statuses[shape.status] += 1
        events = self.events
        # The chain in the order the lines are written (COPY gives them ids in that order).
        at_texts = [chain.at_text(moment) for moment in times]
        prev_hash = chain.GENESIS
        for kind, actor, k, from_status, to_status, note, extra, form in shape.events:
            digest = chain.seal(form, alert_id=alert_id, at=at_texts[k], prev_hash=prev_hash)
            events.append(
                (
                    alert_id,
                    kind,
                    actor,
                    times[k],
                    from_status,
                    to_status,
                    note,
                    extra,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
        created_at = times[0]
        if shape.routed is None:
            self.dispatches.append(
                (alert_id, AlertDispatch.State.PENDING, created_at, 0, None, None, "")
            )
        else:
            routed = times[shape.routed]
            self.dispatches.append(
                (alert_id, AlertDispatch.State.DONE, created_at, 1, routed, routed, "")
            )
        if shape.triangulation:
            method, officer, k, note = shape.triangulation
            self.triangulations.append((alert_id, method, officer, times[k], note))

    def insert(self) -> None:
        rows_insert(Alert, ALERT_FIELDS, self.alerts)
        rows_insert(AlertEvent, EVENT_FIELDS, self.events)
        rows_insert(AlertDispatch, DISPATCH_FIELDS, self.dispatches)
        rows_insert(Triangulation, TRIANGULATION_FIELDS, self.triangulations)


def _local_year_starts(first: float, last: float) -> list[tuple[int, float]]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start_year = dt.datetime.fromtimestamp(first, tz).year
    end_year = dt.datetime.fromtimestamp(last, tz).year
    return [
        (year, dt.datetime(year, 1, 1, tzinfo=tz).timestamp())
        for year in range(start_year, end_year + 1)
    ]


def references_for(created: list[float]) -> list[str]:
    """References for alerts logged at these sorted times: the year is the local year of
    logging, as for alerts logged through alerts.services."""
    if not created:
        return []
    starts = _local_year_starts(created[0], created[-1])
    references: list[str] = []
    for i, (year, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else math.inf
        count = bisect.bisect_left(created, end) - bisect.bisect_left(created, start)
        if count:
            first = references_reserve(year=year, count=count)
            references += [reference_format(year, first + k) for k in range(count)]
    return references


# --- the demo's recent alerts -------------------------------------------------------------


def alerts_demo_seed(*, now: float | None = None) -> int:
    """A few months of alerts in every state, with a few linked duplicates. Created once:
    when demo alerts exist already, nothing is added. Returns how many were added."""
    if Alert.objects.filter(client_key__startswith=DEMO_CLIENT_KEY).exists():
        return 0
    now = now or time.time()
    ctx = Context.load()
    rng = rng_for("alerts")
    maker = AlertMaker(ctx, rng, now, rich=True)
    ages = sorted((rng.random() ** 1.3 * DEMO_DAYS * DAY for _ in range(DEMO_ALERTS)), reverse=True)
    # The newest alerts are held at each open step so every state is on screen.
    held = [S.NEW] * 4 + [S.QUEUED] * 5 + [S.ACKNOWLEDGED] * 5 + [S.TRIANGULATING] * 5
    held += [S.VERIFIED] * 4 + [S.RESPONDED] * 4
    # One alert held at each step is at the demo CLA's base, logged by them, in a category
    # the sector's own queue handles: every demo login sees every state.
    demo_cla = User.objects.filter(username="demo-cla").values_list("pk", flat=True).first()
    demo_place = next((p for p in ctx.places if demo_cla in p.clas), None)
    own_queue = [c for c in ctx.categories if c[1] != "sexual-violence"]
    drafts = []
    for i, age in enumerate(ages):
        from_end = len(ages) - i
        stall = held[from_end - 1] if from_end <= len(held) else None
        if stall and demo_place and held.index(stall) == from_end - 1:
            draft = maker.draft(
                now - age,
                stall=stall,
                place=demo_place,
                category=rng.choice(own_queue),
                logged_by=demo_cla,
            )
            _away_from_base(draft, stall)
        else:
            draft = maker.draft(now - age, stall=stall)
        drafts.append(draft)
    originals = [d for d in drafts if d.routed and now - d.created > 2 * DAY]
    for original in rng.sample(originals, DUPLICATE_PAIRS):
        category = next(c for c in ctx.categories if c[0] == original.category_id)
        twin = maker.draft(
            original.created + rng.uniform(1800, 6 * 3600),
            place=original.place,
            category=category,
            occurred=original.occurred + rng.uniform(-2 * 3600, 2 * 3600),
        )
        twin.links_to.append(original)
        drafts.append(twin)
    _relay_some(drafts, ctx, now, demo_cla=demo_cla)
    _no_old_alert_near_a_base(drafts, ctx.places)
    drafts.sort(key=lambda d: d.created)
    for n, draft in enumerate(drafts, start=1):
        draft.values["client_key"] = f"{DEMO_CLIENT_KEY}{n:04d}"
    verified = verification.drafts_verify(drafts, now=now)
    with transaction.atomic():
        references = references_for([d.created for d in drafts])
        ids = ids_reserve(Alert, len(drafts))
        id_of = {id(d): alert_id for d, alert_id in zip(drafts, ids, strict=True)}
        links = []
        for draft in drafts:
            for original in draft.links_to:
                if draft.routed is None:
                    continue
                links.append(
                    (
                        id_of[id(draft)],
                        id_of[id(original)],
                        AlertLink.Kind.DUPLICATE,
                        DUPLICATE_REASON,
                        _ts(draft.routed),
                    )
                )
                at = draft.routed + 0.5
                event = (
                    K.DUPLICATE,
                    None,
                    at,
                    "",
                    "",
                    "",
                    {"alert_id": id_of[id(original)], **texts.coded(DUPLICATE_REASON)},
                )
                draft.events.insert(2, event)
        rows = Rows()
        for draft, alert_id, reference in zip(drafts, ids, references, strict=True):
            rows.add(draft, alert_id, reference)
        rows.insert()
        verification.verification_insert(verified, id_of)
        rows_insert(AlertLink, LINK_FIELDS, links)
        # The nearest base and its distance, as intake sets them: alerts in town are near
        # their base, those on an axis a few km or tens of km away.
        geo.alerts_nearest_base_fill()
    return len(drafts)


# The demo CLA's acknowledged alert near their base (marked on the queue), the one being
# triangulated farther: km north of the base.
DEMO_BASE_DISTANCE_KM = {S.ACKNOWLEDGED: 2.3, S.TRIANGULATING: 12.0}


def _away_from_base(draft: Draft, stall: str) -> None:
    km = DEMO_BASE_DISTANCE_KM.get(stall)
    if km is not None:
        draft.values["latitude"] = Decimal(f"{draft.place.latitude + km / 111.195:.5f}")
        draft.values["longitude"] = Decimal(f"{draft.place.longitude:.5f}")


def _no_old_alert_near_a_base(drafts: list[Draft], places: list[Place]) -> None:
    """An alert near a base is urgent: like the Immediate and Extreme ones, none waits
    unacknowledged for hours in the demo, so a queued one near a base has no coordinates
    (the first sweep after seeding escalates nothing)."""
    radius = float(settings.NEAR_BASE_KM)
    for draft in drafts:
        lat, lon = draft.values["latitude"], draft.values["longitude"]
        if draft.values["status"] != S.QUEUED or lat is None:
            continue
        here = (float(lat), float(lon))
        if any(geo.distance_km(*here, p.latitude, p.longitude) <= radius for p in places):
            draft.values["latitude"] = draft.values["longitude"] = None


def _relay_some(drafts: list[Draft], ctx: Context, now: float, *, demo_cla: int | None) -> None:
    """Turn some recent alerts into calls: heard on the radio (or phone) by an officer of the
    sector's queue from the CLA who logged it, or phoned to the CLA by a focal point of the
    source network. The demo logins' own come first, so they show on first login."""
    rng = rng_for("relays")
    cla_of = dict(CLA.objects.values_list("user_id", "pk"))
    points: dict[int, list[tuple[int, str, str]]] = {}
    for pk, network_id, name, phone in FocalPoint.objects.values_list(
        "pk", "network_id", "name", "phone"
    ):
        points.setdefault(network_id, []).append((pk, name, phone))
    demo_force = User.objects.filter(username="demo-force").values_list("pk", flat=True).first()
    recent = [d for d in drafts if now - d.created < RELAY_WINDOW_DAYS * DAY and not d.links_to]
    by_force = [
        (d, ctx.queues[d.values["queue"]])
        for d in recent
        if d.values["queue"] == ctx.default_queue.get(d.place.sector_id)
        and ctx.queues[d.values["queue"]].officers
        and d.values["logged_by"] in cla_of
    ]
    rng.shuffle(by_force)
    by_force.sort(
        key=lambda item: (
            demo_force not in item[1].officers,
            item[0].values["logged_by"] != demo_cla,
        )
    )
    for draft, queue in by_force[:RELAYED_BY_FORCE]:
        officer = demo_force if demo_force in queue.officers else rng.choice(queue.officers)
        channel = Channel.RADIO if rng.random() < 0.7 else Channel.PHONE
        _relay(draft, logged_by=officer, channel=channel, cla=cla_of[draft.values["logged_by"]])
    by_cla = [
        d
        for d in recent
        if d.values["channel"] == Channel.WEB and any(points.get(n) for n, _p in d.place.networks)
    ]
    rng.shuffle(by_cla)
    by_cla.sort(key=lambda d: d.values["logged_by"] != demo_cla)
    for draft in by_cla[:RELAYED_FOR_FOCAL_POINTS]:
        network = draft.values["source_can"]
        if not points.get(network):
            network = rng.choice([n for n, _p in draft.place.networks if points.get(n)])
        point, name, phone = rng.choice(points[network])
        channel = Channel.PHONE if rng.random() < 0.8 else Channel.RADIO
        _relay(draft, logged_by=draft.values["logged_by"], channel=channel, focal_point=point)
        draft.values.update(
            source_type=Alert.SourceType.CAN_MEMBER,
            source_can=network,
            source_name=name,
            source_contact=phone,
        )


def _relay(
    draft: Draft,
    *,
    logged_by: int,
    channel: str,
    cla: int | None = None,
    focal_point: int | None = None,
) -> None:
    draft.values.update(
        channel=channel,
        logged_by=logged_by,
        received_from_cla=cla,
        received_from_focal_point=focal_point,
    )
    kind, _actor, *rest = draft.events[0]  # the "logged" line: by whoever took the call
    draft.events[0] = (kind, logged_by, *rest)


# --- historical alerts in bulk ------------------------------------------------------------


@dataclass
class BulkSummary:
    created: int
    events: int
    dispatches: int
    triangulations: int
    statuses: Counter[str]
    first_reference: str
    last_reference: str
    seconds: float
    checks_skipped: bool = False


def alerts_bulk_create(
    *,
    count: int,
    now: float | None = None,
    batch_size: int = BULK_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> BulkSummary:
    """`count` more alerts logged over the last ten years, more of them in recent years.

    Each has its whole timeline, its outbox row (done: routed seconds after logging, so none
    is left new) and, when it was triangulated, its triangulation request. Only alerts of
    the last three months may still be open. Inserted in batches of `batch_size`, one
    transaction each (COPY on PostgreSQL)."""
    started = time.monotonic()
    now = now or time.time()
    ctx = Context.load()
    rng = rng_for(f"bulk:{count}")
    span = BULK_YEARS * 365.25 * DAY
    # Density falls linearly from 1.5 (now) to 0.5 (ten years ago): inverse of its CDF.
    created = sorted(
        now - 1 - span * (1.5 - math.sqrt(2.25 - 2 * rng.random())) for _ in range(count)
    )
    references = references_for(created)
    maker = AlertMaker(ctx, rng, now, rich=False)
    # Closed alerts are copies of a pool of shapes moved in time; alerts recent enough to be
    # still open are made one by one against the real clock.
    timeless = AlertMaker(ctx, rng, math.inf, rich=False)
    shapes = [Shape.from_draft(timeless.draft(0.0)) for _ in range(min(count, BULK_SHAPES))]
    recent = now - (OPEN_WINDOW_DAYS + 30) * DAY
    summary = BulkSummary(0, 0, 0, 0, Counter(), references[0] if references else "", "", 0.0)

    def build(start: int, ids: list[int]) -> Rows:
        rows = Rows()
        for i, alert_id in enumerate(ids):
            at = created[start + i]
            shape = shapes[int(rng.random() * len(shapes))]
            if at < recent and at + shape.last < now:
                rows.add_shape(shape, at, alert_id, references[start + i])
            else:
                rows.add(maker.draft(at), alert_id, references[start + i])
        return rows

    def written(rows: Rows, checks_skipped: bool) -> None:
        summary.created += len(rows.alerts)
        summary.events += len(rows.events)
        summary.dispatches += len(rows.dispatches)
        summary.triangulations += len(rows.triangulations)
        summary.statuses.update(rows.statuses)
        summary.checks_skipped = checks_skipped
        if progress:
            progress(summary.created, count)

    starts = range(0, count, batch_size)
    # Millions of short-lived tuples and no cycles: the cyclic collector would only slow it.
    gc.disable()
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Ids come from the sequence outside any transaction; the rows are written by
            # another thread while the next batch is built.
            batches = (
                build(start, ids_reserve(Alert, len(created[start : start + batch_size])))
                for start in starts
            )
            _write_in_background(batches, written)
        else:
            for start in starts:
                with transaction.atomic(), foreign_key_checks_skipped() as skipped:
                    ids = ids_reserve(Alert, len(created[start : start + batch_size]))
                    rows = build(start, ids)
                    rows.insert()
                written(rows, skipped)
    finally:
        gc.enable()
    summary.last_reference = references[-1] if references else ""
    summary.seconds = time.monotonic() - started
    return summary


def _write_in_background(
    batches: Iterator[Rows], written: Callable[[Rows, bool], None], *, writers: int = WRITERS
) -> None:
    """Insert the batches from `writers` threads, each batch in its own transaction on the
    thread's own connection, while this thread builds the next ones: Python and several
    PostgreSQL backends work at the same time."""
    pending: Queue[Rows | None] = Queue(maxsize=writers + 1)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def writer() -> None:
        try:
            while (rows := pending.get()) is not None:
                with transaction.atomic(), foreign_key_checks_skipped() as skipped:
                    rows.insert()
                with lock:
                    written(rows, skipped)
        except BaseException as exc:
            failures.append(exc)
            while pending.get() is not None:  # let the builder finish without blocking
                pass
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, name=f"seed-demo-writer-{n}") for n in range(writers)
    ]
    for thread in threads:
        thread.start()
    try:
        for rows in batches:
            if failures:
                break
            pending.put(rows)
    finally:
        for _thread in threads:
            pending.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
