"""Writes of the SMS channel.

In: `incoming_receive` stores what Kannel hands over (at once, keyed by the gateway's message
id: a message delivered twice is one row), `incoming_process` reads it in a worker and turns
it into an alert through alerts.services.alert_create, as the page form does, or leaves it in
the review inbox with a reason; `incoming_convert` and `incoming_discard` are the
coordinator's two ways out of the inbox.

Out: `outgoing_queue` saves a message with a key of its purpose (one reply per message
received), `outgoing_send` hands it to Kannel with retries and backoff, and gives up into the
dead letters; `delivery_report_record` keeps what the network said.

`sms_sweep` sends again what a broker outage or a dead worker left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import services as alert_services
from alerts.models import Alert, AlertEvent, Channel, Severity, ThreatCategory, Urgency
from alerts.selectors import alert_followers
from alerts.services import AlertInput
from alerts.validators import has_markup, markup_message
from clas.models import Location, User
from clas.phones import normalize_phone
from core.exceptions import DomainError, IdempotencyConflict, InvalidTransition, PermissionRefused
from core.logging import log_context
from sms import gateway, permissions, replies, signals
from sms.models import DeliveryReport, IncomingMessage, OptIn, OutgoingMessage
from sms.parser import ParsedAck, ParsedAlert, ParseError, Vocabulary, is_binary, parse
from sms.selectors import inbox_list
from sms.senders import Sender, sender_resolve

logger = logging.getLogger("sms.services")

DEFAULT_LANGUAGE = "fr"  # the field's first language, when neither the message nor the person tells
MAX_STORED_TEXT = 5000  # what is kept of a message; longer ones are refused as too long anyway
MAX_ATTEMPTS = 8  # attempts to hand a message to Kannel before it goes to the dead letters
RETRY_BASE_SECONDS = 30  # 30 s, 1 min, 2 min... between attempts
RETRY_MAX_SECONDS = 15 * 60
SWEEP_INCOMING_AFTER = dt.timedelta(seconds=60)  # a message not read by then was lost on the way
SWEEP_SENDING_AFTER = dt.timedelta(minutes=10)  # a worker that claimed a message and died
SWEEP_BATCH = 500
_CLIENT_KEY = re.compile(r"^[A-Za-z0-9-]{1,60}$")

Reason = IncomingMessage.Reason
State = IncomingMessage.State
Out = OutgoingMessage.State


def _enqueue(signal: object, **kwargs: object) -> None:
    """Send a signal to the workers; a broker that is down leaves the row for the sweep."""
    try:
        signal.send(sender=IncomingMessage, **kwargs)  # type: ignore[attr-defined]
    except Exception as exc:  # the broker is down: sms_sweep sends it again
        logger.warning("SMS work left for the sweep (%s): %s", kwargs, exc)


# --- vocabulary ---------------------------------------------------------------------------


def vocabulary() -> Vocabulary:
    """The words a message may use, read from the active locations and categories."""
    return Vocabulary.build(
        locations=Location.objects.filter(is_active=True).values_list("pk", "code", "name"),
        categories=ThreatCategory.objects.filter(is_active=True).values_list(
            "pk", "code", "name_en", "name_fr"
        ),
    )


# --- in: what Kannel hands over -----------------------------------------------------------


def incoming_receive(
    *,
    gateway_id: str,
    sender: str,
    text: str,
    receiver: str = "",
    coding: int = 0,
    smsc: str = "",
    sent_at: dt.datetime | None = None,
) -> tuple[IncomingMessage, bool]:
    """Store a message from the gateway, once per gateway id. Returns (message, created).

    A number that has sent more than SMS_RATE_LIMIT messages in SMS_RATE_WINDOW seconds is
    not read any more: its messages go straight to the review inbox, kept, never answered.
    """
    now = timezone.now()
    sender, receiver, smsc = _printable(sender), _printable(receiver), _printable(smsc)
    existing = IncomingMessage.objects.filter(gateway_id=gateway_id).first()
    if existing is not None:
        _enqueue_if_waiting(existing)
        return existing, False
    number = normalize_phone(sender) or ""
    coding = coding if coding in (0, 1, 2) else 0
    if coding != 1 and is_binary(text):
        # Control characters are not text a person typed, and PostgreSQL keeps no NUL: kept
        # as hexadecimal, as 8-bit data is, for the review inbox.
        text, coding = text.encode("utf-8", "replace").hex(), 1
    fields = {
        "sender_raw": sender[:64],
        "sender": number,
        "receiver": receiver[:64],
        "text": text[:MAX_STORED_TEXT],
        "coding": coding,
        "smsc": smsc[:64],
        # A phone's clock may be ahead: never a message from the future.
        "received_at": min(sent_at, now) if sent_at else now,
        "created_at": now,
    }
    if _over_rate_limit(number or sender, now):
        fields.update(
            state=State.REVIEW,
            reason=Reason.RATE_LIMITED,
            processed_at=now,
            detail=_("More than %(limit)s messages in %(minutes)s minutes from this number.")
            % {"limit": settings.SMS_RATE_LIMIT, "minutes": settings.SMS_RATE_WINDOW // 60},
        )
    try:
        with transaction.atomic():
            message = IncomingMessage.objects.create(gateway_id=gateway_id, **fields)
    except IntegrityError:
        # The same message delivered twice at the same moment: the other request stored it.
        return IncomingMessage.objects.get(gateway_id=gateway_id), False
    _enqueue_if_waiting(message)
    return message, True


def _printable(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable())


def _over_rate_limit(sender: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(seconds=settings.SMS_RATE_WINDOW)
    field = "sender" if sender.startswith("+") else "sender_raw"
    recent = IncomingMessage.objects.filter(**{field: sender, "created_at__gte": since})
    return recent.count() >= settings.SMS_RATE_LIMIT


def _enqueue_if_waiting(message: IncomingMessage) -> None:
    if message.state == State.RECEIVED:
        transaction.on_commit(
            lambda: _enqueue(signals.incoming_received, message_id=message.pk), robust=True
        )


# --- in: read by a worker -----------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    state: str
    reason: str = ""
    detail: str = ""
    reply: str = ""
    alert: Alert | None = None


def incoming_process(*, message_id: int) -> str:
    """Turn a stored message into an alert, or into the review inbox; answer the sender.

    Runs once per message whatever happens (the row is locked and must still be `received`);
    returns the state it ends in."""
    with transaction.atomic():
        message = IncomingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != State.RECEIVED:
            return message.state if message else "missing"
        sender = sender_resolve(message.sender)
        result = ParseError("binary") if message.coding == 1 else parse(message.text, vocabulary())
        language = result.language or sender.language or DEFAULT_LANGUAGE
        message.language = language
        message.sender_user = sender.user
        message.sender_focal_point = sender.focal_point
        message.location_id = sender.location_id
        with translation.override(language), log_context():
            outcome = _outcome(message, sender, result)
        message.state = outcome.state
        message.reason = outcome.reason
        message.detail = outcome.detail
        message.alert = outcome.alert
        message.attempts = F("attempts") + 1
        message.processed_at = timezone.now()
        message.save()
        if outcome.reply:
            _reply(message, outcome.reply, key=f"reply:{message.pk}", alert=outcome.alert)
    logger.info(
        "SMS %s from %s: %s %s",
        message.gateway_id,
        message.sender or message.sender_raw,
        outcome.state,
        outcome.alert.reference if outcome.alert else outcome.reason,
    )
    return outcome.state


def _outcome(
    message: IncomingMessage, sender: Sender, result: ParsedAlert | ParsedAck | ParseError
) -> _Outcome:
    if sender.ambiguous:
        return _review(Reason.AMBIGUOUS_SENDER, replies.received_for_review())
    if isinstance(result, ParseError):
        reason = {"too_long": Reason.TOO_LONG, "binary": Reason.BINARY}.get(
            result.code, Reason.UNPARSEABLE
        )
        if not sender.known:
            return _review(
                Reason.UNKNOWN_SENDER,
                replies.unknown_number(),
                detail=replies.parse_problem(result),
            )
        problem = replies.parse_problem(result)
        return _review(reason, problem, detail=problem)
    if isinstance(result, ParsedAck):
        return _acknowledge(message, sender, result)
    if result.location_id is not None:
        message.location_id = result.location_id
    if not sender.known:
        return _review(Reason.UNKNOWN_SENDER, replies.unknown_number())
    if sender.user is None:
        return _review(Reason.NO_CLA, replies.received_for_review())
    location_id = result.location_id or sender.location_id
    if location_id is None:
        problem = replies.parse_problem(ParseError("location", "ICI"))
        return _review(Reason.REJECTED, problem, detail=problem)
    data = _alert_input(message, sender, result, location_id)
    try:
        alert, _created = alert_services.alert_create(
            user=sender.user, data=data, client_key=client_key(message), channel=Channel.SMS
        )
    except ValidationError as exc:
        problem = " ".join(exc.messages)
        return _review(Reason.REJECTED, replies.rejected(problem), detail=problem)
    except (PermissionRefused, IdempotencyConflict) as exc:
        return _review(Reason.NOT_ALLOWED, replies.received_for_review(), detail=exc.message)
    return _Outcome(State.ALERTED, alert=alert, reply=replies.alert_created(alert.reference))


def _review(reason: str, reply: str, *, detail: str = "") -> _Outcome:
    return _Outcome(State.REVIEW, reason=reason, detail=detail, reply=reply)


def client_key(message: IncomingMessage) -> str:
    """The alert's client key: the gateway's message id, so a message read twice is one alert."""
    if _CLIENT_KEY.match(message.gateway_id):
        return f"sms-{message.gateway_id}"
    return f"sms-{hashlib.sha256(message.gateway_id.encode()).hexdigest()[:40]}"


def _alert_input(
    message: IncomingMessage, sender: Sender, result: ParsedAlert, location_id: int
) -> AlertInput:
    source: dict[str, object] = {"source_type": Alert.SourceType.OTHER}
    point = sender.focal_point
    if point is not None:
        source = {
            "source_type": Alert.SourceType.OTHER,
            "source_name": point.name,
            "source_contact": message.sender,
        }
        if point.network.location_id == location_id:
            source.update(source_type=Alert.SourceType.CAN_MEMBER, source_can_id=point.network_id)
    return AlertInput(
        location_id=location_id,
        category_id=result.category_id,
        urgency=result.urgency,
        description=result.description,
        description_language=message.language,
        occurred_at=message.received_at,
        reported_at=message.received_at,
        **source,  # type: ignore[arg-type]
    )


def _acknowledge(message: IncomingMessage, sender: Sender, result: ParsedAck) -> _Outcome:
    """ACK <reference> from an officer: the triage service's acknowledgement, as on the queue."""
    if sender.user is None or sender.focal_point is not None:
        return _review(Reason.NOT_ALLOWED, replies.received_for_review())
    reference = result.reference(timezone.localtime(message.received_at).year)
    alert = Alert.objects.filter(reference=reference).only("pk", "reference").first()
    if alert is None:
        problem = replies.unknown_reference(reference)
        return _review(Reason.UNPARSEABLE, problem, detail=problem)
    try:
        alert_services.alert_acknowledge(alert_id=alert.pk, user=sender.user, note=_("By SMS."))
    except Http404:
        problem = replies.unknown_reference(reference)
        return _review(Reason.NOT_ALLOWED, problem, detail=problem)
    except DomainError as exc:
        return _review(
            Reason.NOT_ALLOWED, replies.ack_refused(reference, exc.message), detail=exc.message
        )
    return _Outcome(State.ACKNOWLEDGED, alert=alert, reply=replies.acknowledged(reference))


