"""Who is told, and when: the flash notification of Immediate and Extreme alerts, and the
escalation of urgent alerts nobody acknowledges, tier after tier, until someone does.

The flash notification happens once per alert whatever runs it (a task delivered twice, the
periodic sweep): it is recorded on the timeline under the alert's lock.

Escalation follows the policy of the alert's queue (EscalationPolicy, or DEFAULT_TIERS for a
queue without one): ordered tiers, each a delay after routing and who is told, then the last
tier again every `repeat_minutes` until the alert leaves the queued state. The steps of an
alert are numbered 0, 1, 2...: step n < len(tiers) is tier n, any later step is a repeat of
the last tier. `Alert.escalation_step` counts the steps taken.

Each step is claimed once by a conditional update of that counter
(`UPDATE ... SET escalation_step = <due + 1> WHERE escalation_step = <seen> AND status =
'queued'`): of two sweeps that saw the same counter, the second finds it moved (on PostgreSQL
it waits for the first's row lock, then re-reads the row) and updates nothing, so it sends
nothing. A counter on the alert rather than a table of steps: the sweep and the queue page
read it anyway, and one row per alert keeps the claim a single indexed update.

After the scheduler was down, the next sweep takes only the step due now (the highest tier
reached, at the repeat it would be at), and the event records the steps it skipped: one email
per recipient, never a burst of every missed one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import notifications, selectors, signals, texts
from alerts.geo import is_near_base
from alerts.models import (
    Alert,
    AlertEvent,
    EscalationPolicy,
    EscalationRecipients,
    EscalationTier,
    Severity,
    TriangulationQueue,
    Urgency,
)
from alerts.notifications import Recipient
from alerts.services import rota
from clas.models import Role, User
from core import metrics
from core.exceptions import PermissionRefused
from core.logging import log_bind, log_context

# One logger for the whole alert pipeline: operators follow "alerts.services" in the logs.
logger = logging.getLogger("alerts.services")

Who = EscalationRecipients

# The alerts one sweep escalates at most: the rest wait for the next run, a minute later.
SWEEP_BATCH = 200
MAX_TIERS = 10
MIN_REPEAT_MINUTES = 5
MAX_REPEAT_MINUTES = 24 * 60
MAX_DELAY_MINUTES = 7 * 24 * 60


# --- flash notification -------------------------------------------------------------------


def flash_recipients(alert: Alert, *, on_duty: User | None = None) -> list[Recipient]:
    """The officer on duty (`on_duty`, from the queue's rota) first, then the queue's officers
    and the coordinators of the alert's field office, each with the language they read."""
    people = User.objects.none()
    if alert.queue_id:
        people = alert.queue.officers.exclude(email="")
    office_id = alert.location.field_office_id or alert.location_id
    coordinators = User.objects.filter(
        role=Role.COORDINATOR, field_office_id=office_id, is_active=True
    ).exclude(email="")
    rows = [
        *people.values_list("email", "language"),
        *coordinators.values_list("email", "language"),
    ]
    # One email per address, whoever else has it.
    everyone = sorted({email: Recipient(email, language) for email, language in rows}.values())
    if on_duty is None or not on_duty.email:
        return everyone
    first = Recipient(on_duty.email, on_duty.language)
    return [first, *(r for r in everyone if r.email != first.email)]


def flash_notification_enqueue(*, alert_id: int) -> None:
    """After the routing of a flash alert is committed: queue its notification."""
    try:
        signals.flash_notification_requested.send(sender=Alert, alert_id=alert_id)
    except Exception as exc:  # broker down: the sweep notifies unsent flash alerts later
        logger.warning("Flash notification of alert %s deferred: %s", alert_id, exc)


@log_context()
def alert_notify_flash(*, alert_id: int) -> bool:
    """Email the officers and coordinators about an Immediate or Extreme alert, once."""
    with transaction.atomic():
        alert = (
            # Only the alert row: PostgreSQL cannot lock the nullable side of the queue join.
            Alert.objects.select_for_update(of=("self",), no_key=True)
            .select_related("location", "category", "queue")
            .get(pk=alert_id)
        )
        log_bind(alert=alert.reference)
        if alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).exists():
            return False
        on_duty = rota.duty_officer(alert.queue) if alert.queue_id else None
        recipients = flash_recipients(alert, on_duty=on_duty)
        if recipients:
            notifications.send_flash_alert_email(
                alert=alert, recipients=recipients, on_duty=on_duty
            )
        AlertEvent.objects.create(
            alert=alert,
            kind=AlertEvent.Kind.NOTIFIED,
            data={
                "recipients": len(recipients),
                **texts.coded(texts.NOTIFIED, count=len(recipients)),
            },
        )
    return True


# --- escalation policies ------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    delay_minutes: int
    recipients: str  # EscalationRecipients


@dataclass(frozen=True)
class Policy:
    tiers: tuple[Tier, ...]
    repeat_minutes: int
    stored: bool = False  # False: the default, the queue has no policy of its own
    # False for an alert urgent only because it is near a base: no flash email at routing.
    flash_sent: bool = True

    @property
    def first_step(self) -> int:
        """The first step the sweep takes: a first tier telling the queue's officers at once
        is the flash email sent at routing, never a second email."""
        first = self.tiers[0]
        at_routing = first.delay_minutes == 0 and first.recipients == Who.OFFICERS
        return 1 if (at_routing and self.flash_sent) else 0

    def tier_of(self, step: int) -> tuple[int, int]:
        """(tier number, repeat count) of a step."""
        last = len(self.tiers) - 1
        return (step, 0) if step <= last else (last, step - last)

    def due_at(self, start: dt.datetime, step: int) -> dt.datetime:
        number, repeat = self.tier_of(step)
        minutes = self.tiers[number].delay_minutes + repeat * self.repeat_minutes
        return start + dt.timedelta(minutes=minutes)

    def step_due(self, start: dt.datetime, now: dt.datetime) -> int | None:
        """The highest step due at `now`, None before the first tier."""
        elapsed = (now - start).total_seconds() / 60
        reached = [n for n, tier in enumerate(self.tiers) if tier.delay_minutes <= elapsed]
        if not reached:
            return None
        last = len(self.tiers) - 1
        if reached[-1] < last:
            return reached[-1]
        return last + int((elapsed - self.tiers[last].delay_minutes) // self.repeat_minutes)


# Every queue's policy unless an admin sets another: the queue's officers at routing (the
# flash email), the officer on duty at 10 minutes, the senior officer at 15, the operations
# centre at 30, then the operations centre again every 30 minutes.
DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(0, Who.OFFICERS),
    Tier(10, Who.ON_DUTY),
    Tier(15, Who.SENIOR_OFFICER),
    Tier(30, Who.OPERATIONS_CENTRE),
)
DEFAULT_REPEAT_MINUTES = 30


def available_recipients(queue: TriangulationQueue, *, operations_centre_email: str) -> set[str]:
    """Who a tier of this queue may tell: a senior officer and an operations centre only if
    the queue has one."""
    available = {Who.OFFICERS, Who.ON_DUTY}
    if queue.senior_officer_id:
        available.add(Who.SENIOR_OFFICER)
    if operations_centre_email:
        available.add(Who.OPERATIONS_CENTRE)
    return {str(who) for who in available}


def default_policy(queue: TriangulationQueue) -> Policy:
    """The default tiers this queue's people allow."""
    available = available_recipients(queue, operations_centre_email=queue.operations_centre_email)
    tiers = tuple(t for t in DEFAULT_TIERS if t.recipients in available)
    return Policy(tiers, DEFAULT_REPEAT_MINUTES)


def escalation_policy_of(queue: TriangulationQueue) -> Policy:
    stored = EscalationPolicy.objects.filter(queue=queue).first()
    if stored is None:
        return default_policy(queue)
    tiers = tuple(Tier(t.delay_minutes, t.recipients) for t in stored.tiers.order_by("number"))
    if not tiers:  # never saved so, but a policy without tiers must not stop escalation
        return default_policy(queue)
    return Policy(tiers, stored.repeat_minutes, stored=True)


