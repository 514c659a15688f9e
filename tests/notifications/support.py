"""An alert of the mission's CLA, waiting in queue A, and the four moments the CLA is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alerts import services
from alerts.models import Alert
from clas.models import User
from notifications import services as news
from notifications.models import Notification
from tests import factories as f
from tests.conftest import Mission


def queued_alert(mission: Mission, *, logged_by: User | None = None, **fields: Any) -> Alert:
    return f.AlertFactory(
        logged_by=logged_by or mission.cla,
        location=mission.base_a,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        **fields,
    )


def acknowledge(alert: Alert, user: User) -> None:
    services.alert_acknowledge(alert_id=alert.pk, user=user)


def outcome(alert: Alert, user: User) -> None:
    acknowledge(alert, user)
    services.alert_record_outcome(alert_id=alert.pk, user=user, outcome="confirmed")


def response(alert: Alert, user: User) -> None:
    outcome(alert, user)
    services.alert_record_response(alert_id=alert.pk, user=user, response="patrol")


def close(alert: Alert, user: User) -> None:
    response(alert, user)
    services.alert_close(alert_id=alert.pk, user=user)


# The four moments: how to get there, the event kind told last.
MOMENTS: dict[str, tuple[Callable[[Alert, User], None], str]] = {
    "acknowledged": (acknowledge, "acknowledged"),
    "outcome": (outcome, "outcome"),
    "response": (response, "response"),
    "closed": (close, "closed"),
}


def told(mission: Mission, how: Callable[[Alert, User], None] = acknowledge) -> list[Notification]:
    """An alert of the CLA acted on by Force, and what the CLA was told about it, newest first."""
    alert = queued_alert(mission)
    how(alert, mission.force)
    for event in alert.events.all():
        news.alert_news_notify(event_id=event.pk)
    return list(Notification.objects.filter(alert=alert))
