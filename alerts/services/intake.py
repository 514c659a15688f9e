"""Intake: a new alert checked, saved with its outbox row in one transaction, and handed to a
routing worker after the commit.

Every way in (the page form, the API, SMS) builds an AlertInput and calls alert_create. An
alert heard by phone or radio comes the same way, with `received_via` and the CLA or focal
point it was heard from: the one who logs it does so on their behalf. A resubmission with the
same client key and content returns the alert already saved; a broker that is down leaves the
alert pending for the sweep.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts import permissions, signals
from alerts.geo import base_fields
from alerts.models import (
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertDispatch,
    AlertEvent,
    Channel,
    ReferenceCounter,
    Severity,
    ThreatCategory,
    Urgency,
)
from alerts.selectors import intake_choices
from alerts.validators import has_markup, markup_message
from clas.models import CommunityAlertNetwork, Location, Role, User
from clas.selectors import scoped_location_ids
from core import metrics
from core.exceptions import IdempotencyConflict
from core.logging import log_context

# One logger for the whole alert pipeline: operators follow "alerts.services" in the logs.
logger = logging.getLogger("alerts.services")

MAX_VICTIMS = 10_000  # more than this in one alert is a typing error, not a report
CLOCK_SKEW = dt.timedelta(minutes=10)  # phones in the field are often a few minutes off
MAX_REPORTING_DELAY = dt.timedelta(days=365)
# A client key is made by the form or the client: a UUID, or letters, digits and dashes.
CLIENT_KEY_PATTERN = r"^[A-Za-z0-9-]{1,64}$"
VICTIM_FIELDS = (
    "victims_killed",
    "victims_injured",
    "victims_abducted",
    "victims_sexual_violence",
    "victims_displaced",
)
# The free-text fields of an alert, with the names the pages give them: all plain text.
TEXT_FIELDS = {
    "description": gettext_lazy("Description"),
    "translation": gettext_lazy("Translation"),
    "place": gettext_lazy("Place or village"),
    "perpetrator": gettext_lazy("Perpetrator"),
    "source_name": gettext_lazy("Name of the person who reported it"),
    "source_contact": gettext_lazy("Their phone or contact"),
    "description_language": gettext_lazy("Language of the description"),
}
# The rows an alert points to, given to AlertInput.from_values as rows or as ids.
RELATIONS = ("location", "category", "source_can", "received_from_cla", "received_from_focal_point")
# How an alert logged on behalf of someone else was heard: stored as the alert's channel.
RELAY_CHANNELS = (Channel.PHONE, Channel.RADIO)
RELAY_FIELDS = ("received_via", "received_from_cla_id", "received_from_focal_point_id")
MAX_ID = 2_147_483_647  # database integers are 32-bit

Problem = tuple[str, str]  # (field, message)


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
    # Heard by phone or radio (a value of RELAY_CHANNELS) from a CLA or a focal point, one of
    # them; empty for an alert the user heard themselves.
    received_via: str = ""
    received_from_cla_id: int | None = None
    received_from_focal_point_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> AlertInput:
        """From the typed values of the page form or the API serializer.

        The rows chosen (location, category, source_can) come as rows or as ids
        (`location_id`); values of other names are ignored, and those left out keep their
        default.
        """
        data = {name: values[name] for name in _INPUT_FIELDS if name in values}
        for relation in RELATIONS:
            key, row = f"{relation}_id", values.get(relation)
            if data.get(key) is None and row is not None:
                data[key] = row.pk
        return cls(**data)

    def fingerprint(self) -> str:
        """A hash of the payload: the same client key must come with the same content."""
        data = asdict(self)
        data.pop("extra")
        for key in RELAY_FIELDS:
            # Left out when empty: alerts saved before they existed keep their fingerprint.
            if data[key] in ("", None):
                data.pop(key)
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


_INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(AlertInput) if f.name != "extra")


# --- validation ---------------------------------------------------------------------------


def alert_validate(*, user: User, data: AlertInput, now: dt.datetime | None = None) -> None:
    """Domain checks of a new alert. Raises ValidationError with a message per field."""
    permissions.check_may_log_alerts(user, relayed=bool(data.received_via))
    now = now or timezone.now()
    problems = [
        *_location_problems(user, data),
        *_category_problems(data),
        *_text_problems(data),
        *_time_problems(data, now),
        *_coordinate_problems(data),
        *_victim_problems(data),
        *_source_problems(data),
        *_relay_problems(user, data),
    ]
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name, []).append(message)
        raise ValidationError(errors)


def _location_problems(user: User, data: AlertInput) -> Iterator[Problem]:
    ids = scoped_location_ids(user)
    if ids is not None and data.location_id not in ids:
        yield "location", _("You can only log alerts for the location you are deployed to.")
    elif not Location.objects.filter(pk=data.location_id, is_active=True).exists():
        yield "location", _("Choose an active location.")


def _category_problems(data: AlertInput) -> Iterator[Problem]:
    if not ThreatCategory.objects.filter(pk=data.category_id, is_active=True).exists():
        yield "category", _("Choose a threat category.")


def _text_problems(data: AlertInput) -> Iterator[Problem]:
    if not data.description.strip():
        yield "description", _("Describe what happened.")
    for name, label in TEXT_FIELDS.items():
        if has_markup(getattr(data, name)):
            yield name, markup_message(label)


def _time_problems(data: AlertInput, now: dt.datetime) -> Iterator[Problem]:
    if data.reported_at > now + CLOCK_SKEW:
        yield "reported_at", _("The time it was reported cannot be in the future.")
    if data.occurred_at > now + CLOCK_SKEW:
        yield "occurred_at", _("The time it happened cannot be in the future.")
    elif data.occurred_at > data.reported_at:
        yield "occurred_at", _("It cannot have happened after it was reported: check both times.")
    elif data.reported_at - data.occurred_at > MAX_REPORTING_DELAY:
        yield (
            "occurred_at",
            _("It happened more than a year before it was reported: check the date."),
        )


def _coordinate_problems(data: AlertInput) -> Iterator[Problem]:
    if (data.latitude is None) != (data.longitude is None):
        yield "latitude", _("Give both latitude and longitude, or neither.")
    elif data.latitude is not None and data.longitude is not None:
        bounds = settings.MISSION_BOUNDS
        inside = (
            bounds["min_lat"] <= float(data.latitude) <= bounds["max_lat"]
            and bounds["min_lon"] <= float(data.longitude) <= bounds["max_lon"]
        )
        if not inside:
            yield "latitude", _("These coordinates are outside the mission's area.")


def _victim_problems(data: AlertInput) -> Iterator[Problem]:
    for name in VICTIM_FIELDS:
        value = getattr(data, name)
        if value < 0:
            yield name, _("A number of people cannot be negative.")
        elif value > MAX_VICTIMS:
            yield (
                name,
                _("More than %(max)s people: check the number.") % {"max": f"{MAX_VICTIMS:,}"},
            )


def _source_problems(data: AlertInput) -> Iterator[Problem]:
    if data.source_can_id is not None:
        if not CommunityAlertNetwork.objects.filter(
            pk=data.source_can_id, location_id=data.location_id
        ).exists():
            yield "source_can", _("This alert network does not belong to the alert's location.")
    elif data.source_type == Alert.SourceType.CAN_MEMBER:
        yield "source_can", _("Say which alert network the report came from.")


def _relay_problems(user: User, data: AlertInput) -> Iterator[Problem]:
    """Heard by phone or radio from exactly one CLA or focal point the user may log for."""
    via = data.received_via
    cla_id, point_id = data.received_from_cla_id, data.received_from_focal_point_id
    named = cla_id is not None or point_id is not None
    if via and via not in RELAY_CHANNELS:
        yield "received_via", _("Choose phone or radio.")
    elif named and not via:
        yield "received_via", _("Say whether it was heard by phone or by radio.")
    if cla_id is not None and point_id is not None:
        yield "received_from", _("Name one person: a CLA or a focal point, not both.")
    elif via and not named:
        yield "received_from", _("Say which CLA or focal point it was heard from.")
    elif cla_id is not None and not _may_name(intake_choices(user=user).clas, cla_id):
        if user.role == Role.CLA:
            message = _("A CLA logs on behalf of themselves or of a focal point of their networks.")
        else:
            message = _("Choose a CLA deployed where you work.")
        yield "received_from", message
    elif point_id is not None and not _may_name(intake_choices(user=user).focal_points, point_id):
        if user.role == Role.FORCE:
            message = _("The Force logs on behalf of a CLA: focal points are named by their CLA.")
        elif user.role == Role.CLA:
            message = _("This focal point is not in one of your alert networks.")
        else:
            message = _("Choose a focal point of an alert network where you work.")
        yield "received_from", message


def _may_name(choices: QuerySet, pk: object) -> bool:
    """An id among the choices; anything else (unknown, out of range, not a number) is not."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        return False
    return choices.filter(pk=pk).exists()


