"""Escalation policies over simulated time: tiers in order, repeats until acknowledged, one
step after a gap, never twice; who is told and in which language."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections

from alerts import notifications, services
from alerts.models import Alert, AlertEvent, EscalationPolicy
from alerts.services import escalation
from alerts.services.escalation import PolicyInput
from clas.models import Role
from tests import factories as f
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

OPS = "joc-sector-a@mission.test"


def minutes(alert: Alert, n: float) -> dt.datetime:
    return alert.routed_at + dt.timedelta(minutes=n)


def steps(alert: Alert) -> list[tuple[int, int]]:
    events = AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.ESCALATED).order_by("id")
    return [(e.data["tier"], e.data["repeat"]) for e in events]


def escalation_emails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "ESCALA" in m.subject]


@pytest.fixture
def with_ops(mission: Mission) -> Mission:
    """Queue A with its operations centre: the default policy has its four tiers."""
    mission.queue_a.operations_centre_email = OPS
    mission.queue_a.save()
    return mission


def test_tiers_follow_at_10_15_and_30_minutes_then_repeat_every_30_until_acknowledged(
    with_ops: Mission,
) -> None:
    alert = log(with_ops, urgency="Immediate")
    taken = {}
    for at in (5, 10, 12, 15, 29, 30, 45, 60, 89, 90):
        taken[at] = services.alert_escalate_overdue(now=minutes(alert, at))["escalated"]

    assert [at for at, n in taken.items() if n] == [10, 15, 30, 60, 90]
    assert steps(alert) == [(1, 0), (2, 0), (3, 0), (3, 1), (3, 2)]
    refreshed = Alert.objects.get(pk=alert.pk)
    assert refreshed.escalation_tier == 3
    assert refreshed.next_escalation_at == minutes(alert, 120)

    services.alert_acknowledge(alert_id=alert.pk, user=with_ops.force)
    mail.outbox.clear()

    assert services.alert_escalate_overdue(now=minutes(alert, 120)) == {"escalated": 0}
    assert services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 300)) is False
    assert escalation_emails() == []
    assert len(steps(alert)) == 5


def test_the_flash_email_is_tier_0_and_nobody_is_emailed_twice_at_routing(
    with_ops: Mission,
) -> None:
    alert = log(with_ops, urgency="Immediate")

    assert (alert.escalation_step, alert.escalation_tier) == (1, 0)
    assert alert.next_escalation_at == minutes(alert, 10)
    assert services.alert_escalate_overdue(now=minutes(alert, 1)) == {"escalated": 0}
    assert escalation_emails() == []


def test_each_tier_tells_its_people(with_ops: Mission) -> None:
    # Another officer on duty in sector A, on another queue of the sector.
    other = f.UserFactory(username="force-a2", role=Role.FORCE, sector=with_ops.sector_a)
    f.QueueFactory(code="sa-north", sector=with_ops.sector_a, is_default=False).officers.add(other)
    alert = log(with_ops, urgency="Immediate")
    told = {}
    for at in (10, 15, 30):
        mail.outbox.clear()
        services.alert_escalate_overdue(now=minutes(alert, at))
        told[at] = sorted(address for m in escalation_emails() for address in m.to)

    assert told == {
        10: sorted([with_ops.force.email, other.email]),
        15: [with_ops.force.email],
        30: [OPS],
    }
    # One email per recipient.
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_a_tier_with_nobody_left_tells_the_queue_officers(mission: Mission) -> None:
    escalation.escalation_policy_update(
        queue_id=mission.queue_a.pk,
        user=mission.admin,
        data=PolicyInput(repeat_minutes=30, tiers=[(0, "officers"), (15, "senior_officer")]),
    )
    alert = log(mission, urgency="Immediate")
    mission.queue_a.senior_officer = None
    mission.queue_a.save()
    mail.outbox.clear()

    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 16))

    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert event.data["fallback"] is True
    assert [m.to for m in escalation_emails()] == [[mission.force.email]]


def test_after_a_two_hour_gap_one_step_is_sent_and_the_missed_ones_recorded(
    with_ops: Mission,
) -> None:
    alert = log(with_ops, urgency="Immediate")
    mail.outbox.clear()

    assert services.alert_escalate_overdue(now=minutes(alert, 120)) == {"escalated": 1}

    assert steps(alert) == [(3, 3)]
    [message] = escalation_emails()
    assert message.to == [OPS]
    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert event.data["missed"] == [[1, 0], [2, 0], [3, 0], [3, 1], [3, 2]]
    assert event.code == "escalated.step_late"
    assert "5 earlier steps were skipped" in event.system_text
    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 150)


def test_the_sweep_run_twice_for_the_same_moment_takes_one_step(with_ops: Mission) -> None:
    alert = log(with_ops, urgency="Immediate")
    mail.outbox.clear()
    at = minutes(alert, 31)

    first = services.alert_escalate_overdue(now=at)
    second = services.alert_escalate_overdue(now=at)
    again = services.alert_escalate(alert_id=alert.pk, now=at)

    assert (first, second, again) == ({"escalated": 1}, {"escalated": 0}, False)
    assert len(steps(alert)) == 1
    assert len(escalation_emails()) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
def test_two_sweeps_at_once_take_the_step_once(
    with_ops: Mission, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert = log(with_ops, urgency="Immediate")
    at = minutes(alert, 16)
    send = notifications.send_escalation_email

    def slow_send(**kwargs: object) -> None:
        # Holds the claimed row while the other sweep, having read the same counter, tries.
        time.sleep(0.5)
        send(**kwargs)

    monkeypatch.setattr(notifications, "send_escalation_email", slow_send)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.alert_escalate_overdue(now=at))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r["escalated"] for r in results) == [0, 1]
    assert steps(alert) == [(2, 0)]


def test_the_sweep_finds_due_alerts_by_index_in_a_bounded_batch(with_ops: Mission) -> None:
    alerts = [log(with_ops, urgency="Immediate") for _ in range(3)]
    at = minutes(alerts[-1], 11)

    assert services.alert_escalate_overdue(now=at, limit=2) == {"escalated": 2}
    assert services.alert_escalate_overdue(now=at, limit=2) == {"escalated": 1}
    plan = str(Alert.objects.filter(status="queued", next_escalation_at__lte=at).query)
    assert "next_escalation_at" in plan


# --- the email --------------------------------------------------------------------------------


def test_the_email_says_the_tier_the_wait_and_links_to_one_tap_acknowledgement(
    mission: Mission, settings: object
) -> None:
    mission.force.language = "en"
    mission.force.save()
    alert = log(mission, urgency="Immediate")
    mail.outbox.clear()

    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 16))

    [message] = escalation_emails()
    assert message.subject.startswith(f"ESCALATED {alert.reference}")
    assert "Escalation tier 2 (senior officer)" in message.body
    assert "has waited 16 min" in message.body
    assert f"/alerts/{alert.pk}/acknowledge-now/" in message.body


def test_the_email_is_in_each_recipient_s_language(with_ops: Mission) -> None:
    with_ops.force.language = "fr"
    with_ops.force.save()
    with_ops.queue_a.operations_centre_language = "en"
    with_ops.queue_a.save()
    alert = log(with_ops, urgency="Immediate")
    mail.outbox.clear()

    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 16))
    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 31))

    by_address = {m.to[0]: m for m in escalation_emails()}
    assert "ESCALADÉE" in by_address[with_ops.force.email].subject
    assert "niveau 2" in by_address[with_ops.force.email].body
    assert "ESCALATED" in by_address[OPS].subject
    assert "tier 3 (operations centre)" in by_address[OPS].body


def test_the_timeline_line_reads_in_the_reader_s_language(mission: Mission) -> None:
    from django.utils import translation

    alert = log(mission, urgency="Immediate")
    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 10))
    services.alert_escalate(alert_id=alert.pk, now=minutes(alert, 16))
    event = alert.events.filter(kind=AlertEvent.Kind.ESCALATED).latest("id")

    with translation.override("en"):
        english = event.detail
    with translation.override("fr"):
        french = event.detail

    assert english == "Tier 2 (senior officer): not acknowledged after 16 min, 1 person told"
    assert french.startswith("Niveau 2 (officier supérieur)")


# --- policies -----------------------------------------------------------------------------


def test_a_queue_without_a_policy_of_its_own_follows_the_default(mission: Mission) -> None:
    policy = escalation.escalation_policy_of(mission.queue_b)

    # Queue B has no senior officer and no operations centre: those tiers are left out.
    assert [(t.delay_minutes, t.recipients) for t in policy.tiers] == [
        (0, "officers"),
        (10, "on_duty"),
    ]
    assert (policy.repeat_minutes, policy.stored) == (30, False)


def test_a_changed_policy_moves_the_next_step_of_waiting_alerts(with_ops: Mission) -> None:
    alert = log(with_ops, urgency="Immediate")

    escalation.escalation_policy_update(
        queue_id=with_ops.queue_a.pk,
        user=with_ops.admin,
        data=PolicyInput(repeat_minutes=10, tiers=[(0, "officers"), (5, "senior_officer")]),
    )

    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 5)
    services.alert_escalate_overdue(now=minutes(alert, 6))
    assert steps(alert) == [(1, 0)]
    assert EscalationPolicy.objects.get(queue=with_ops.queue_a).tiers.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PolicyInput(repeat_minutes=30, tiers=[]), "tiers"),
        (PolicyInput(repeat_minutes=4, tiers=[(0, "officers")]), "repeat_minutes"),
        (PolicyInput(repeat_minutes=30, tiers=[(-1, "officers")]), "tiers.0.delay_minutes"),
        (
            PolicyInput(repeat_minutes=30, tiers=[(10, "officers"), (10, "on_duty")]),
            "tiers.1.delay_minutes",
        ),
        (
            PolicyInput(repeat_minutes=30, tiers=[(10, "officers"), (5, "on_duty")]),
            "tiers.1.delay_minutes",
        ),
        (PolicyInput(repeat_minutes=30, tiers=[(0, "senior_officer")]), "tiers.0.recipients"),
        (PolicyInput(repeat_minutes=30, tiers=[(0, "operations_centre")]), "tiers.0.recipients"),
        (PolicyInput(repeat_minutes=30, tiers=[(0, "everyone")]), "tiers.0.recipients"),
        (
            PolicyInput(repeat_minutes=30, tiers=[(0, "officers")], operations_centre_email="x@"),
            "operations_centre_email",
        ),
    ],
)
def test_a_bad_policy_is_refused_field_by_field_and_nothing_saved(
    mission: Mission, data: PolicyInput, field: str
) -> None:
    # Queue B: no senior officer, no operations centre.
    with pytest.raises(escalation.PolicyInvalid) as refused:
        escalation.escalation_policy_update(
            queue_id=mission.queue_b.pk, user=mission.admin, data=data
        )

    assert field in refused.value.message_dict
    assert not EscalationPolicy.objects.exists()


def test_only_mission_admins_change_a_policy(mission: Mission) -> None:
    from core.exceptions import PermissionRefused

    for user in (mission.force, mission.hq, mission.coordinator):
        with pytest.raises(PermissionRefused):
            escalation.escalation_policy_update(
                queue_id=mission.queue_a.pk,
                user=user,
                data=PolicyInput(repeat_minutes=30, tiers=[(0, "officers")]),
            )
    assert not EscalationPolicy.objects.exists()
