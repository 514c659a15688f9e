"""Fixtures of the SMS tests: Kannel's secret configured, a mission with phone numbers, the
threat categories the card and the parser know, and a fake sendsms server."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from pytest_django import Settings

from alerts.models import ThreatCategory
from clas.models import CLA, FocalPoint
from config.celery import app as celery_app
from tests import factories as f
from tests.conftest import Mission
from tests.sms.support import FakeSendsms

SECRET = "kannel-secret-for-the-tests-0123456789"
CLA_NUMBER = "+23675123456"
FOCAL_NUMBER = "+23677112233"


@pytest.fixture(autouse=True)
def _kannel_settings(settings: Settings) -> None:
    settings.KANNEL_SECRET = SECRET
    settings.KANNEL_SENDSMS_URL = ""
    settings.KANNEL_CALLBACK_URL = "http://127.0.0.1:8000"
    settings.SMS_DEFAULT_REGION = "CF"
    settings.SMS_RATE_LIMIT = 10
    settings.SMS_RATE_WINDOW = 600


@dataclass
class SmsWorld:
    mission: Mission
    cla: CLA  # mission.cla's profile, deployed at base_a (code CF43-IPY), phone CLA_NUMBER
    focal_point: FocalPoint  # of a network at base_a, phone FOCAL_NUMBER
    killing: ThreatCategory
    looting: ThreatCategory


@pytest.fixture
def world(mission: Mission) -> SmsWorld:
    base = mission.base_a
    base.code = "CF43-IPY"
    base.save(update_fields=["code"])
    cla = mission.cla_profile
    cla.phone = "+236 75 12 34 56"
    cla.save(update_fields=["phone"])
    network = f.NetworkFactory(location=base, name="CAN Ippy centre")
    point = f.FocalPointFactory(network=network, name="Marthe Yakite", phone="77 11 22 33")
    killing = f.CategoryFactory(code="killing", name_en="Killing", name_fr="Meurtre")
    looting = f.CategoryFactory(
        code="looting", name_en="Looting", name_fr="Pillage ou destruction de biens"
    )
    return SmsWorld(mission=mission, cla=cla, focal_point=point, killing=killing, looting=looting)


def kannel_auth(secret: str = SECRET) -> dict[str, str]:
    token = base64.b64encode(f"kannel:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def kannel(client: Client) -> Client:
    """A client that presents itself as Kannel does (basic auth with the shared secret)."""
    client.defaults.update(kannel_auth())
    return client


@pytest.fixture
def fake_sendsms(settings: Settings) -> Iterator[FakeSendsms]:
    """Kannel's sendsms interface, answering as the test says; the settings point to it."""
    server = FakeSendsms()
    server.start()
    settings.KANNEL_SENDSMS_URL = server.url
    settings.KANNEL_SENDSMS_USERNAME = "earlywarning"
    settings.KANNEL_SENDSMS_PASSWORD = "sendsms-password"
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _tasks_run_in_process() -> Iterator[None]:
    """The SMS tasks run in-process here, whatever broker an earlier test pointed the Celery
    app at (an SMS left unprocessed would be missing from the inbox)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved
