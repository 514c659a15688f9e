"""alerts.services.cases: likely duplicates confirmed into one case, or rejected."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone, translation

from alerts import services, signals, texts
from alerts.models import Alert, AlertLink
from alerts.selectors import case_members, urgent_unacknowledged
from alerts.services.escalation import PolicyInput, escalation_policy_update
from clas.models import Role
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused
from notifications.models import Notification
from notifications.services import alert_news_notify
from tests import factories as f
from tests.alerts.support import log, off_duty_force
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def _reported(hours_ago: float) -> dict[str, dt.datetime]:
    now = timezone.now()
    return {
        "occurred_at": now - dt.timedelta(hours=hours_ago + 1),
        "reported_at": now - dt.timedelta(hours=hours_ago),
    }


def second_cla(mission: Mission) -> object:
    cla = f.UserFactory(username="cla-a2", role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=cla), location=mission.base_a)
    return cla


def pair(mission: Mission) -> tuple[Alert, Alert]:
    """Two reports of the same event at Ippy by two CLAs, the first reported earlier."""
    first = log(mission, **_reported(5))
    second = log(mission, second_cla(mission), **_reported(2))
    assert AlertLink.objects.filter(from_alert=second, to_alert=first).exists()
    return first, second


def timeline_intact() -> bool:
    try:
        call_command("verify_timeline", stdout=io.StringIO())
    except CommandError:
        return False
    return True


def codes(alert: Alert) -> list[str | None]:
    return [e.code for e in alert.events.order_by("id")]


# --- merging ------------------------------------------------------------------------------


def test_it_merges_into_the_earliest_reported_by_default(mission: Mission) -> None:
    first, second = pair(mission)

    lead = services.duplicate_confirm(
        user=mission.force, alert_id=second.pk, other_id=first.pk, version=second.version
    )

    assert lead == first
    second.refresh_from_db()
    assert second.case_lead == first
    link = AlertLink.objects.get(from_alert=second, to_alert=first)
    assert (link.decision, link.decided_by) == (AlertLink.Decision.CONFIRMED, mission.force)
    assert link.decided_at is not None
    with translation.override("en"):
        assert second.events.last().detail == f"Merged into {first.reference}"
        assert first.events.last().detail == f"{second.reference} merged into this case"
    assert [a.pk for a in case_members(alert=second)] == [first.pk, second.pk]
    assert timeline_intact()


def test_the_officer_chooses_the_lead(mission: Mission) -> None:
    first, second = pair(mission)

    services.duplicate_confirm(
        user=mission.force, alert_id=first.pk, other_id=second.pk, lead_id=second.pk
    )

    first.refresh_from_db()
    assert first.case_lead_id == second.pk


def test_a_follower_leaves_the_queue_and_stops_escalating(mission: Mission) -> None:
    first = log(mission, urgency="Immediate", **_reported(5))
    second = log(mission, second_cla(mission), urgency="Immediate", **_reported(2))
    assert second.next_escalation_at is not None
    assert urgent_unacknowledged() == 2

    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    second.refresh_from_db()
    assert second.next_escalation_at is None
    assert urgent_unacknowledged() == 1


def test_the_followers_of_a_merged_lead_follow_the_new_lead(mission: Mission) -> None:
    first, second = pair(mission)
    third = log(mission, **_reported(1))
    services.duplicate_confirm(
        user=mission.force, alert_id=third.pk, other_id=second.pk, lead_id=third.pk
    )

    services.duplicate_confirm(user=mission.force, alert_id=third.pk, other_id=first.pk)

    assert set(Alert.objects.filter(case_lead=first).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }
    assert timeline_intact()


# --- the lead closed or reopened ----------------------------------------------------------


def _close(mission: Mission, alert: Alert, outcome: str = "confirmed") -> None:
    officer = mission.force
    services.alert_acknowledge(alert_id=alert.pk, user=officer)
    services.alert_record_outcome(alert_id=alert.pk, user=officer, outcome=outcome)
    services.alert_record_response(alert_id=alert.pk, user=officer, response="patrol")
    services.alert_close(alert_id=alert.pk, user=officer)


def test_closing_the_lead_closes_its_followers_with_the_same_outcome(
    mission: Mission, django_capture_on_commit_callbacks: object
) -> None:
    first, second = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)
    lines_before = list(second.events.values_list("pk", "hash"))

    told: list[tuple[int, int]] = []

    def hear(sender: object, *, alert_id: int, event_id: int, **kwargs: object) -> None:
        told.append((alert_id, event_id))

    signals.news_for_cla.connect(hear, dispatch_uid="test-cases-hear")
    try:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            _close(mission, first)
    finally:
        signals.news_for_cla.disconnect(dispatch_uid="test-cases-hear")

    second.refresh_from_db()
    assert second.status == Alert.Status.CLOSED
    assert (second.outcome, second.response) == ("confirmed", "patrol")
    assert second.closed_at is not None
    closed = second.events.last()
    assert (closed.kind, closed.from_status, closed.to_status) == ("closed", "queued", "closed")
    with translation.override("fr"):
        assert (
            closed.detail
            == f"Clôturée avec son dossier {first.reference}, résultat\u00a0: Confirmée"
        )
    # Nothing written before was touched.
    assert (
        list(second.events.filter(pk__in=[p for p, _h in lines_before]).values_list("pk", "hash"))
        == lines_before
    )
    assert timeline_intact()
    # The CLA of the follower is told as of any closing.
    assert (second.pk, closed.pk) in told
    alert_news_notify(event_id=closed.pk)
    notice = Notification.objects.get(alert=second)
    assert (notice.recipient, notice.event) == (second.logged_by, closed)


def test_reopening_the_lead_reopens_its_followers(mission: Mission) -> None:
    first, second = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)
    _close(mission, first)

    services.alert_reopen(alert_id=first.pk, user=mission.force, note="More shots")

    second.refresh_from_db()
    assert second.status == Alert.Status.ACKNOWLEDGED
    assert second.closed_at is None
    assert codes(second)[-1] == texts.CASE_REOPENED
    assert timeline_intact()


def test_a_follower_cannot_be_worked_on_its_own(mission: Mission) -> None:
    first, second = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    with pytest.raises(InvalidTransition, match=f"merged into {first.reference}"):
        services.alert_acknowledge(alert_id=second.pk, user=mission.force)
    services.alert_add_note(alert_id=second.pk, user=mission.force, note="Same as the first")


# --- rejecting ----------------------------------------------------------------------------


def test_a_rejected_link_is_never_offered_again(mission: Mission) -> None:
    first, second = pair(mission)

    services.duplicate_reject(user=mission.force, alert_id=second.pk, other_id=first.pk)

    link = AlertLink.objects.get(from_alert=second, to_alert=first)
    assert link.decision == AlertLink.Decision.REJECTED
    assert codes(first)[-1] == codes(second)[-1] == texts.DUPLICATE_REJECTED
    with pytest.raises(InvalidTransition):
        services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)
    with pytest.raises(InvalidTransition):
        services.duplicate_reject(user=mission.force, alert_id=first.pk, other_id=second.pk)
    # Routing again links nothing anew.
    services.alert_route(alert_id=second.pk)
    assert AlertLink.objects.filter(decision=AlertLink.Decision.SUGGESTED).count() == 0


# --- refused ------------------------------------------------------------------------------


def _nothing_changed(*alerts: Alert) -> None:
    for alert in alerts:
        version = alert.version
        alert.refresh_from_db()
        assert alert.case_lead_id is None
        assert alert.version == version
    assert not AlertLink.objects.exclude(decision=AlertLink.Decision.SUGGESTED).exists()


def test_alerts_of_different_sectors_are_refused(mission: Mission) -> None:
    mine = log(mission)
    other = f.AlertFactory(
        location=mission.base_b, queue=mission.queue_b, status=Alert.Status.QUEUED
    )
    AlertLink.objects.create(from_alert=mine, to_alert=other, kind=AlertLink.Kind.DUPLICATE)

    with pytest.raises(DomainError, match="different sectors"):
        services.duplicate_confirm(user=mission.admin, alert_id=mine.pk, other_id=other.pk)
    _nothing_changed(mine)


def test_a_closed_alert_is_refused(mission: Mission) -> None:
    first, second = pair(mission)
    _close(mission, first)
    first.refresh_from_db()

    with pytest.raises(InvalidTransition, match="is closed"):
        services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)
    _nothing_changed(first, second)


def test_an_alert_cannot_be_merged_with_itself(mission: Mission) -> None:
    first, _second = pair(mission)

    with pytest.raises(DomainError, match="with itself"):
        services.duplicate_confirm(user=mission.force, alert_id=first.pk, other_id=first.pk)


def test_it_refuses_a_follower_as_lead_following_the_chain_to_the_real_lead(
    mission: Mission,
) -> None:
    first, second = pair(mission)
    third = log(mission, **_reported(1))
    # second follows third, then third (and second with it) follows first.
    services.duplicate_confirm(
        user=mission.force, alert_id=third.pk, other_id=second.pk, lead_id=third.pk
    )
    services.duplicate_confirm(
        user=mission.force, alert_id=third.pk, other_id=first.pk, lead_id=first.pk
    )
    second.refresh_from_db()
    assert second.case_lead == first

    # first into second: into one of its own followers (the link of the two still open).
    with pytest.raises(DomainError, match="one of its own followers") as caught:
        services.duplicate_confirm(
            user=mission.force, alert_id=first.pk, other_id=second.pk, lead_id=second.pk
        )
    assert caught.value.field == "lead"
    # A new report choosing second to lead: second's real lead is first.
    fourth = log(mission, **_reported(0.5))
    with pytest.raises(DomainError, match="only the lead of a case") as caught:
        services.duplicate_confirm(
            user=mission.force, alert_id=fourth.pk, other_id=second.pk, lead_id=second.pk
        )
    assert first.reference in caught.value.message
    # Choosing first's follower as the one to merge: already in the case.
    with pytest.raises(InvalidTransition, match="already merged into"):
        services.duplicate_confirm(
            user=mission.force, alert_id=first.pk, other_id=second.pk, lead_id=first.pk
        )
    assert AlertLink.objects.get(from_alert=second, to_alert=first).decision == "suggested"
    assert fourth.case_lead_id is None


def test_merging_twice_is_refused(mission: Mission) -> None:
    first, second = pair(mission)
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    with pytest.raises(InvalidTransition, match="already merged"):
        services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)


def test_a_lead_not_of_the_pair_is_refused(mission: Mission) -> None:
    first, second = pair(mission)
    stranger = log(mission, **_reported(30))

    with pytest.raises(DomainError) as caught:
        services.duplicate_confirm(
            user=mission.force, alert_id=second.pk, other_id=first.pk, lead_id=stranger.pk
        )
    assert caught.value.field == "lead"
    _nothing_changed(first, second)


@pytest.mark.parametrize("who", ["hq", "coordinator", "cla", "off_duty"])
def test_only_officers_of_the_queue_and_admins_decide(mission: Mission, who: str) -> None:
    first, second = pair(mission)
    user = off_duty_force(mission) if who == "off_duty" else mission.user(who)

    with pytest.raises((PermissionRefused, Http404)):
        services.duplicate_confirm(user=user, alert_id=second.pk, other_id=first.pk)
    with pytest.raises((PermissionRefused, Http404)):
        services.duplicate_reject(user=user, alert_id=second.pk, other_id=first.pk)
    _nothing_changed(first, second)


def test_an_admin_may_decide(mission: Mission) -> None:
    first, second = pair(mission)
    services.duplicate_reject(user=mission.admin, alert_id=second.pk, other_id=first.pk)
    assert AlertLink.objects.get().decision == AlertLink.Decision.REJECTED


def test_an_officer_of_another_sector_gets_404(mission: Mission) -> None:
    first, second = pair(mission)
    other = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(other)

    with pytest.raises(Http404):
        services.duplicate_confirm(user=other, alert_id=second.pk, other_id=first.pk)


def test_alerts_not_linked_are_404(mission: Mission) -> None:
    first = log(mission, **_reported(100))
    second = log(mission, **_reported(1))
    assert not AlertLink.objects.exists()

    with pytest.raises(Http404):
        services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)


def test_a_stale_version_is_refused(mission: Mission) -> None:
    first, second = pair(mission)

    with pytest.raises(ConcurrentUpdate):
        services.duplicate_confirm(
            user=mission.force, alert_id=second.pk, other_id=first.pk, version=second.version - 1
        )
    with pytest.raises(ConcurrentUpdate):
        services.duplicate_reject(
            user=mission.force, alert_id=second.pk, other_id=first.pk, version=1
        )
    _nothing_changed(first, second)


# --- nobody left untold -------------------------------------------------------------------


def test_a_follower_stays_silent_when_its_queue_s_policy_changes(mission: Mission) -> None:
    first = log(mission, urgency="Immediate", **_reported(5))
    second = log(mission, second_cla(mission), urgency="Immediate", **_reported(2))
    services.duplicate_confirm(user=mission.force, alert_id=second.pk, other_id=first.pk)

    escalation_policy_update(
        queue_id=mission.queue_a.pk,
        user=mission.admin,
        data=PolicyInput(repeat_minutes=5, tiers=[(0, "officers"), (1, "on_duty")]),
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.next_escalation_at is None
    assert first.next_escalation_at is not None
    services.alert_escalate_overdue(now=timezone.now() + dt.timedelta(hours=6))

    assert not second.events.filter(kind="escalated").exists()
    assert first.events.filter(kind="escalated").exists()


def test_an_urgent_report_nobody_acknowledged_leads_its_case_by_default(mission: Mission) -> None:
    calm = log(mission, urgency="Future", severity="Moderate", **_reported(5))
    urgent = log(mission, second_cla(mission), urgency="Immediate", **_reported(2))

    lead = services.duplicate_confirm(user=mission.force, alert_id=urgent.pk, other_id=calm.pk)

    assert lead == urgent
    lead.refresh_from_db()
    assert lead.next_escalation_at is not None


def test_an_urgent_report_cannot_follow_a_calm_one_nobody_acknowledged(mission: Mission) -> None:
    calm = log(mission, urgency="Future", severity="Moderate", **_reported(5))
    urgent = log(mission, second_cla(mission), urgency="Immediate", **_reported(2))

    with pytest.raises(DomainError) as caught:
        services.duplicate_confirm(
            user=mission.force, alert_id=urgent.pk, other_id=calm.pk, lead_id=calm.pk
        )

    assert urgent.reference in str(caught.value)
    urgent.refresh_from_db()
    assert urgent.case_lead_id is None
    assert urgent.next_escalation_at is not None
    # Once someone acknowledged the calm one, it may lead.
    services.alert_acknowledge(user=mission.force, alert_id=calm.pk, version=calm.version)
    services.duplicate_confirm(
        user=mission.force, alert_id=urgent.pk, other_id=calm.pk, lead_id=calm.pk
    )
    urgent.refresh_from_db()
    assert urgent.case_lead_id == calm.pk