def _reply(
    message: IncomingMessage, text: str, *, key: str, alert: Alert | None = None
) -> OutgoingMessage | None:
    """Answer the sender, when the sender is a number that can be answered."""
    if not message.sender:
        return None
    return outgoing_queue(
        key=key,
        to=message.sender,
        text=text,
        language=message.language,
        incoming=message,
        alert=alert,
    )


# --- the review inbox ---------------------------------------------------------------------


def _lock_for_review(*, message_id: int, user: User) -> IncomingMessage:
    message = inbox_list(user=user).select_for_update(of=("self",)).filter(pk=message_id).first()
    if message is None:
        raise Http404
    permissions.check_may_review(user)
    if message.state != State.REVIEW:
        raise InvalidTransition(
            _("This message was already dealt with (%(state)s).")
            % {"state": message.get_state_display()}
        )
    return message


@transaction.atomic
def incoming_convert(*, message_id: int, user: User, data: AlertInput) -> Alert:
    """A coordinator turns a message of the inbox into an alert, logged by them through the
    intake service; the sender is told the reference."""
    message = _lock_for_review(message_id=message_id, user=user)
    alert, _created = alert_services.alert_create(
        user=user, data=data, client_key=client_key(message), channel=Channel.SMS
    )
    message.state = State.CONVERTED
    message.alert = alert
    message.reviewed_by = user
    message.reviewed_at = timezone.now()
    message.save(update_fields=["state", "alert", "reviewed_by", "reviewed_at"])
    with translation.override(message.language or DEFAULT_LANGUAGE):
        text = replies.converted(alert.reference)
    _reply(message, text, key=f"converted:{message.pk}", alert=alert)
    return alert


