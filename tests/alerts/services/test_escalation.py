"""alerts.services.escalation: the flash notification and the escalation of what nobody
acknowledged in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from alerts import services
from alerts.models import Alert, AlertEvent
from clas.models import Role
from tests import factories as f
from tests.alerts.support import flash_emails, log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


# --- flash procedure ----------------------------------------------------------------------


def test_the_flash_email_goes_once_to_the_queue_officers_and_the_coordinator(
    mission: Mission,
) -> None:
    second_officer = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(second_officer)
    alert = log(mission, urgency="Immediate")

    assert services.alert_notify_flash(alert_id=alert.pk) is True
    assert services.alert_notify_flash(alert_id=alert.pk) is False

    [message] = flash_emails()
    assert sorted(message.to) == sorted(
        [mission.force.email, second_officer.email, mission.coordinator.email]
    )
    assert alert.reference in message.subject
    assert alert.events.filter(kind=AlertEvent.Kind.NOTIFIED).count() == 1


def test_the_flash_email_never_carries_the_source_identity(mission: Mission) -> None:
    alert = log(
        mission, urgency="Immediate", source_name="Jean Secret", source_contact="+236 75 11 22 33"
    )

    services.alert_notify_flash(alert_id=alert.pk)

    [message] = flash_emails()
    assert "Jean Secret" not in message.body
    assert "75 11 22 33" not in message.body


# --- escalation ---------------------------------------------------------------------------
# The policy over time is tested in tests/alerts/test_escalation_policy.py; these are the
# cases of the one-off escalation it replaced, under the default policy.


def test_an_unacknowledged_immediate_alert_reaches_the_senior_officer_at_15_minutes(
    mission: Mission,
) -> None:
    alert = log(mission, urgency="Immediate")
    mail.outbox.clear()
    later = alert.routed_at + dt.timedelta(minutes=16)

    first = services.alert_escalate_overdue(now=later)
    second = services.alert_escalate_overdue(now=later + dt.timedelta(minutes=5))

    assert (first, second) == ({"escalated": 1}, {"escalated": 0})
    event = alert.events.get(kind=AlertEvent.Kind.ESCALATED)
    assert (event.data["tier"], event.data["recipients"]) == (2, "senior_officer")
    assert event.data["user_ids"] == [mission.force.pk]
    # The senior officer reads French.
    [message] = [m for m in mail.outbox if "ESCALADÉE" in m.subject]
    assert message.to == [mission.force.email]
    assert alert.reference in message.subject
    assert Alert.objects.get(pk=alert.pk).escalated_at == later


def test_an_immediate_alert_does_not_escalate_before_the_first_tier(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    sooner = alert.routed_at + dt.timedelta(minutes=9)

    assert services.alert_escalate_overdue(now=sooner) == {"escalated": 0}
    assert not alert.events.filter(kind=AlertEvent.Kind.ESCALATED).exists()


def test_an_acknowledged_alert_does_not_escalate(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    mail.outbox.clear()

    later = alert.routed_at + dt.timedelta(hours=2)

    assert services.alert_escalate_overdue(now=later) == {"escalated": 0}
    assert mail.outbox == []


def test_an_expected_alert_of_extreme_severity_escalates(mission: Mission) -> None:
    alert = log(mission, urgency="Expected", severity="Extreme")

    later = alert.routed_at + dt.timedelta(minutes=11)

    assert services.alert_escalate_overdue(now=later) == {"escalated": 1}


def test_an_expected_alert_of_moderate_severity_does_not_escalate(mission: Mission) -> None:
    alert = log(mission, urgency="Expected", severity="Moderate")

    later = alert.routed_at + dt.timedelta(hours=2)

    assert services.alert_escalate_overdue(now=later) == {"escalated": 0}
    assert services.alert_escalate(alert_id=alert.pk, now=later) is False
    assert Alert.objects.get(pk=alert.pk).next_escalation_at is None


def test_an_escalated_alert_can_still_be_acknowledged(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    services.alert_escalate_overdue(now=alert.routed_at + dt.timedelta(hours=1))

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    assert result.status == Alert.Status.ACKNOWLEDGED


def test_an_alert_escalating_keeps_its_version_so_an_open_page_still_acknowledges(
    mission: Mission,
) -> None:
    alert = log(mission, urgency="Immediate")
    seen = alert.version
    services.alert_escalate_overdue(now=alert.routed_at + dt.timedelta(minutes=16))

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.force, version=seen)

    assert result.status == Alert.Status.ACKNOWLEDGED
