"""Helpers of the alert tests, shared with the tests of other parts: alerts logged through
the services as a CLA would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, ThreatCategory
from alerts.services import AlertInput
from clas.models import Role, User
from tests import factories as f
from tests.conftest import Mission


def category(code: str = "attack") -> ThreatCategory:
    return ThreatCategory.objects.get(code=code)


def make_input(mission: Mission, **overrides: object) -> AlertInput:
    now = timezone.now()
    values: dict[str, object] = {
        "location_id": mission.base_a.pk,
        "category_id": category().pk,
        "source_type": Alert.SourceType.CLA_OBSERVATION,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": now - dt.timedelta(hours=3),
        "reported_at": now - dt.timedelta(hours=2),
    }
    values.update(overrides)
    return AlertInput(**values)


def off_duty_force(mission: Mission) -> User:
    """A Force officer of sector A who is an officer of none of its queues (not on duty)."""
    return f.UserFactory(username="force-off-duty", role=Role.FORCE, sector=mission.sector_a)


def log(mission: Mission, user: object = None, *, route: bool = True, **overrides: object) -> Alert:
    """An alert logged through the service (by the CLA unless told), routed at once if asked."""
    alert, created = services.alert_create(
        user=user or mission.cla, data=make_input(mission, **overrides)
    )
    assert created
    if route:
        services.alert_route(alert_id=alert.pk)
        alert.refresh_from_db()
    return alert


def validation_fields(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(caught.value.message_dict)


def flash_emails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "FLASH" in m.subject]


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client
