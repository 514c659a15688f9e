"""Cases: likely duplicates (AlertLink, linked at routing) confirmed by an officer and merged
into one case, or rejected.

A case has one lead, the alert the Force works; the others follow it (`Alert.case_lead`):
they leave the queue, stop escalating, and when the lead is closed or reopened they follow it
with the same outcome, each with a line on its own timeline, so that every CLA who reported
the event is told what happened. Timelines are only added to, never rewritten.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import permissions, signals, texts
from alerts.models import Alert, AlertEvent, AlertLink
from alerts.selectors import alert_list
from alerts.services.escalation import is_urgent
from alerts.transitions import CLOSE, REOPEN
from clas.models import User
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused

# Followers more than this deep are not followed: a chain is one step long by construction.
MAX_CHAIN = 20


def case_root(alert: Alert) -> Alert:
    """The real lead of the case an alert belongs to (itself if it follows none)."""
    seen = {alert.pk}
    while alert.case_lead_id is not None and len(seen) < MAX_CHAIN:
        alert = Alert.objects.select_related("case_lead").get(pk=alert.case_lead_id)
        if alert.pk in seen:
            break
        seen.add(alert.pk)
    return alert


def _lock_pair(*, user: User, alert_id: int, other_id: int) -> tuple[Alert, Alert, AlertLink]:
    """Both alerts locked (in id order: two officers deciding on the same pair wait for each
    other, never deadlock) and the link between them; 404 outside the user's scope."""
    if alert_id == other_id:
        raise DomainError(_("An alert cannot be merged with itself."), field="lead")
    rows = {
        a.pk: a
        for a in alert_list(user=user)
        .select_for_update(of=("self",), no_key=True)
        .filter(pk__in=[alert_id, other_id])
        .order_by("pk")
    }
    if len(rows) != 2:
        raise Http404
    link = (
        AlertLink.objects.select_for_update()
        .filter(from_alert_id__in=[alert_id, other_id], to_alert_id__in=[alert_id, other_id])
        .first()
    )
    if link is None:
        raise Http404
    return rows[alert_id], rows[other_id], link


def _check_officer(user: User, *alerts: Alert) -> None:
    for alert in alerts:
        if not permissions.may_decide_duplicates(user, alert):
            raise PermissionRefused(
                _(
                    "Only a Force officer of the queue of %(reference)s may decide on its duplicates."
                )
                % {"reference": alert.reference}
            )


def _check_version(alert: Alert, version: int | None) -> None:
    if version is not None and version != alert.version:
        raise ConcurrentUpdate(
            _(
                "%(reference)s was changed by someone else in the meantime (now: %(status)s). Reload and try again."
            )
            % {"reference": alert.reference, "status": alert.get_status_display()}
        )


def _check_undecided(link: AlertLink) -> None:
    if link.decision == AlertLink.Decision.CONFIRMED:
        raise InvalidTransition(_("These two alerts were already merged into one case."))
    if link.decision == AlertLink.Decision.REJECTED:
        raise InvalidTransition(_("These two alerts were already found not to be the same event."))


def _event(alert: Alert, *, kind: str, user: User, data: dict[str, Any], **fields: Any) -> None:
    alert.version += 1
    alert.save(update_fields=[*fields, "version"])
    AlertEvent.objects.create(alert=alert, kind=kind, actor=user, data=data)


def _merge(follower: Alert, *, lead: Alert, user: User) -> None:
    follower.case_lead = lead
    # Out of the queue: nobody is to be told any more that it waits.
    follower.next_escalation_at = None
    _event(
        follower,
        kind=AlertEvent.Kind.MERGED,
        user=user,
        data={"lead_id": lead.pk, **texts.coded(texts.CASE_MERGED_INTO, reference=lead.reference)},
        case_lead=lead,
        next_escalation_at=None,
    )
    _event(
        lead,
        kind=AlertEvent.Kind.MERGED,
        user=user,
        data={
            "alert_id": follower.pk,
            **texts.coded(texts.CASE_JOINED, reference=follower.reference),
        },
    )


@transaction.atomic
def _waits_urgent(alert: Alert) -> bool:
    return alert.status == Alert.Status.QUEUED and is_urgent(alert)


def default_lead(one: Alert, other: Alert) -> Alert:
    """The lead a merge proposes: an urgent alert nobody acknowledged (it keeps escalating as
    the lead), else the one reported first."""
    return min((one, other), key=lambda a: (not _waits_urgent(a), a.reported_at, a.pk))


def _check_nobody_left_untold(*, lead: Alert, followers: list[Alert]) -> None:
    """A follower stops escalating: an urgent one nobody acknowledged may follow only a lead
    that escalates too, or that someone already acknowledged."""
    if lead.status != Alert.Status.QUEUED or is_urgent(lead):
        return
    for follower in followers:
        if _waits_urgent(follower):
            raise DomainError(
                _(
                    "%(follower)s is urgent and nobody has acknowledged it yet: let it lead the "
                    "case, or acknowledge %(lead)s first."
                )
                % {"follower": follower.reference, "lead": lead.reference},
                field="lead",
            )


