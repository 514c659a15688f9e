"""The dashboard's response times of the alerts near a base, apart from the others: the page,
its API twin and its CSV, the same figures within the same scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, ThreatCategory
from clas.models import Location
from reporting.dashboard.selectors import dashboard_default_filters, dashboard_figures
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

FIGURES = "/api/v1/dashboard/"


def _alert(
    location: Location,
    *,
    km: str | None,
    ack_minutes: int | None = None,
    response_minutes: int | None = None,
) -> Alert:
    created = timezone.now() - dt.timedelta(days=2)
    status = Alert.Status.QUEUED
    if ack_minutes is not None:
        status = Alert.Status.ACKNOWLEDGED
    if response_minutes is not None:
        status = Alert.Status.RESPONDED
    return f.AlertFactory(
        location=location,
        category=ThreatCategory.objects.get(code="attack"),
        reported_at=created - dt.timedelta(minutes=5),
        occurred_at=created - dt.timedelta(hours=1),
        created_at=created,
        acknowledged_at=created + dt.timedelta(minutes=ack_minutes) if ack_minutes else None,
        responded_at=(
            created + dt.timedelta(minutes=response_minutes) if response_minutes else None
        ),
        status=status,
        latitude=Decimal("6.50000") if km is not None else None,
        longitude=Decimal("18.50000") if km is not None else None,
        nearest_base=location if km is not None else None,
        base_distance_km=Decimal(km) if km is not None else None,
    )


@pytest.fixture
def alerts(mission: Mission) -> dict[str, Alert]:
    """Sector A: three alerts near a base (acknowledged after 4, 6 and 8 minutes; one
    responded after 60), two farther and one without coordinates (after 30, 50, 70; one
    responded after 300). Sector B: one near a base, acknowledged after 1 minute."""
    a = mission.base_a
    return {
        "near_1": _alert(a, km="0.80", ack_minutes=4, response_minutes=60),
        "near_2": _alert(a, km="5.00", ack_minutes=6),
        "near_3": _alert(a, km="2.30", ack_minutes=8),
        "far_1": _alert(a, km="5.01", ack_minutes=30, response_minutes=300),
        "far_2": _alert(a, km="40.00", ack_minutes=50),
        "nowhere": _alert(a, km=None, ack_minutes=70),
        "near_b": _alert(mission.base_b, km="1.00", ack_minutes=1),
    }


def _split(user: Any) -> dict[str, Any]:
    return dashboard_figures(user=user, filters=dashboard_default_filters())[
        "response_times_near_base"
    ]


def test_near_base_alerts_are_measured_apart_from_the_others(
    mission: Mission, alerts: dict[str, Alert]
) -> None:
    split = _split(mission.hq)

    assert split["radius_km"] == 5.0
    near, others = split["near_base"], split["others"]
    assert near["acknowledge"]["count"] == 4
    assert near["acknowledge"]["median"] == pytest.approx(5 * 60)  # 1, 4, 6, 8 minutes
    assert near["response"]["count"] == 1
    assert near["response"]["median"] == pytest.approx(60 * 60)
    assert others["acknowledge"]["count"] == 3
    assert others["acknowledge"]["median"] == pytest.approx(50 * 60)
    assert others["response"]["median"] == pytest.approx(300 * 60)
    assert near["alerts_url"].endswith("near_base=true")
    assert others["alerts_url"].endswith("near_base=false")


def test_the_split_keeps_to_the_user_s_scope(mission: Mission, alerts: dict[str, Alert]) -> None:
    split = _split(mission.coordinator)

    assert split["near_base"]["acknowledge"]["count"] == 3
    assert split["near_base"]["acknowledge"]["median"] == pytest.approx(6 * 60)
    assert split["others"]["acknowledge"]["count"] == 3


def test_the_radius_follows_the_setting(
    mission: Mission, alerts: dict[str, Alert], settings: Any
) -> None:
    settings.NEAR_BASE_KM = 1

    split = _split(mission.hq)

    assert split["radius_km"] == 1.0
    assert split["near_base"]["acknowledge"]["count"] == 2  # 0.80 and 1.00 km


def test_the_page_and_the_api_show_the_same_split(
    client: Client, mission: Mission, alerts: dict[str, Alert]
) -> None:
    client.force_login(mission.hq)

    page = client.get(reverse("reporting:dashboard"))
    body = client.get(FIGURES).json()

    assert page.status_code == 200
    assert (
        page.context["fig"]["response_times_near_base"]["near_base"]["acknowledge"]
        == (body["response_times_near_base"]["near_base"]["acknowledge"])
    )
    table = page.context["tables"]["response_times_near_base"]
    assert [(row[0].text, row[1].text, row[2].text) for row in table.rows] == [
        ("Near a base (≤ 5 km)", "Logging to acknowledgement", "4"),
        ("Near a base (≤ 5 km)", "Logging to response", "1"),
        ("Farther or without coordinates", "Logging to acknowledgement", "3"),
        ("Farther or without coordinates", "Logging to response", "1"),
    ]
    html = page.content.decode()
    assert "Response times near a base" in html
    assert "near_base=true" in html
    assert body["response_times_near_base"]["others"]["acknowledge"]["count"] == 3


def test_the_page_is_in_french(client: Client, mission: Mission, alerts: dict[str, Alert]) -> None:
    client.force_login(mission.hq)

    html = client.get(reverse("reporting:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Délais de réponse près d\u2019une base" in html
    assert "Près d\u2019une base (≤ 5 km)" in html
    assert "Plus loin ou sans coordonnées" in html


def test_the_csv_of_the_split(client: Client, mission: Mission, alerts: dict[str, Alert]) -> None:
    client.force_login(mission.hq)

    response = client.get(reverse("reporting:dashboard_csv", args=["response_times_near_base"]))

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Near a base (≤ 5 km),Logging to acknowledgement,4,5.0,")


def test_a_cla_sees_neither_the_page_nor_the_api(
    client: Client, mission: Mission, alerts: dict[str, Alert]
) -> None:
    client.force_login(mission.cla)

    assert client.get(reverse("reporting:dashboard")).status_code == 302  # to their own page
    assert client.get(FIGURES).status_code == 403
