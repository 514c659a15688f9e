"""The CLA is told, in the page and by email, when their alert is acknowledged, its outcome or
response recorded, or it is closed: once, in their language, and only about their alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from alerts.models import AlertEvent
from clas.models import Role
from notifications import services
from notifications.models import Notification
from notifications.selectors import NEWS
from tests import factories as f
from tests.alerts.chain_support import timeline_writable
from tests.conftest import Mission
from tests.notifications.support import MOMENTS, acknowledge, queued_alert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_the_cla_is_told_in_the_page_and_by_email_at_each_moment(
    mission: Mission, django_capture_on_commit_callbacks: Any, moment: str
) -> None:
    alert = queued_alert(mission)
    act, kind = MOMENTS[moment]

    with django_capture_on_commit_callbacks(execute=True):
        act(alert, mission.force)

    told = Notification.objects.filter(recipient=mission.cla).order_by("created_at", "pk")
    assert [n.event.kind for n in told][-1] == kind
    assert len(told) == list(MOMENTS).index(moment) + 1  # one per moment reached, no more
    assert all(n.emailed_at is not None and n.read_at is None for n in told)
    assert [m.to for m in mail.outbox] == [[mission.cla.email]] * len(told)
    assert alert.reference in mail.outbox[-1].subject


def test_a_task_run_again_tells_nobody_twice(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    alert = queued_alert(mission)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(alert, mission.force)
    event = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)

    assert services.alert_news_notify(event_id=event.pk) == 0

    assert Notification.objects.filter(event=event).count() == 1
    assert len(mail.outbox) == 1


def test_an_email_that_failed_is_sent_by_the_next_try(
    mission: Mission, monkeypatch: pytest.MonkeyPatch
) -> None:
    alert = queued_alert(mission)
    acknowledge(alert, mission.force)
    event = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)

    def refuse(**kwargs: Any) -> None:
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(services.emails, "send_alert_news", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.alert_news_notify(event_id=event.pk)
    assert Notification.objects.get(event=event).emailed_at is None
    monkeypatch.undo()

    services.alert_news_notify(event_id=event.pk)

    assert Notification.objects.get(event=event).emailed_at is not None
    assert len(mail.outbox) == 1


def test_nobody_else_is_told_about_the_alert(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    alert = queued_alert(mission)

    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(alert, mission.force)

    assert set(Notification.objects.values_list("recipient", flat=True)) == {mission.cla.pk}
    assert not Notification.objects.filter(recipient=mission.cla_b).exists()
    assert [m.to for m in mail.outbox] == [[mission.cla.email]]


def test_the_cla_an_alert_was_logged_for_is_told_and_not_the_coordinator_who_logged_it(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    alert = queued_alert(
        mission, logged_by=mission.coordinator, received_from_cla=mission.cla_profile
    )

    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(alert, mission.force)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [mission.cla.pk]


def test_who_did_it_is_not_told_about_their_own_action(mission: Mission) -> None:
    officer_cla = f.UserFactory(username="cla-officer", role=Role.CLA)
    alert = queued_alert(mission, logged_by=officer_cla)
    acknowledge(alert, mission.force)
    event = alert.events.get(kind=AlertEvent.Kind.ACKNOWLEDGED)
    with timeline_writable():
        AlertEvent.objects.filter(pk=event.pk).update(actor=officer_cla)

    assert services.alert_news_notify(event_id=event.pk) == 0


@pytest.mark.parametrize(
    ("language", "subject"),
    [("fr", "Réception de ALT-2026-900000 accusée"), ("en", "ALT-2026-900000 acknowledged")],
)
def test_the_email_is_in_the_language_of_its_recipient(
    mission: Mission, django_capture_on_commit_callbacks: Any, language: str, subject: str
) -> None:
    mission.cla.language = language
    mission.cla.save()
    alert = queued_alert(mission, reference="ALT-2026-900000")

    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(alert, mission.force)

    (email,) = mail.outbox
    assert email.subject == subject
    opening = "Votre alerte" if language == "fr" else "Your alert"
    assert opening in email.body


def test_a_notification_failure_never_undoes_the_action(
    mission: Mission, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notifications import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.notify_alert_news, "delay", broker_down)
    alert = queued_alert(mission)

    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(alert, mission.force)

    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert not Notification.objects.exists()


def test_reading_marks_only_ones_own_notifications(mission: Mission) -> None:
    alert = queued_alert(mission)
    acknowledge(alert, mission.force)
    services.alert_news_notify(event_id=alert.events.get(kind="acknowledged").pk)
    notification = Notification.objects.get()

    assert services.notification_mark_read(user=mission.cla_b, notification_id=notification.pk) == 0
    assert services.notification_mark_read(user=mission.cla, notification_id=notification.pk) == 1
    assert Notification.objects.get().read_at is not None


def _acknowledged_while_the_broker_was_down(
    mission: Mission, capture: Any, monkeypatch: pytest.MonkeyPatch
) -> AlertEvent:
    from notifications import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    alert = queued_alert(mission)
    with monkeypatch.context() as patched:
        patched.setattr(tasks.notify_alert_news, "delay", broker_down)
        with capture(execute=True):
            acknowledge(alert, mission.force)
    assert not Notification.objects.exists()
    return alert.events.get(kind="acknowledged")


def test_the_sweep_tells_what_the_broker_never_carried_once(
    mission: Mission, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = _acknowledged_while_the_broker_was_down(
        mission, django_capture_on_commit_callbacks, monkeypatch
    )

    # Too recent: its news may still be on the way.
    assert services.alert_news_sweep()["announced_again"] == 0
    assert services.alert_news_sweep(older_than=dt.timedelta(0)) == {"announced_again": 1}

    (notification,) = Notification.objects.all()
    assert notification.recipient == mission.cla
    assert notification.event == event
    assert len(mail.outbox) == 1
    # Told now: the next sweep has nothing to do.
    assert services.alert_news_sweep(older_than=dt.timedelta(0)) == {"announced_again": 0}
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_old_news_and_alerts_no_cla_follows(
    mission: Mission, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = _acknowledged_while_the_broker_was_down(
        mission, django_capture_on_commit_callbacks, monkeypatch
    )
    assert services.alert_news_sweep(within=dt.timedelta(0), older_than=dt.timedelta(0)) == {
        "announced_again": 0
    }
    coordinator = f.UserFactory(role=Role.COORDINATOR)
    event.alert.logged_by = coordinator
    event.alert.save(update_fields=["logged_by"])

    assert services.alert_news_sweep(older_than=dt.timedelta(0)) == {"announced_again": 0}
    assert not Notification.objects.exists()


def test_the_index_of_the_sweep_covers_every_news_kind() -> None:
    (index,) = [i for i in AlertEvent._meta.indexes if i.name == "alert_event_news_at_idx"]
    kinds = set(dict(index.condition.children)["kind__in"])
    assert kinds == set(NEWS)


def test_the_sweep_is_scheduled() -> None:
    from django.conf import settings

    from notifications import tasks

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.sweep_alert_news.name in scheduled