def is_urgent(alert: Alert) -> bool:
    """Escalates when nobody acknowledges it: Immediate, or Extreme whatever its urgency, or
    near a base (alerts.geo.NEAR_BASE_KM) whatever its urgency and severity. An alert merged
    into a case never escalates: its case's lead does."""
    if alert.case_lead_id is not None:
        return False
    return (
        alert.urgency == Urgency.IMMEDIATE
        or alert.severity == Severity.EXTREME
        or is_near_base(alert)
    )


URGENT = selectors.URGENT  # what escalates, as the selectors count it

# An alert near a base escalates on the shortest delays: each tier of its queue's policy
# comes at the latest this many minutes after routing (by tier order; later tiers 5 minutes
# apart), and the last tier is repeated at least every 5 minutes.
NEAR_BASE_TIER_DELAYS = (0, 5, 10, 15)
NEAR_BASE_REPEAT_MINUTES = 5


def _near_base_cap(number: int) -> int:
    last = len(NEAR_BASE_TIER_DELAYS) - 1
    if number <= last:
        return NEAR_BASE_TIER_DELAYS[number]
    return NEAR_BASE_TIER_DELAYS[last] + (number - last) * NEAR_BASE_REPEAT_MINUTES


def alert_policy(alert: Alert, policy: Policy | None = None) -> Policy:
    """The policy an alert escalates on: its queue's (or `policy`, already read), on the
    shortest delays when the alert is near a base. Capping each tier of a strictly rising
    sequence by a strictly rising one keeps it strictly rising."""
    policy = policy or escalation_policy_of(alert.queue)
    if not is_near_base(alert):
        return policy
    tiers = tuple(
        Tier(min(tier.delay_minutes, _near_base_cap(n)), tier.recipients)
        for n, tier in enumerate(policy.tiers)
    )
    return Policy(
        tiers,
        min(policy.repeat_minutes, NEAR_BASE_REPEAT_MINUTES),
        stored=policy.stored,
        flash_sent=alert.urgency == Urgency.IMMEDIATE or alert.severity == Severity.EXTREME,
    )


def _start(alert: Alert) -> dt.datetime:
    return alert.routed_at or alert.created_at


def escalation_schedule(*, alert: Alert) -> None:
    """At routing, inside its transaction: when the alert's first escalation step is due.

    The first tier, if it tells the queue's officers at once, counts as taken (the flash
    email)."""
    if alert.status != Alert.Status.QUEUED or alert.queue_id is None or not is_urgent(alert):
        return
    policy = alert_policy(alert)
    first = policy.first_step
    alert.escalation_step = first
    alert.escalation_tier = 0 if first else None
    alert.next_escalation_at = policy.due_at(_start(alert), first)
    Alert.objects.filter(pk=alert.pk).update(
        escalation_step=alert.escalation_step,
        escalation_tier=alert.escalation_tier,
        next_escalation_at=alert.next_escalation_at,
    )


# --- escalation ---------------------------------------------------------------------------


def alert_escalate_overdue(
    *, now: dt.datetime | None = None, limit: int = SWEEP_BATCH
) -> dict[str, int]:
    """Take the escalation step due now of every queued alert whose next step is due."""
    now = now or timezone.now()
    due = (
        Alert.objects.filter(
            status=Alert.Status.QUEUED, next_escalation_at__lte=now, case_lead__isnull=True
        )
        .order_by("next_escalation_at")
        .values_list("pk", flat=True)
    )
    escalated = sum(
        1 for alert_id in list(due[:limit]) if alert_escalate(alert_id=alert_id, now=now)
    )
    return {"escalated": escalated}