def duplicate_confirm(
    *,
    user: User,
    alert_id: int,
    other_id: int,
    lead_id: int | None = None,
    version: int | None = None,
) -> Alert:
    """Merge two linked alerts into one case led by `lead_id` (one of the two; by default the
    one reported first). Returns the lead. An alert that led a case of its own brings its
    followers along: every follower points to the real lead."""
    alert, other, link = _lock_pair(user=user, alert_id=alert_id, other_id=other_id)
    _check_officer(user, alert, other)
    _check_version(alert, version)
    _check_undecided(link)
    if alert.location.sector_id != other.location.sector_id:
        raise DomainError(_("Alerts of different sectors cannot be merged into one case."))
    for one in (alert, other):
        if one.status == Alert.Status.CLOSED:
            raise InvalidTransition(
                _("%(reference)s is closed: reopen it before merging it into a case.")
                % {"reference": one.reference}
            )
    if lead_id is None:
        lead = default_lead(alert, other)
    elif lead_id in (alert.pk, other.pk):
        lead = alert if lead_id == alert.pk else other
    else:
        raise DomainError(_("Choose which of the two alerts leads the case."), field="lead")
    follower = other if lead is alert else alert
    if lead.case_lead_id is not None:
        root = case_root(lead)
        if root.pk == follower.pk:
            raise DomainError(
                _(
                    "%(lead)s is merged into %(follower)s: an alert cannot be merged into one of its own followers."
                )
                % {"lead": lead.reference, "follower": follower.reference},
                field="lead",
            )
        raise DomainError(
            _("%(lead)s is merged into %(root)s: only the lead of a case can lead it.")
            % {"lead": lead.reference, "root": root.reference},
            field="lead",
        )
    if follower.case_lead_id is not None:
        root = case_root(follower)
        if root.pk == lead.pk:
            raise InvalidTransition(
                _("%(follower)s is already merged into %(lead)s.")
                % {"follower": follower.reference, "lead": lead.reference}
            )
        raise DomainError(
            _("%(follower)s is already merged into %(root)s: merge %(root)s instead.")
            % {"follower": follower.reference, "root": root.reference}
        )
    brought = list(
        Alert.objects.select_for_update(of=("self",), no_key=True)
        .filter(case_lead=follower)
        .order_by("pk")
    )
    _check_nobody_left_untold(lead=lead, followers=[follower, *brought])
    _merge(follower, lead=lead, user=user)
    for member in brought:
        _merge(member, lead=lead, user=user)
    link.decision = AlertLink.Decision.CONFIRMED
    link.decided_by = user
    link.decided_at = timezone.now()
    link.save(update_fields=["decision", "decided_by", "decided_at"])
    return lead


@transaction.atomic
def duplicate_reject(
    *, user: User, alert_id: int, other_id: int, version: int | None = None
) -> AlertLink:
    """Two linked alerts are not the same event: the link is kept, marked rejected, and never
    offered again; a line on each timeline says so."""
    alert, other, link = _lock_pair(user=user, alert_id=alert_id, other_id=other_id)
    _check_officer(user, alert)
    _check_version(alert, version)
    _check_undecided(link)
    link.decision = AlertLink.Decision.REJECTED
    link.decided_by = user
    link.decided_at = timezone.now()
    link.save(update_fields=["decision", "decided_by", "decided_at"])
    for one, two in ((alert, other), (other, alert)):
        _event(
            one,
            kind=AlertEvent.Kind.DUPLICATE_REJECTED,
            user=user,
            data={
                "alert_id": two.pk,
                **texts.coded(texts.DUPLICATE_REJECTED, reference=two.reference),
            },
        )
    return link


def _in_every_language(choice: Any) -> dict[str, str]:
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(choice.label)
    return labels


def case_followers_follow(*, lead: Alert, user: User) -> int:
    """In the transaction that closed or reopened the lead: its followers follow, each with a
    line on its timeline; closed, their CLAs are told as of any closing. Returns how many."""
    followers = list(
        Alert.objects.select_for_update(of=("self",), no_key=True)
        .filter(case_lead=lead)
        .order_by("pk")
    )
    moved = 0
    for follower in followers:
        previous = follower.status
        if lead.status == Alert.Status.CLOSED and previous != Alert.Status.CLOSED:
            outcome = _in_every_language(Alert.Outcome(lead.outcome)) if lead.outcome else "-"
            follower.status = Alert.Status.CLOSED
            follower.closed_at = lead.closed_at
            follower.outcome, follower.response = lead.outcome, lead.response
            follower.outcome_at = follower.outcome_at or lead.outcome_at
            follower.responded_at = follower.responded_at or lead.responded_at
            fields = ["status", "closed_at", "outcome", "response", "outcome_at", "responded_at"]
            kind, data = (
                CLOSE.event,
                texts.coded(texts.CASE_CLOSED, reference=lead.reference, outcome=outcome),
            )
        elif lead.status != Alert.Status.CLOSED and previous == Alert.Status.CLOSED:
            follower.status = REOPEN.target or Alert.Status.ACKNOWLEDGED
            follower.closed_at = None
            fields = ["status", "closed_at"]
            kind, data = REOPEN.event, texts.coded(texts.CASE_REOPENED, reference=lead.reference)
        else:
            continue
        follower.version += 1
        follower.save(update_fields=[*fields, "version"])
        event = AlertEvent.objects.create(
            alert=follower,
            kind=kind,
            actor=user,
            from_status=previous,
            to_status=follower.status,
            data={"lead_id": lead.pk, **data},
        )
        if kind == CLOSE.event and CLOSE.tells_cla:
            transaction.on_commit(
                lambda a=follower.pk, e=event.pk: signals.news_for_cla.send(
                    sender=Alert, alert_id=a, event_id=e
                ),
                robust=True,
            )
        moved += 1
    return moved
