"""Keyset pages (core.keyset) over alerts: every row once, in order, whatever arrives meanwhile."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from core.keyset import SALT, CursorInvalid, keyset_page
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
START = timezone.now() - dt.timedelta(days=30)


def alert(mission: Mission, hours: float, **fields: Any) -> Alert:
    return f.AlertFactory(
        location=mission.base_a,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        logged_by=mission.cla,
        reported_at=START + dt.timedelta(hours=hours),
        occurred_at=START + dt.timedelta(hours=hours - 1),
        **fields,
    )


def walk(queryset: Any, size: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = keyset_page(queryset, cursor=cursor, size=size)
        seen += [row.pk for row in page.rows]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_pages_hold_every_row_once_in_order_even_with_equal_keys(mission: Mission) -> None:
    # Many alerts share a reported_at: the primary key orders them.
    for index in range(40):
        alert(mission, hours=index // 4)
    ordered = Alert.objects.order_by("-reported_at", "-pk")

    for size in (1, 3, 7, 40, 100):
        assert walk(ordered, size) == list(ordered.values_list("pk", flat=True))


def test_going_back_gives_the_same_pages(mission: Mission) -> None:
    for index in range(23):
        alert(mission, hours=index // 2)
    ordered = Alert.objects.order_by("-reported_at", "-pk")
    pages = []
    cursor = None
    while True:
        page = keyset_page(ordered, cursor=cursor, size=5)
        pages.append([row.pk for row in page.rows])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    back = []
    cursor = page.previous_cursor
    while cursor:
        page = keyset_page(ordered, cursor=cursor, size=5)
        back.append([row.pk for row in page.rows])
        cursor = page.previous_cursor

    assert list(reversed(back)) == pages[:-1]
    assert keyset_page(ordered, cursor=None, size=5).previous_cursor is None


def test_alerts_that_arrive_while_reading_shift_nothing(mission: Mission) -> None:
    for index in range(30):
        alert(mission, hours=index)
    before = list(Alert.objects.order_by("-reported_at", "-pk").values_list("pk", flat=True))
    client = APIClient()
    client.force_login(mission.hq)

    seen: list[int] = []
    url = f"{ALERTS}?page_size=4"
    arrived = 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        # New alerts keep coming, the newest first in the list, and at a time already read.
        alert(mission, hours=10_000 + arrived)
        alert(mission, hours=29 - arrived % 30)
        arrived += 1

    assert len(seen) == len(set(seen)), "an alert was shown twice"
    assert [pk for pk in seen if pk in before] == before, "an alert was skipped"


def test_the_api_pages_in_any_offered_ordering(mission: Mission) -> None:
    for index, urgency in enumerate(["Immediate", "Expected", "Future", "Unknown"] * 5):
        alert(mission, hours=index, urgency=urgency)
    client = APIClient()
    client.force_login(mission.hq)

    for ordering in ("urgency_rank", "-urgency_rank", "occurred_at", "-created_at"):
        seen: list[int] = []
        url = f"{ALERTS}?page_size=3&ordering={ordering}"
        while url:
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        expected = list(
            Alert.objects.order_by(
                ordering, "-pk" if ordering.startswith("-") else "pk"
            ).values_list("pk", flat=True)
        )
        assert seen == expected, ordering


@pytest.mark.parametrize(
    "cursor",
    [
        "forged",
        signing.dumps({"o": ["-reported_at", "-id"], "k": ["x"]}, salt=SALT),
        signing.dumps(
            {"o": ["occurred_at", "id"], "k": [{"t": "2026-01-01T00:00:00"}, 1]}, salt=SALT
        ),
        signing.dumps({"o": ["-reported_at", "-id"], "k": [{"t": "not a date"}, 1]}, salt=SALT),
        signing.dumps({"o": ["-reported_at", "-id"], "k": [[1], 1]}, salt=SALT),
        signing.dumps(
            {"o": ["-reported_at", "-id"], "k": [{"t": "2026-01-01T00:00:00"}, 1]}, salt="other"
        ),
    ],
)
def test_a_cursor_it_did_not_make_is_refused(mission: Mission, cursor: str) -> None:
    alert(mission, hours=1)

    with pytest.raises(CursorInvalid):
        keyset_page(Alert.objects.order_by("-reported_at", "-pk"), cursor=cursor, size=5)
    client = APIClient()
    client.force_login(mission.hq)
    response = client.get(ALERTS, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_of_one_ordering_is_refused_in_another(mission: Mission) -> None:
    for index in range(5):
        alert(mission, hours=index)
    client = APIClient()
    client.force_login(mission.hq)
    body = client.get(ALERTS, {"page_size": 2, "ordering": "occurred_at"}).json()
    cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]

    response = client.get(ALERTS, {"page_size": 2, "cursor": cursor})

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_pk_and_the_primary_key_s_name_make_the_same_cursor(mission: Mission) -> None:
    for index in range(5):
        alert(mission, hours=index)
    by_pk = keyset_page(Alert.objects.order_by("-reported_at", "-pk"), cursor=None, size=2)

    by_id = keyset_page(
        Alert.objects.order_by("-reported_at", "-id"), cursor=by_pk.next_cursor, size=2
    )

    assert [row.pk for row in by_id.rows] == list(
        Alert.objects.order_by("-reported_at", "-id").values_list("pk", flat=True)[2:4]
    )
