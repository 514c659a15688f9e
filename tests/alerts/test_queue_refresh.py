"""The queue page's refresh: every poll is a conditional request, answered 304 with no body
while the rows have not changed, so an open queue tab costs little on a slow link."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from clas.models import Role, User
from tests import factories as f
from tests.alerts.test_views import client_for, queued
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("alerts:queue")
ROWS_URL = reverse("alerts:queue_rows")
POLL = {"HTTP_HX_REQUEST": "true"}
# An open tab polls every 5 s: 720 polls an hour must stay under 1 MiB when nothing changes.
POLLS_PER_HOUR = 3600 // 5


def poll(client: Client, etag: str | None = None, **headers: Any) -> Any:
    if etag is not None:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(ROWS_URL, **POLL, **headers)


def page_etag(client: Client, url: str = QUEUE_URL) -> str:
    """The validator the page's script sends with its first poll (data-etag of the rows)."""
    (body,) = parse(client.get(url).content).find_all("tbody", id="queue-rows")
    return f'"{body.attrs["data-etag"]}"'


def test_an_unchanged_queue_answers_304_without_a_body(mission: Mission) -> None:
    queued(mission)
    client = client_for(mission.force)
    first = poll(client)
    assert first.status_code == 200
    assert first["ETag"]

    again = poll(client, first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "no-cache" in again["Cache-Control"] and "private" in again["Cache-Control"]


def test_the_first_poll_of_a_fresh_page_is_a_304(mission: Mission) -> None:
    queued(mission)
    client = client_for(mission.force)

    response = poll(client, page_etag(client))

    assert response.status_code == 304


def test_a_stale_or_garbage_etag_gets_the_rows(mission: Mission) -> None:
    alert = queued(mission)
    client = client_for(mission.force)

    for etag in ('"0123"', "W/", "not an etag", '"' + "x" * 500 + '"'):
        response = poll(client, etag)
        assert response.status_code == 200, etag
        assert alert.reference in response.content.decode()


def test_the_compressed_rows_weak_etag_matches_too(mission: Mission) -> None:
    for i in range(10):  # enough rows for the response to be worth compressing
        queued(mission, place=f"Village {i}")
    client = client_for(mission.force)
    first = poll(client, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')

    assert poll(client, first["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "change", ["new alert", "acknowledged", "escalated", "assigned", "outcome", "closed"]
)
def test_a_change_in_the_rows_changes_the_etag(mission: Mission, change: str) -> None:
    alert = queued(mission)
    other = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(other)
    client = client_for(mission.force)
    etag = poll(client)["ETag"]

    if change == "new alert":
        queued(mission)
    elif change == "acknowledged":
        services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    elif change == "escalated":
        # An escalation step changes neither the version nor the status: its step counter.
        Alert.objects.filter(pk=alert.pk).update(urgency="Immediate")
        assert services.alert_escalate(
            alert_id=alert.pk, now=alert.routed_at + dt.timedelta(minutes=16)
        )
    elif change == "assigned":
        services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=other.pk)
    elif change == "outcome":
        Alert.objects.filter(pk=alert.pk).update(
            status=Alert.Status.VERIFIED, outcome="confirmed", version=F("version") + 1
        )
    elif change == "closed":
        Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.CLOSED)

    response = poll(client, etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    html = response.content.decode()
    assert html.count('class="queue-row') == {"new alert": 2, "closed": 0}.get(change, 1)


def test_time_alone_changes_nothing(mission: Mission) -> None:
    queued(mission, created_at=timezone.now() - dt.timedelta(minutes=50))
    client = client_for(mission.force)
    etag = poll(client)["ETag"]

    later = timezone.now() + dt.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = poll(client, etag)

    assert response.status_code == 304


def test_the_etag_belongs_to_the_reader_and_their_language(mission: Mission) -> None:
    queued(mission)
    colleague = f.UserFactory(username="force-a3", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(colleague)
    client = client_for(mission.force)
    client.cookies["django_language"] = "en"
    etag = poll(client)["ETag"]

    assert poll(client_for(colleague), etag).status_code == 200
    client.cookies["django_language"] = "fr"
    switched = poll(client, etag)
    assert switched.status_code == 200
    assert switched["ETag"] != etag
    assert "En file" in switched.content.decode()


def test_waiting_times_carry_their_timestamps_for_the_page_to_count(mission: Mission) -> None:
    logged = timezone.now() - dt.timedelta(minutes=42)
    waiting = queued(mission, created_at=logged, routed_at=logged)
    acknowledged = queued(
        mission,
        status=Alert.Status.ACKNOWLEDGED,
        created_at=logged,
        acknowledged_at=logged + dt.timedelta(minutes=7),
    )

    page = parse(client_for(mission.force).get(ROWS_URL).content)

    (body,) = page.find_all("tbody", id="queue-rows")
    assert abs(int(body.attrs["data-now"]) - timezone.now().timestamp()) < 60
    rows = {tr.text.split()[0]: tr for tr in page.find_all("tr") if tr.text.split()}
    (live,) = [e for e in page.elements if "data-since" in e.attrs]
    assert any(p is rows[waiting.reference] for p in live.parents)
    assert int(live.attrs["data-since"]) == int(logged.timestamp())
    due = logged + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes)
    assert int(live.attrs["data-overdue-at"]) == int(due.timestamp())
    assert "42 min" in live.text  # the server's own figure, for a page without JavaScript
    assert "7 min" in rows[acknowledged.reference].text


def test_the_page_gives_the_words_of_durations_in_its_language(mission: Mission) -> None:
    client = client_for(mission.force)
    client.cookies["django_language"] = "fr"

    (table,) = parse(client.get(QUEUE_URL).content).find_all("table", class_="queue cards")

    assert table.attrs["data-format-min"] == "%(n)d min"
    assert table.attrs["data-format-d"] == "%(d)d j %(h)d h"


@pytest.mark.parametrize("rows", [3, 30])
def test_a_304_needs_no_rendering_and_few_queries(mission: Mission, rows: int) -> None:
    for _ in range(rows):
        queued(mission, assigned_to=mission.force)
    client = client_for(mission.force)
    etag = poll(client)["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = poll(client, etag)

    assert response.status_code == 304
    # session, user, the queues of the filter, the rows' ids and versions, their count
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_an_hour_of_unchanged_polls_stays_under_1_mib(mission: Mission) -> None:
    for _ in range(5):
        queued(mission)
    client = client_for(mission.force)
    etag = poll(client)["ETag"]

    response = poll(client, etag)

    # What travels back: the status line and the headers (the server adds Date, Server and
    # Connection, about 100 bytes more); a 304 has no body.
    head = len("HTTP/1.1 304 Not Modified\r\n") + 100
    head += sum(len(f"{k}: {v}\r\n") for k, v in response.items())
    head += sum(len(f"Set-Cookie: {c.OutputString()}\r\n") for c in response.cookies.values())
    assert response.content == b""
    assert head * POLLS_PER_HOUR < 1024 * 1024, head


def test_only_a_triage_role_may_poll(mission: Mission) -> None:
    cla: User = mission.cla
    assert poll(client_for(cla), '"x"').status_code == 403
