"""SMS through a real Kannel: bearerbox and smsbox configured from
deploy/kannel/kannel.conf.template, fakesmsc standing for the operator, the system's web process
(gunicorn) and a Celery worker for the alerts and sms queues, all on 127.0.0.1.

An SMS sent through fakesmsc becomes a routed alert and the phone gets its reference back; the
same message delivered twice is one alert; with the web down, Kannel's retries deliver the
message once it is back; an SMS that cannot be read lands in the review inbox.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from alerts.models import Alert, Channel
from clas.models import CLA
from sms.models import IncomingMessage, OutgoingMessage
from tests import factories as f
from tests.conftest import Mission
from tests.integration.support import Worker, skip_reason, wait_for, with_path
from tests.sms.kannel_support import (
    SHORT_CODE,
    FakeSmsc,
    Kannel,
    LosingProxy,
    WebProcess,
    kannel_missing,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
    pytest.mark.skipif(kannel_missing() is not None, reason=kannel_missing() or ""),
]

SECRET = "integration-kannel-secret-0123456789"
USERNAME = "earlywarning"
PASSWORD = "integration-sendsms-password"
CLA_NUMBER = "+23675123456"
TIMEOUT = 60.0


class Gateway:
    """The processes of one test, and the settings they share."""

    def __init__(
        self, *, database_url: str, broker_url: str, workdir: Path, started: list[object]
    ) -> None:
        self.database_url = database_url
        self.broker_url = broker_url
        self.workdir = workdir
        self.started = started
        self.kannel: Kannel | None = None
        self.web: WebProcess | None = None

    def env(self, kannel: Kannel, web_url: str) -> dict[str, str]:
        return {
            "KANNEL_SECRET": SECRET,
            "KANNEL_SENDSMS_URL": kannel.sendsms_url,
            "KANNEL_SENDSMS_USERNAME": USERNAME,
            "KANNEL_SENDSMS_PASSWORD": PASSWORD,
            "KANNEL_CALLBACK_URL": web_url,
            "SMS_NUMBER": SHORT_CODE,
            "SMS_DEFAULT_REGION": "CF",
        }

    def start(self, *, through: Callable[[WebProcess], str] | None = None) -> None:
        """The web, Kannel posting to it (or to `through(web)`), and a worker."""
        self.web = WebProcess(
            database_url=self.database_url, broker_url=self.broker_url, env={}, log_dir=self.workdir
        )
        kannel_url = through(self.web) if through else self.web.url
        self.kannel = Kannel(
            workdir=self.workdir,
            web_url=kannel_url,
            secret=SECRET,
            username=USERNAME,
            password=PASSWORD,
        )
        env = self.env(self.kannel, self.web.url)
        self.web.environment.update(env)
        self.started += [self.web, self.kannel]
        self.web.start()
        self.kannel.start()
        self.worker = Worker(
            database_url=self.database_url,
            broker_url=self.broker_url,
            log_dir=self.workdir,
            queues="alerts,sms",
            env=env,
        )
        self.started.append(self.worker)

    def phone(self, text: str, sender: str = CLA_NUMBER) -> FakeSmsc:
        assert self.kannel is not None
        smsc = FakeSmsc(self.kannel, sender=sender, text=text)
        self.started.append(smsc)
        return smsc

    def diagnostics(self) -> str:
        parts = [self.kannel.logs() if self.kannel else ""]
        if self.web:
            parts.append(f"--- web\n{self.web.output()}")
        if getattr(self, "worker", None):
            parts.append(f"--- worker\n{self.worker.output()}")
        return "\n".join(parts)


@pytest.fixture
def sms_broker() -> str:
    """A Redis database of these tests' own for the web and the worker (the test process sends
    no task): KANNEL_TEST_REDIS_DB, 12 unless told, emptied first."""
    url = with_path(os.environ["REDIS_URL"], os.environ.get("KANNEL_TEST_REDIS_DB", "12"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def gateway(
    transactional_db: None, sms_broker: str, worker_database_url: str, tmp_path: Path
) -> Iterator[Gateway]:
    broker = sms_broker
    started: list[object] = []
    gateway = Gateway(
        database_url=worker_database_url, broker_url=broker, workdir=tmp_path, started=started
    )
    try:
        yield gateway
    finally:
        for thing in reversed(started):
            for method in ("stop", "kill", "close"):
                if hasattr(thing, method):
                    getattr(thing, method)()
                    break


@pytest.fixture
def cla(mission: Mission) -> CLA:
    """The demo-like CLA of base A (code CF43-IPY), phone CLA_NUMBER; threat categories."""
    mission.base_a.code = "CF43-IPY"
    mission.base_a.save(update_fields=["code"])
    profile = mission.cla_profile
    profile.phone = CLA_NUMBER
    profile.save(update_fields=["phone"])
    f.CategoryFactory(code="killing", name_en="Killing", name_fr="Meurtre")
    return profile


def _reply_to(smsc: FakeSmsc, gateway: Gateway) -> str:
    try:
        replies = wait_for(smsc.replies, timeout=TIMEOUT, interval=0.05, what="the reply SMS")
    except AssertionError:
        pytest.fail(f"No reply reached fakesmsc.\n{smsc.output()}\n{gateway.diagnostics()}")
    assert [(r.sender, r.receiver) for r in replies] == [(SHORT_CODE, CLA_NUMBER)]
    return replies[0].text


def _routed_alert(gateway: Gateway) -> Alert:
    try:
        return wait_for(
            lambda: Alert.objects.filter(routed_at__isnull=False).first(),
            timeout=TIMEOUT,
            what="the alert to be routed",
        )
    except AssertionError:
        pytest.fail(f"No routed alert.\n{gateway.diagnostics()}")


def test_an_sms_through_kannel_becomes_a_routed_alert_and_the_phone_gets_its_reference(
    gateway: Gateway, cla: CLA, mission: Mission, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway.start()

    smsc = gateway.phone("ALERTE IPY MEURTRE IMMEDIAT trois hommes armés au marché")
    alert = _routed_alert(gateway)
    routed_after = time.monotonic() - smsc.sent_at
    reply = _reply_to(smsc, gateway)
    replied_after = time.monotonic() - smsc.sent_at

    assert alert.channel == Channel.SMS
    assert alert.logged_by == mission.cla
    assert alert.queue == mission.queue_a
    assert alert.description == "trois hommes armés au marché"
    assert alert.reference in reply
    message = IncomingMessage.objects.get()
    assert (message.state, message.alert_id) == (IncomingMessage.State.ALERTED, alert.pk)
    # The delivery reports (accepted by the SMS centre: 8, delivered to the phone: 1) come back
    # through Kannel's dlr-url, in whatever order.
    reply_row = OutgoingMessage.objects.get()
    wait_for(
        lambda: {1, 8} <= set(reply_row.delivery_reports.values_list("status", flat=True)),
        timeout=TIMEOUT,
        what="the delivery reports",
    )
    reply_row.refresh_from_db()
    assert reply_row.state == OutgoingMessage.State.DELIVERED
    sent = message.created_at.timestamp() - smsc.sent_at_wall
    with capsys.disabled():
        print(
            f"\nSMS through Kannel: phone to stored by the web {sent:.3f} s, stored to alert saved "
            f"{(alert.created_at - message.created_at).total_seconds():.3f} s, alert saved to "
            f"routed {(alert.routed_at - alert.created_at).total_seconds():.3f} s; phone to routed "
            f"alert {routed_after:.2f} s, phone to reply at the phone {replied_after:.2f} s"
        )


def test_the_same_message_delivered_twice_is_one_alert(gateway: Gateway, cla: CLA) -> None:
    proxies: list[LosingProxy] = []

    def losing_the_first_answer(web: WebProcess) -> str:
        proxy = LosingProxy(web.port, lose=1)
        proxies.append(proxy)
        gateway.started.append(proxy)
        return proxy.url

    gateway.start(through=losing_the_first_answer)

    smsc = gateway.phone("ALERTE IPY MEURTRE IMMEDIAT deux morts")
    reply = _reply_to(smsc, gateway)

    [proxy] = proxies
    # Kannel never heard the first answer: it posts the message again a second later.
    wait_for(lambda: len(proxy.requests) >= 2, timeout=TIMEOUT, what="Kannel's second post")
    wait_for(lambda: proxy.answered >= 1, timeout=TIMEOUT, what="the answer to the second post")
    ids = proxy.gateway_ids()
    assert len(ids) == 2 and ids[0] == ids[1], proxy.requests  # Kannel posted it again
    assert IncomingMessage.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.reference in reply
    time.sleep(2)  # nothing more comes
    assert Alert.objects.count() == 1
    assert len(smsc.replies()) == 1


def test_with_the_web_down_kannel_delivers_the_message_once_it_is_back(
    gateway: Gateway, cla: CLA
) -> None:
    gateway.start()
    assert gateway.web is not None
    gateway.web.kill()

    smsc = gateway.phone("ALERTE IPY MEURTRE IMMEDIAT village encerclé")
    time.sleep(4)  # Kannel tries, and tries again every second
    assert not IncomingMessage.objects.exists()

    gateway.web.start()
    alert = _routed_alert(gateway)
    reply = _reply_to(smsc, gateway)

    assert alert.reference in reply
    assert alert.description == "village encerclé"
    assert IncomingMessage.objects.count() == 1


def test_an_sms_that_cannot_be_read_lands_in_the_review_inbox(gateway: Gateway, cla: CLA) -> None:
    gateway.start()

    smsc = gateway.phone("bonjour il y a des hommes armes pres de la riviere")
    reply = _reply_to(smsc, gateway)

    message = IncomingMessage.objects.get()
    assert message.state == IncomingMessage.State.REVIEW
    assert message.reason == IncomingMessage.Reason.UNPARSEABLE
    assert message.text == "bonjour il y a des hommes armes pres de la riviere"
    assert not Alert.objects.exists()
    assert "ALERTE" in reply  # what to write, in the CLA's French