@transaction.atomic
def incoming_discard(*, message_id: int, user: User, reason: str) -> IncomingMessage:
    """A coordinator discards a message of the inbox, saying why (kept, never deleted)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the message is discarded."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("Keep the reason under 1000 characters."), field="reason")
    if has_markup(reason):
        raise DomainError(markup_message(_("Reason")), field="reason")
    message = _lock_for_review(message_id=message_id, user=user)
    message.state = State.DISCARDED
    message.discard_reason = reason
    message.reviewed_by = user
    message.reviewed_at = timezone.now()
    message.save(update_fields=["state", "discard_reason", "reviewed_by", "reviewed_at"])
    return message


# --- out ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    state: str
    retry_in: int | None = None  # seconds before the next attempt; None: nothing more to do


def outgoing_queue(
    *,
    key: str,
    to: str,
    text: str,
    language: str = "",
    kind: str = OutgoingMessage.Kind.REPLY,
    incoming: IncomingMessage | None = None,
    alert: Alert | None = None,
) -> OutgoingMessage:
    """Save a message to send, once per key, and hand it to a worker after the commit."""
    message, created = OutgoingMessage.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "text": text,
            "language": language,
            "kind": kind,
            "incoming": incoming,
            "alert": alert,
        },
    )
    if created:
        transaction.on_commit(
            lambda: _enqueue(signals.outgoing_queued, message_id=message.pk), robust=True
        )
    return message


def _retry_delay(attempts: int) -> int:
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)


def outgoing_send(*, message_id: int) -> SendOutcome:
    """Hand a queued message to Kannel. Claimed with a conditional update, so two workers
    never send the same message; without a gateway the message is written to the log."""
    now = timezone.now()
    claimed = OutgoingMessage.objects.filter(pk=message_id, state=Out.QUEUED).update(
        state=Out.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=None
    )
    message = OutgoingMessage.objects.filter(pk=message_id).first()
    if message is None:
        return SendOutcome("missing")
    if not claimed:
        return SendOutcome(message.state)
    if not gateway.is_configured():
        logger.info("SMS to %s (no gateway configured, not sent): %s", message.to, message.text)
        _finish(message, Out.LOGGED, sent_at=now)
        return SendOutcome(Out.LOGGED)
    result = gateway.sendsms(to=message.to, text=message.text, dlr_url=_report_url(message))
    if result.accepted:
        _finish(message, Out.SENT, sent_at=timezone.now(), last_error="")
        return SendOutcome(Out.SENT)
    if result.permanent or message.attempts >= MAX_ATTEMPTS:
        logger.error(
            "SMS %s to %s given up after %s attempts: %s",
            message.pk,
            message.to,
            message.attempts,
            result.detail,
        )
        _finish(message, Out.DEAD, dead_at=timezone.now(), last_error=result.detail)
        return SendOutcome(Out.DEAD)
    delay = _retry_delay(message.attempts)
    logger.warning(
        "SMS %s to %s not sent (attempt %s, again in %s s): %s",
        message.pk,
        message.to,
        message.attempts,
        delay,
        result.detail,
    )
    _finish(
        message,
        Out.QUEUED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        last_error=result.detail,
    )
    return SendOutcome(Out.QUEUED, retry_in=delay)


def _finish(message: OutgoingMessage, state: str, **fields: object) -> None:
    # Only from `sending`: a delivery report that arrived while Kannel was still answering
    # has already moved the message on, and must not be undone.
    OutgoingMessage.objects.filter(pk=message.pk, state=Out.SENDING).update(state=state, **fields)


def _report_url(message: OutgoingMessage) -> str:
    path = reverse("sms:kannel_report", kwargs={"pk": message.pk})
    token = gateway.report_token(message.pk)
    return f"{settings.KANNEL_CALLBACK_URL}{path}?token={token}&status=%d&answer=%A"


@transaction.atomic
def outgoing_retry(*, message_id: int, user: User) -> OutgoingMessage:
    """An admin sends a dead letter again, from a fresh count of attempts."""
    permissions.check_may_see_dead_letters(user)
    message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise Http404
    if message.state not in (Out.DEAD, Out.FAILED):
        raise InvalidTransition(
            _("Only a message that was given up or not delivered is sent again.")
        )
    message.state = Out.QUEUED
    message.attempts = 0
    message.dead_at = None
    message.next_attempt_at = None
    message.save(update_fields=["state", "attempts", "dead_at", "next_attempt_at"])
    transaction.on_commit(
        lambda: _enqueue(signals.outgoing_queued, message_id=message.pk), robust=True
    )
    return message


def delivery_report_record(*, message_id: int, status: int, answer: str = "") -> DeliveryReport:
    """Keep a delivery report and move the message on: delivered, or not delivered."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise Http404
        report = DeliveryReport.objects.create(message=message, status=status, answer=answer[:250])
        now = timezone.now()
        if status == DeliveryReport.Status.DELIVERED and message.state != Out.DELIVERED:
            message.state = Out.DELIVERED
            message.delivered_at = now
            message.save(update_fields=["state", "delivered_at"])
        elif status in (
            DeliveryReport.Status.UNDELIVERABLE,
            DeliveryReport.Status.SMSC_REJECTED,
        ) and message.state in (Out.SENDING, Out.SENT):
            message.state = Out.FAILED
            message.dead_at = now
            message.last_error = answer[:500]
            message.save(update_fields=["state", "dead_at", "last_error"])
    return report