@log_context()
def alert_escalate(*, alert_id: int, now: dt.datetime | None = None) -> bool:
    """Take the step of the alert's escalation due at `now`, if one is and nobody took it.

    Returns True when this call took it: claimed by a conditional update of the alert's step
    counter (see the module), the timeline event written and one email sent per recipient in
    the same transaction, so a failed send leaves the step to the next sweep."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = (
            Alert.objects.select_related("queue__sector", "queue__senior_officer")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.status != Alert.Status.QUEUED or alert.queue is None:
            return False
        if not is_urgent(alert):
            if alert.next_escalation_at is not None:
                Alert.objects.filter(pk=alert.pk).update(next_escalation_at=None)
            return False
        policy = alert_policy(alert)
        start = _start(alert)
        seen = alert.escalation_step
        floor = max(seen, policy.first_step)
        due = policy.step_due(start, now)
        if due is None or due < floor:
            # Nothing due yet: keep the sweep's index right (a policy or a routing time changed).
            next_at = policy.due_at(start, floor)
            if alert.next_escalation_at != next_at:
                Alert.objects.filter(pk=alert.pk, escalation_step=seen).update(
                    next_escalation_at=next_at
                )
            return False
        number, repeat = policy.tier_of(due)
        claimed = Alert.objects.filter(
            pk=alert.pk, status=Alert.Status.QUEUED, escalation_step=seen
        ).update(
            escalation_step=due + 1,
            escalation_tier=number,
            next_escalation_at=policy.due_at(start, due + 1),
            escalated_at=Coalesce("escalated_at", now),
        )
        if not claimed:
            return False
        alert.refresh_from_db()
        log_bind(alert=alert.reference)
        missed = [list(policy.tier_of(step)) for step in range(floor, due)]
        _take_step(alert, policy.tiers[number], number, repeat, missed, now)
    metrics.alert_escalated()
    if missed:
        logger.warning("Alert %s escalated late: %d step(s) missed", alert.reference, len(missed))
    return True


def _take_step(
    alert: Alert, tier: Tier, number: int, repeat: int, missed: list[list[int]], now: dt.datetime
) -> None:
    recipients, user_ids, fallback = escalation_recipients(alert, tier.recipients, now=now)
    waited = now - _start(alert)
    for recipient in recipients:
        notifications.send_escalation_email(
            alert=alert,
            recipient=recipient,
            tier=number,
            repeat=repeat,
            who=tier.recipients,
            waited=waited,
        )
    params = {
        "tier": number,
        "who": _in_every_language(lambda: _who_text(tier.recipients, repeat)),
        "minutes": int(waited.total_seconds() // 60),
        "count": len(recipients),
    }
    if missed:
        coded = texts.coded(texts.ESCALATED_STEP_LATE, missed=len(missed), **params)
    else:
        coded = texts.coded(texts.ESCALATED_STEP, **params)
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.ESCALATED,
        at=now,
        from_status=alert.status,
        to_status=alert.status,
        data={
            "tier": number,
            "repeat": repeat,
            "recipients": tier.recipients,
            "told": len(recipients),
            "user_ids": user_ids,
            "fallback": fallback,
            "missed": missed,
            **coded,
        },
    )


def _who_text(recipients: str, repeat: int) -> str:
    label = str(Who(recipients).label)
    if repeat:
        return _("%(who)s, reminder %(repeat)s") % {"who": label, "repeat": repeat}
    return label


def _in_every_language(text: object) -> dict[str, str]:
    words = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words[code] = text()  # type: ignore[operator]
    return words


def escalation_recipients(
    alert: Alert, who: str, *, now: dt.datetime | None = None
) -> tuple[list[Recipient], list[int], bool]:
    """Who a tier tells at `now`, each with their language; the ids of the users among them;
    and whether nobody of that tier could be told so the queue's officers were told instead."""
    queue = alert.queue
    officers = queue.officers.filter(is_active=True).exclude(email="")
    people = User.objects.none()
    extra: list[Recipient] = []
    if who == Who.OFFICERS:
        people = officers
    elif who == Who.ON_DUTY:
        # The queue's officer on duty by its rota at the moment of the step.
        on_duty = rota.duty_officer(queue, now or timezone.now())
        if on_duty is not None and on_duty.email:
            people = User.objects.filter(pk=on_duty.pk)
        else:
            # Nobody on the rota: the Force officers of the sector who are officers of one of
            # its queues (alerts.permissions.is_force_officer_on_duty).
            people = (
                User.objects.filter(
                    role=Role.FORCE,
                    sector_id=queue.sector_id,
                    is_active=True,
                    queues__sector_id=queue.sector_id,
                )
                .exclude(email="")
                .distinct()
            )
        if not people.exists():
            people = officers
    elif who == Who.SENIOR_OFFICER:
        people = User.objects.filter(pk=queue.senior_officer_id or 0, is_active=True).exclude(
            email=""
        )
    elif who == Who.OPERATIONS_CENTRE and queue.operations_centre_email:
        extra = [Recipient(queue.operations_centre_email, queue.operations_centre_language)]
    rows = list(people.values_list("pk", "email", "language"))
    fallback = not rows and not extra
    if fallback:
        # The tier's people are gone (no senior officer any more, no address): nobody must
        # go untold, so the queue's officers are.
        logger.warning("Alert %s: nobody to tell at tier %s, officers told", alert.reference, who)
        rows = list(officers.values_list("pk", "email", "language"))
    by_email = {email: Recipient(email, language) for _pk, email, language in rows}
    for recipient in extra:
        by_email.setdefault(recipient.email, recipient)
    return sorted(by_email.values()), sorted({pk for pk, _e, _l in rows}), fallback


