"""The SMS services: who an alert is logged for, the review inbox, sending with retries and
the dead letters, delivery reports, and the sweep."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from pytest_django import Settings

from alerts.models import Alert, AlertEvent, Channel
from alerts.services import AlertInput
from clas.models import Role
from core.exceptions import DomainError, InvalidTransition, PermissionRefused
from sms import services
from sms.models import DeliveryReport, IncomingMessage, OutgoingMessage
from tests import factories as f
from tests.sms.conftest import CLA_NUMBER, FOCAL_NUMBER, SmsWorld
from tests.sms.support import FakeSendsms

# serialized_rollback: what the data migrations wrote (threat categories) is back afterwards,
# as the other transactional tests expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

State = IncomingMessage.State
Reason = IncomingMessage.Reason
Out = OutgoingMessage.State


def receive(text: str, sender: str = CLA_NUMBER, **kwargs: object) -> IncomingMessage:
    message, _created = services.incoming_receive(
        gateway_id=str(uuid.uuid4()), sender=sender, text=text, **kwargs
    )
    message.refresh_from_db()
    return message


# --- who the alert is logged for ----------------------------------------------------------


def test_a_focal_points_alert_is_logged_for_the_cla_of_the_network(world: SmsWorld) -> None:
    message = receive("ALERTE ICI PILLAGE ATTENDU le marché sera attaqué", sender=FOCAL_NUMBER)

    assert message.state == State.ALERTED
    alert = message.alert
    assert alert.logged_by == world.mission.cla
    assert alert.location == world.mission.base_a
    assert alert.source_type == Alert.SourceType.CAN_MEMBER
    assert alert.source_can == world.focal_point.network
    assert alert.source_name == "Marthe Yakite"
    assert alert.source_contact == FOCAL_NUMBER
    assert message.sender_focal_point == world.focal_point


def test_the_cla_deployed_longest_answers_for_the_network(world: SmsWorld) -> None:
    newcomer = f.UserFactory(username="newcomer", role=Role.CLA)
    f.DeploymentFactory(
        cla=f.CLAFactory(user=newcomer),
        location=world.mission.base_a,
        start_date=timezone.localdate() - dt.timedelta(days=3),
    )

    message = receive("ALERTE ICI PILLAGE ATTENDU x", sender=FOCAL_NUMBER)

    assert message.alert.logged_by == world.mission.cla


def test_a_focal_point_without_a_cla_at_the_location_waits_for_review(world: SmsWorld) -> None:
    deployment = world.cla.deployments.get()
    deployment.end_date = timezone.localdate()
    deployment.save()

    message = receive("ALERTE ICI PILLAGE ATTENDU x", sender=FOCAL_NUMBER)

    assert message.state == State.REVIEW
    assert message.reason == Reason.NO_CLA
    assert message.location == world.mission.base_a
    assert not Alert.objects.exists()


def test_a_number_registered_to_two_people_names_nobody(world: SmsWorld) -> None:
    f.FocalPointFactory(phone=CLA_NUMBER)

    message = receive("ALERTE IPY MEURTRE IMMEDIAT x")

    assert message.state == State.REVIEW
    assert message.reason == Reason.AMBIGUOUS_SENDER
    assert message.sender_user is None


def test_a_cla_writing_another_location_is_refused_by_the_intake_checks(world: SmsWorld) -> None:
    world.mission.base_b.code = "CF22-BBA"
    world.mission.base_b.save()

    message = receive("ALERTE BBA MEURTRE IMMEDIAT x")

    assert message.state == State.REVIEW
    assert message.reason == Reason.REJECTED
    assert "déployé" in message.detail  # the intake service's own words, in the CLA's French
    assert message.location == world.mission.base_b
    assert message.detail in OutgoingMessage.objects.get().text


def test_here_from_a_user_without_deployment_asks_for_the_place(world: SmsWorld) -> None:
    coordinator = world.mission.coordinator
    coordinator.phone = "+23670111111"
    coordinator.save()

    message = receive("ALERTE ICI MEURTRE IMMEDIAT x", sender="+23670111111")

    assert message.state == State.REVIEW
    assert message.reason == Reason.REJECTED


def test_a_coordinator_may_log_an_alert_of_their_area_by_sms(world: SmsWorld) -> None:
    coordinator = world.mission.coordinator
    coordinator.phone = "+23670111111"
    coordinator.save()

    message = receive("ALERT IPY KILL NOW x", sender="+23670111111")

    assert message.state == State.ALERTED
    assert message.alert.logged_by == coordinator


def test_an_officer_may_not_log_an_alert_by_sms(world: SmsWorld) -> None:
    officer = world.mission.force
    officer.phone = "+23670222222"
    officer.save()

    message = receive("ALERT IPY KILL NOW x", sender="+23670222222")

    assert message.state == State.REVIEW
    assert message.reason == Reason.NOT_ALLOWED


def test_reading_a_message_twice_makes_one_alert(world: SmsWorld) -> None:
    message = receive("ALERTE IPY MEURTRE IMMEDIAT x")
    IncomingMessage.objects.filter(pk=message.pk).update(state=State.RECEIVED)

    assert services.incoming_process(message_id=message.pk) == State.ALERTED

    assert Alert.objects.count() == 1
    assert OutgoingMessage.objects.count() == 1


def test_a_message_already_read_is_left_alone(world: SmsWorld) -> None:
    message = receive("ALERTE IPY MEURTRE IMMEDIAT x")

    assert services.incoming_process(message_id=message.pk) == State.ALERTED
    assert IncomingMessage.objects.get().attempts == 1


def test_the_alert_keeps_the_gateway_id_as_its_client_key(world: SmsWorld) -> None:
    gateway_id = "3f2c6d1e-aaaa-4bbb-8ccc-0123456789ab"
    services.incoming_receive(gateway_id=gateway_id, sender=CLA_NUMBER, text="ALERT IPY KILL NOW x")

    assert Alert.objects.get().client_key == f"sms-{gateway_id}"


def test_an_odd_gateway_id_is_hashed_into_a_client_key(world: SmsWorld) -> None:
    services.incoming_receive(gateway_id="a b/c", sender=CLA_NUMBER, text="ALERT IPY KILL NOW x")

    key = Alert.objects.get().client_key
    assert key.startswith("sms-") and len(key) == 44


def test_a_broker_that_is_down_leaves_the_message_for_the_sweep(
    world: SmsWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sms import receivers

    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("broker down")

    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING, logger="sms.services"):
        patch.setattr(receivers.process_incoming_sms, "delay", broker_down)
        message = receive("ALERTE IPY MEURTRE IMMEDIAT x")

    assert message.state == State.RECEIVED  # stored all the same
    assert "left for the sweep" in caplog.text
    IncomingMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert services.sms_sweep()["incoming"] == 1
    assert IncomingMessage.objects.get().state == State.ALERTED


# --- the review inbox ---------------------------------------------------------------------


def _input(world: SmsWorld, message: IncomingMessage, **changes: object) -> AlertInput:
    values: dict[str, object] = {
        "location_id": world.mission.base_a.pk,
        "category_id": world.killing.pk,
        "source_type": Alert.SourceType.OTHER,
        "description": message.text,
        "occurred_at": message.received_at,
        "reported_at": message.received_at,
    }
    values.update(changes)
    return AlertInput(**values)  # type: ignore[arg-type]


def test_a_coordinator_turns_a_message_into_an_alert(world: SmsWorld) -> None:
    message = receive("Des hommes armés à Ippy ce matin", sender="+23670999999")
    assert message.state == State.REVIEW

    alert = services.incoming_convert(
        message_id=message.pk, user=world.mission.coordinator, data=_input(world, message)
    )

    alert.refresh_from_db()
    assert alert.channel == Channel.SMS
    assert alert.logged_by == world.mission.coordinator
    assert alert.queue == world.mission.queue_a  # routed, as any alert
    message.refresh_from_db()
    assert message.state == State.CONVERTED
    assert message.alert == alert
    assert message.reviewed_by == world.mission.coordinator
    reply = OutgoingMessage.objects.get(key=f"converted:{message.pk}")
    assert alert.reference in reply.text and reply.to == "+23670999999"


def test_a_conversion_refused_by_the_checks_leaves_the_message_in_the_inbox(
    world: SmsWorld,
) -> None:
    message = receive("x", sender="+23670999999")

    with pytest.raises(ValidationError):
        services.incoming_convert(
            message_id=message.pk,
            user=world.mission.coordinator,
            data=_input(world, message, description=""),
        )

    message.refresh_from_db()
    assert message.state == State.REVIEW
    assert not Alert.objects.exists()


def test_a_message_is_converted_once(world: SmsWorld) -> None:
    message = receive("x", sender="+23670999999")
    coordinator = world.mission.coordinator
    services.incoming_convert(message_id=message.pk, user=coordinator, data=_input(world, message))

    with pytest.raises(InvalidTransition):
        services.incoming_convert(
            message_id=message.pk, user=coordinator, data=_input(world, message)
        )
    assert Alert.objects.count() == 1


def test_a_coordinator_of_another_area_does_not_reach_the_message(world: SmsWorld) -> None:
    message = receive("ALERTE IPY MEURTRE DEMAIN x")  # the CLA's, in area A
    other = f.UserFactory(role=Role.COORDINATOR, field_office=world.mission.office_b)

    with pytest.raises(Http404):
        services.incoming_discard(message_id=message.pk, user=other, reason="not mine")


def test_a_message_whose_place_nobody_knows_is_seen_by_every_coordinator(world: SmsWorld) -> None:
    message = receive("hello", sender="+23670999999")
    other = f.UserFactory(role=Role.COORDINATOR, field_office=world.mission.office_b)

    services.incoming_discard(message_id=message.pk, user=other, reason="Not an alert")

    assert IncomingMessage.objects.get().state == State.DISCARDED


@pytest.mark.parametrize("role", ["cla", "force"])
def test_other_roles_do_not_review(world: SmsWorld, role: str) -> None:
    message = receive("hello", sender="+23670999999")

    with pytest.raises((Http404, PermissionRefused)):
        services.incoming_discard(message_id=message.pk, user=world.mission.user(role), reason="no")
    assert IncomingMessage.objects.get().state == State.REVIEW


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why"), ("   ", "Say why"), ("<b>x</b>", "markup"), ("x" * 1001, "1000")],
)
def test_a_discard_needs_a_plain_reason(world: SmsWorld, reason: str, message: str) -> None:
    sms = receive("hello", sender="+23670999999")

    with pytest.raises(DomainError) as error:
        services.incoming_discard(message_id=sms.pk, user=world.mission.coordinator, reason=reason)

    assert error.value.field == "reason"
    assert IncomingMessage.objects.get().state == State.REVIEW


def test_a_discarded_message_keeps_its_reason(world: SmsWorld) -> None:
    sms = receive("hello", sender="+23670999999")

    services.incoming_discard(
        message_id=sms.pk, user=world.mission.coordinator, reason="  A test by the operator "
    )

    sms.refresh_from_db()
    assert (sms.state, sms.discard_reason) == (State.DISCARDED, "A test by the operator")


# --- sending ------------------------------------------------------------------------------


def queue_one(text: str = "hello") -> OutgoingMessage:
    return services.outgoing_queue(key=f"test:{uuid.uuid4()}", to=CLA_NUMBER, text=text)


def test_without_a_gateway_a_message_is_written_to_the_log(
    world: SmsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sms.services"):
        message = queue_one("Alerte ALT-2026-000001 reçue")

    message.refresh_from_db()
    assert message.state == Out.LOGGED
    assert (
        "SMS to +23675123456 (no gateway configured, not sent): Alerte ALT-2026-000001 reçue"
        in caplog.text
    )


def test_a_message_is_handed_to_kannels_sendsms(world: SmsWorld, fake_sendsms: FakeSendsms) -> None:
    message = queue_one("Alerte reçue")

    message.refresh_from_db()
    assert message.state == Out.SENT
    assert message.attempts == 1
    [request] = fake_sendsms.requests
    assert request["to"] == CLA_NUMBER
    assert request["text"] == "Alerte reçue"
    assert request["charset"] == "UTF-8"
    assert request["coding"] == "2"  # ç is not in the GSM alphabet
    assert request["username"] == "earlywarning"
    assert request["dlr-mask"] == "31"
    assert request["dlr-url"].startswith(f"http://127.0.0.1:8000/sms/kannel/report/{message.pk}/")
    assert "kannel-secret" not in request["dlr-url"]


def test_plain_text_goes_as_gsm_7_bit(world: SmsWorld, fake_sendsms: FakeSendsms) -> None:
    queue_one("Alerte ALT-2026-000001 recue. Merci.")

    assert fake_sendsms.requests[0]["coding"] == "0"


def send_until_done(message: OutgoingMessage) -> list[int | None]:
    """Run the send task's work as the worker's retries would, the delay each asks for."""
    delays = []
    while True:
        OutgoingMessage.objects.filter(pk=message.pk, state=Out.QUEUED).update(next_attempt_at=None)
        outcome = services.outgoing_send(message_id=message.pk)
        delays.append(outcome.retry_in)
        if outcome.retry_in is None:
            return delays


def test_a_failing_gateway_is_retried_with_backoff_then_given_up(
    world: SmsWorld, fake_sendsms: FakeSendsms, caplog: pytest.LogCaptureFixture
) -> None:
    fake_sendsms.answers = [(503, "Temporal failure, try again later.")]
    message = queue_one()  # the first attempt, at once

    delays = send_until_done(message)

    message.refresh_from_db()
    assert message.state == Out.DEAD
    assert message.attempts == services.MAX_ATTEMPTS
    assert "503" in message.last_error
    assert len(fake_sendsms.requests) == services.MAX_ATTEMPTS
    assert delays == [60, 120, 240, 480, 900, 900, None]  # after the first one's 30 s
    assert "given up after 8 attempts" in caplog.text


def test_a_gateway_that_comes_back_delivers_the_message(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    fake_sendsms.answers = [(503, "down"), (503, "down"), (202, "0: Accepted for delivery")]
    message = queue_one()

    assert send_until_done(message) == [60, None]

    message.refresh_from_db()
    assert (message.state, message.attempts) == (Out.SENT, 3)


def test_a_refusal_by_the_gateway_goes_to_the_dead_letters_at_once(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    fake_sendsms.answers = [(403, "Authorization failed for sendsms")]

    message = queue_one()

    message.refresh_from_db()
    assert (message.state, message.attempts) == (Out.DEAD, 1)
    assert message.dead_at is not None


def test_an_unreachable_gateway_is_retried(world: SmsWorld, settings: Settings) -> None:
    settings.KANNEL_SENDSMS_URL = "http://127.0.0.1:9/cgi-bin/sendsms"  # discard port: refused
    settings.KANNEL_SENDSMS_USERNAME = settings.KANNEL_SENDSMS_PASSWORD = "x"
    message = services.outgoing_queue(key="k", to=CLA_NUMBER, text="x")
    OutgoingMessage.objects.filter(pk=message.pk).update(state=Out.QUEUED, attempts=0)

    outcome = services.outgoing_send(message_id=message.pk)

    assert outcome.state == Out.QUEUED and outcome.retry_in == 30
    assert "unreachable" in OutgoingMessage.objects.get().last_error


def test_a_message_claimed_by_another_worker_is_not_sent_twice(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()

    assert services.outgoing_send(message_id=message.pk).state == Out.SENT
    assert len(fake_sendsms.requests) == 1


def test_one_reply_per_purpose(world: SmsWorld) -> None:
    first = services.outgoing_queue(key="reply:1", to=CLA_NUMBER, text="a")
    second = services.outgoing_queue(key="reply:1", to=CLA_NUMBER, text="b")

    assert first.pk == second.pk
    assert OutgoingMessage.objects.get().text == "a"


def test_an_admin_sends_a_dead_letter_again(world: SmsWorld, fake_sendsms: FakeSendsms) -> None:
    fake_sendsms.answers = [(403, "no"), (202, "0: Accepted")]
    message = queue_one()

    services.outgoing_retry(message_id=message.pk, user=world.mission.admin)

    message.refresh_from_db()
    assert (message.state, message.attempts, message.dead_at) == (Out.SENT, 1, None)


def test_only_admins_send_dead_letters_again(world: SmsWorld, fake_sendsms: FakeSendsms) -> None:
    fake_sendsms.answers = [(403, "no")]
    message = queue_one()

    with pytest.raises(PermissionRefused):
        services.outgoing_retry(message_id=message.pk, user=world.mission.hq)


def test_a_message_on_its_way_is_not_sent_again_by_retry(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()

    with pytest.raises(InvalidTransition):
        services.outgoing_retry(message_id=message.pk, user=world.mission.admin)


# --- delivery reports ---------------------------------------------------------------------


def test_delivery_reports_are_kept_and_move_the_message_on(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()

    services.delivery_report_record(message_id=message.pk, status=8, answer="ACK/")
    services.delivery_report_record(message_id=message.pk, status=1, answer="DELIVRD")

    message.refresh_from_db()
    assert message.state == Out.DELIVERED
    assert message.delivered_at is not None
    assert list(DeliveryReport.objects.values_list("status", flat=True)) == [8, 1]


def test_an_undeliverable_report_puts_the_message_with_the_dead_letters(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()

    services.delivery_report_record(message_id=message.pk, status=2, answer="UNDELIV")

    message.refresh_from_db()
    assert (message.state, message.last_error) == (Out.FAILED, "UNDELIV")


def test_a_late_failure_report_does_not_undo_a_delivery(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()
    services.delivery_report_record(message_id=message.pk, status=1)

    services.delivery_report_record(message_id=message.pk, status=16)

    assert OutgoingMessage.objects.get().state == Out.DELIVERED


def test_a_report_arriving_before_kannel_answered_is_not_undone(
    world: SmsWorld, fake_sendsms: FakeSendsms, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sms import gateway

    original = gateway.sendsms

    def sendsms_with_early_report(**kwargs: object) -> gateway.SendResult:
        result = original(**kwargs)  # type: ignore[arg-type]
        message = OutgoingMessage.objects.get()
        services.delivery_report_record(message_id=message.pk, status=1)
        return result

    monkeypatch.setattr(gateway, "sendsms", sendsms_with_early_report)

    queue_one()

    assert OutgoingMessage.objects.get().state == Out.DELIVERED


# --- the sweep ----------------------------------------------------------------------------


def test_the_sweep_takes_back_a_message_a_dead_worker_left_half_sent(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    message = queue_one()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=Out.SENDING, last_attempt_at=long_ago, created_at=long_ago
    )

    summary = services.sms_sweep()

    assert summary == {"incoming": 0, "outgoing": 1, "reclaimed": 1, "notified": 0}
    assert OutgoingMessage.objects.get().state == Out.SENT


def test_the_sweep_leaves_fresh_work_to_the_workers(world: SmsWorld) -> None:
    message = queue_one()
    OutgoingMessage.objects.filter(pk=message.pk).update(state=Out.QUEUED)

    assert services.sms_sweep() == {"incoming": 0, "outgoing": 0, "reclaimed": 0, "notified": 0}


def test_the_timeline_says_who_logged_an_sms_alert(world: SmsWorld) -> None:
    message = receive("ALERTE IPY MEURTRE IMMEDIAT x")

    created = AlertEvent.objects.get(alert=message.alert, kind=AlertEvent.Kind.CREATED)
    assert created.actor == world.mission.cla


def test_french_typography_does_not_push_a_reply_out_of_the_gsm_alphabet(
    world: SmsWorld, fake_sendsms: FakeSendsms
) -> None:
    queue_one("Message bien arrivé. Votre numéro n\u2019est pas enregistré\u00a0: un coordinateur")

    request = fake_sendsms.requests[0]
    assert request["coding"] == "0"
    assert (
        request["text"]
        == "Message bien arrivé. Votre numéro n'est pas enregistré : un coordinateur"
    )