# --- notifications to the people who opted in ---------------------------------------------


def user_sms_alerts_set(*, user: User, enabled: bool) -> User:
    """Opt in to (or out of) SMS for Immediate or Extreme alerts and escalations."""
    if enabled and not user.phone:
        raise DomainError(
            _("No phone number is registered for you: ask a mission admin to add it first."),
            field="sms_alerts",
        )
    User.objects.filter(pk=user.pk).update(sms_alerts=enabled)
    user.sms_alerts = enabled
    return user


def user_sms_own_alerts_set(*, user: User, enabled: bool) -> User:
    """Opt in to (or out of) SMS about what happens to the alerts the user follows
    (alerts.selectors.alert_followers): acknowledged, outcome, response, closed."""
    if enabled and not user.phone:
        raise DomainError(
            _("No phone number is registered for you: ask a mission admin to add it first."),
            field="sms_own_alerts",
        )
    OptIn.objects.update_or_create(user=user, defaults={"own_alerts": enabled})
    return user


NOTIFY_WINDOW = dt.timedelta(hours=1)  # the sweep catches up on notifications this recent


def _opted_in(users: QuerySet[User]) -> list[User]:
    return list(users.filter(sms_alerts=True, is_active=True).exclude(phone=""))


def _notify(user: User, alert: Alert, purpose: str, text: Callable[[], str]) -> bool:
    """Queue one notification, once per purpose, alert and person; True when queued now."""
    key = f"{purpose}:{alert.pk}:{user.pk}"
    if OutgoingMessage.objects.filter(key=key).exists():
        return False
    with translation.override(user.language or DEFAULT_LANGUAGE):
        body = text()
    outgoing_queue(
        key=key,
        to=user.phone,
        text=body,
        language=user.language,
        kind=OutgoingMessage.Kind.NOTIFICATION,
        alert=alert,
    )
    return True