# --- editing a policy (mission admins) ----------------------------------------------------


def may_manage_escalation(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN)
    )


def check_may_manage_escalation(user: User) -> None:
    if not may_manage_escalation(user):
        raise PermissionRefused(_("Only mission admins change escalation policies."))


class PolicyInvalid(ValidationError):
    """What is wrong with a policy: `fields` for the policy's own fields and the list of tiers
    as a whole ("tiers"), `rows` per tier (its index in the list sent) and field."""

    def __init__(self, fields: dict[str, list[str]], rows: dict[int, dict[str, list[str]]]) -> None:
        self.fields = fields
        self.rows = rows
        flat = dict(fields)
        for index, errors in rows.items():
            for name, messages in errors.items():
                flat[f"tiers.{index}.{name}"] = messages
        super().__init__(flat)


@dataclass(frozen=True)
class PolicyInput:
    repeat_minutes: int | None
    tiers: Sequence[tuple[int | None, str]]  # (delay in minutes, who is told), in order
    operations_centre_email: str = ""
    operations_centre_language: str = settings.LANGUAGE_CODE


def escalation_policy_check(queue: TriangulationQueue, data: PolicyInput) -> None:
    """Raise PolicyInvalid with every error of the input, field by field."""
    fields: dict[str, list[str]] = {}
    rows: dict[int, dict[str, list[str]]] = {}
    email = data.operations_centre_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fields["operations_centre_email"] = [_("Enter a valid email address.")]
    if data.operations_centre_language not in {code for code, _n in settings.LANGUAGES}:
        fields["operations_centre_language"] = [_("Choose one of the languages offered.")]
    repeat = data.repeat_minutes
    if repeat is None:
        fields["repeat_minutes"] = [_("Say how often the last tier is repeated.")]
    elif not MIN_REPEAT_MINUTES <= repeat <= MAX_REPEAT_MINUTES:
        fields["repeat_minutes"] = [
            _("Repeat every %(min)s to %(max)s minutes.")
            % {"min": MIN_REPEAT_MINUTES, "max": MAX_REPEAT_MINUTES}
        ]
    if not data.tiers:
        fields["tiers"] = [_("Give at least one tier.")]
    elif len(data.tiers) > MAX_TIERS:
        fields["tiers"] = [_("Give at most %(max)s tiers.") % {"max": MAX_TIERS}]
    available = available_recipients(queue, operations_centre_email=email)
    previous: int | None = None
    for index, (delay, who) in enumerate(data.tiers):
        errors: dict[str, list[str]] = {}
        if delay is None:
            errors["delay_minutes"] = [_("Say after how many minutes this tier is told.")]
        elif not 0 <= delay <= MAX_DELAY_MINUTES:
            errors["delay_minutes"] = [
                _("The delay is 0 to %(max)s minutes.") % {"max": MAX_DELAY_MINUTES}
            ]
        elif previous is not None and delay <= previous:
            errors["delay_minutes"] = [
                _("Each tier comes later than the one before: more than %(previous)s minutes.")
                % {"previous": previous}
            ]
        if who not in Who.values:
            errors["recipients"] = [_("Choose who is told.")]
        elif who not in available:
            errors["recipients"] = [
                _("This queue has no senior officer.")
                if who == Who.SENIOR_OFFICER
                else _("Give the operations centre's email address first.")
            ]
        if delay is not None and errors.get("delay_minutes") is None:
            previous = delay
        if errors:
            rows[index] = errors
    if fields or rows:
        raise PolicyInvalid(fields, rows)