# --- saving -------------------------------------------------------------------------------


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
    already saved; with another payload it is refused. An alert heard by phone or radio is
    saved with that channel (`data.received_via`) whatever way it came in.
    """
    if channel not in Channel.values:
        raise ValueError(f"Unknown alert channel {channel!r}")
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
                user=user,
                data=data,
                client_key=client_key,
                fingerprint=fingerprint,
                channel=data.received_via or channel,
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
    *, user: User, data: AlertInput, client_key: str | None, fingerprint: str, channel: str
) -> Alert:
    now = timezone.now()
    fields = asdict(data)
    fields.pop("extra")
    fields.pop("received_via")  # stored as the channel
    alert = Alert.objects.create(
        reference=_next_reference(timezone.localtime(now).year),
        client_key=client_key,
        payload_hash=fingerprint,
        channel=channel,
        logged_by=user,
        created_at=now,
        urgency_rank=URGENCY_RANK.get(data.urgency, 3),
        severity_rank=SEVERITY_RANK.get(data.severity, 3),
        **base_fields(data.latitude, data.longitude),
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
    try:
        signals.routing_requested.send(sender=Alert, alert_id=alert_id)
    except Exception as exc:  # the broker is down or unreachable: the sweep will route it
        logger.warning("Alert %s left pending for the sweep: %s", alert_id, exc)
        AlertDispatch.objects.filter(alert_id=alert_id, state=AlertDispatch.State.PENDING).update(
            last_error=str(exc)[:500]
        )
        return False
    return True