def _alert_words(alert: Alert) -> dict[str, str]:
    return {"reference": alert.reference, "location": alert.location.name}


@transaction.atomic
def sms_notify_flash(*, alert_id: int) -> int:
    """An Immediate or Extreme alert was routed: an SMS to each officer of its queue who opted
    in, once each (the key). Returns how many were queued this time."""
    alert = Alert.objects.select_related("location", "category", "queue").get(pk=alert_id)
    if not alert.queue_id or not alert_services.is_flash(alert):
        return 0
    sent = 0
    for officer in _opted_in(alert.queue.officers.all()):
        sent += _notify(
            officer,
            alert,
            "flash",
            lambda: replies.flash_alert(
                category=alert.category.name,
                urgency=str(alert.get_urgency_display()),
                **_alert_words(alert),
            ),
        )
    return sent


@transaction.atomic
def sms_notify_escalation(*, alert_id: int) -> int:
    """An alert nobody acknowledged in time went up to the queue's senior officer: an SMS to
    them, and to the CLA who logged it, if they opted in; once each."""
    alert = Alert.objects.select_related(
        "location", "category", "queue__senior_officer", "logged_by"
    ).get(pk=alert_id)
    if alert.escalated_at is None or not alert.queue_id:
        return 0
    sent = 0
    senior = alert.queue.senior_officer
    if senior is not None and _opted_in(User.objects.filter(pk=senior.pk)):
        sent += _notify(
            senior,
            alert,
            "escalation",
            lambda: replies.escalated_to_officer(
                category=alert.category.name,
                minutes=alert.queue.ack_limit_minutes,
                **_alert_words(alert),
            ),
        )
    if alert.logged_by_id != getattr(senior, "pk", None) and _opted_in(
        User.objects.filter(pk=alert.logged_by_id)
    ):
        sent += _notify(
            alert.logged_by,
            alert,
            "escalation",
            lambda: replies.escalated_to_cla(reference=alert.reference),
        )
    return sent