@transaction.atomic
def escalation_policy_update(
    *, queue_id: int, user: User, data: PolicyInput, now: dt.datetime | None = None
) -> EscalationPolicy:
    """Replace the policy of a queue (and its operations centre), then move the next step of
    its queued alerts to the new policy's times. Nothing is saved if anything is wrong."""
    check_may_manage_escalation(user)
    queue = TriangulationQueue.objects.select_for_update().get(pk=queue_id)
    escalation_policy_check(queue, data)
    queue.operations_centre_email = data.operations_centre_email.strip()
    queue.operations_centre_language = data.operations_centre_language
    queue.save(update_fields=["operations_centre_email", "operations_centre_language"])
    policy, _created = EscalationPolicy.objects.update_or_create(
        queue=queue,
        defaults={"repeat_minutes": data.repeat_minutes, "updated_at": now or timezone.now()},
    )
    policy.tiers.all().delete()
    EscalationTier.objects.bulk_create(
        EscalationTier(policy=policy, number=n, delay_minutes=delay, recipients=who)
        for n, (delay, who) in enumerate(data.tiers)
    )
    _reschedule_queue(queue)
    logger.info("Escalation policy of queue %s changed by user %s", queue.code, user.pk)
    return policy


def _reschedule_queue(queue: TriangulationQueue) -> None:
    """The next step of each urgent alert waiting on the queue, by the new policy; one past
    due is taken by the next sweep (only that one, as after any gap)."""
    policy = escalation_policy_of(queue)
    waiting = Alert.objects.filter(queue=queue, status=Alert.Status.QUEUED).filter(URGENT)
    for alert in waiting:
        escalation_reschedule(alert=alert, policy=policy)


def escalation_reschedule(*, alert: Alert, policy: Policy | None = None) -> None:
    """When the next step of a queued alert is due, after its queue's policy or what makes
    it urgent (urgency, severity, distance to a base) changed: the steps already taken stay
    taken, the next comes by the new timing (at once if already past)."""
    if alert.status != Alert.Status.QUEUED or alert.queue_id is None or not is_urgent(alert):
        return
    if alert.escalation_step == 0 and alert.next_escalation_at is None:
        escalation_schedule(alert=alert)
        return
    own = alert_policy(alert, policy)
    step = max(alert.escalation_step, own.first_step)
    alert.next_escalation_at = own.due_at(_start(alert), step)
    Alert.objects.filter(pk=alert.pk).update(next_escalation_at=alert.next_escalation_at)


# --- what the queue page and the API show ---------------------------------------------------


@dataclass(frozen=True)
class EscalationState:
    tier: int | None  # the tier reached, None before the first
    who: str | None  # EscalationRecipients of that tier
    next_at: dt.datetime | None
    left: dt.timedelta | None  # until the next step (negative: due, the sweep is behind)


def escalation_states(
    alerts: Sequence[Alert], *, now: dt.datetime | None = None
) -> dict[int, EscalationState]:
    """The escalation of each urgent queued alert among `alerts`, by alert id (one query per
    queue among them)."""
    now = now or timezone.now()
    policies: dict[int, Policy] = {}
    states: dict[int, EscalationState] = {}
    for alert in alerts:
        if alert.status != Alert.Status.QUEUED or alert.queue_id is None or not is_urgent(alert):
            continue
        if alert.queue_id not in policies:
            policies[alert.queue_id] = escalation_policy_of(alert.queue)
        tiers = policies[alert.queue_id].tiers
        tier = alert.escalation_tier
        who = tiers[min(tier, len(tiers) - 1)].recipients if tier is not None else None
        next_at = alert.next_escalation_at
        left = next_at - now if next_at is not None else None
        states[alert.pk] = EscalationState(tier, who, next_at, left)
    return states