# What each event the CLA is told about says by SMS (alerts.transitions: tells_cla).
_NEWS_TEXTS: dict[str, Callable[[AlertEvent], str]] = {
    AlertEvent.Kind.ACKNOWLEDGED: lambda e: replies.news_acknowledged(reference=e.alert.reference),
    AlertEvent.Kind.OUTCOME: lambda e: replies.news_outcome(
        reference=e.alert.reference, outcome=e.detail
    ),
    AlertEvent.Kind.RESPONSE: lambda e: replies.news_response(
        reference=e.alert.reference, response=e.detail
    ),
    AlertEvent.Kind.CLOSED: lambda e: replies.news_closed(reference=e.alert.reference),
}


@transaction.atomic
def sms_notify_news(*, event_id: int) -> int:
    """Something happened to an alert (alerts.signals.news_for_cla): an SMS to each CLA who
    follows it and opted in, in their language, once per event and person (the key); not to
    whoever did it. Returns how many were queued this time."""
    event = AlertEvent.objects.select_related("alert__location").filter(pk=event_id).first()
    if event is None or event.kind not in _NEWS_TEXTS:
        return 0
    followers = [u.pk for u in alert_followers(event.alert) if u.pk != event.actor_id]
    people = (
        User.objects.filter(pk__in=followers, sms_opt_in__own_alerts=True, is_active=True)
        .exclude(phone="")
        .order_by("pk")
    )
    text = _NEWS_TEXTS[event.kind]
    return sum(
        _notify(person, event.alert, f"news.{event.pk}", lambda: text(event)) for person in people
    )


def _notify_recent(now: dt.datetime) -> int:
    """Flash and escalation notifications a broker outage kept from the workers (idempotent:
    each message has its key)."""
    since = now - NOTIFY_WINDOW
    flash = Alert.objects.filter(routed_at__gte=since, queue__isnull=False).filter(
        Q(urgency=Urgency.IMMEDIATE) | Q(severity=Severity.EXTREME)
    )
    count = 0
    for alert_id in flash.values_list("pk", flat=True)[:SWEEP_BATCH]:
        count += sms_notify_flash(alert_id=alert_id)
    escalated = Alert.objects.filter(escalated_at__gte=since).values_list("pk", flat=True)
    for alert_id in escalated[:SWEEP_BATCH]:
        count += sms_notify_escalation(alert_id=alert_id)
    return count


# --- the sweep ----------------------------------------------------------------------------


def sms_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send again to the workers what never reached one: messages received but not read,
    replies due but not sent, and replies a dead worker left half-sent."""
    now = now or timezone.now()
    stale = list(
        IncomingMessage.objects.filter(
            state=State.RECEIVED, created_at__lt=now - SWEEP_INCOMING_AFTER
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in stale:
        _enqueue(signals.incoming_received, message_id=pk)
    reclaimed = OutgoingMessage.objects.filter(
        state=Out.SENDING, last_attempt_at__lt=now - SWEEP_SENDING_AFTER
    ).update(state=Out.QUEUED)
    due = list(
        OutgoingMessage.objects.filter(state=Out.QUEUED)
        .filter(
            Q(next_attempt_at__lt=now - SWEEP_INCOMING_AFTER)
            | Q(next_attempt_at__isnull=True, created_at__lt=now - SWEEP_INCOMING_AFTER)
        )
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:
        _enqueue(signals.outgoing_queued, message_id=pk)
    return {
        "incoming": len(stale),
        "outgoing": len(due),
        "reclaimed": reclaimed,
        "notified": _notify_recent(now),
    }
