from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import services
from alerts.models import Alert, AlertDispatch, AlertLink, ThreatCategory
from clas.models import Role
from tests import factories as f
from tests.alerts.support import log, off_duty_force
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def client_for(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def category(code: str = "attack") -> ThreatCategory:
    return ThreatCategory.objects.get(code=code)


def payload(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "category": category().pk,
        "source_type": "cla_observation",
        "description": "Armed men seen near the river crossing.",
        "occurred_at": (now - dt.timedelta(hours=3)).isoformat(),
        "reported_at": (now - dt.timedelta(hours=2)).isoformat(),
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "place": "Ndassima",
        "source_name": "Jean Ndoli",
        "source_contact": "+236 75 11 22 33",
    }
    data.update(overrides)
    return data


def post(client: APIClient, data: Any, **headers: str) -> Any:
    return client.post(ALERTS, data, format="json", headers=headers)


def detail(alert: Alert | int) -> str:
    return f"{ALERTS}{getattr(alert, 'pk', alert)}/"


def act(alert: Alert, name: str) -> str:
    return f"{detail(alert)}{name}/"


# --- create ---------------------------------------------------------------------------------


def test_a_cla_logs_an_alert_at_their_location_by_default(mission: Mission) -> None:
    response = post(client_for(mission.cla), payload())

    assert response.status_code == 201, response.json()
    body = response.json()
    alert = Alert.objects.get()
    assert body["id"] == alert.pk
    assert body["reference"] == alert.reference
    assert body["location"]["id"] == mission.base_a.pk
    assert body["category"]["code"] == "attack"
    assert body["status"] == "new"
    assert body["source_name"] == "Jean Ndoli"
    assert [e["kind"] for e in body["timeline"]] == ["created"]
    assert alert.logged_by == mission.cla
    assert alert.place == "Ndassima"


def test_the_logged_alert_is_routed_after_the_commit(
    mission: Mission, django_capture_on_commit_callbacks
) -> None:
    client = client_for(mission.cla)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, payload())

    body = client.get(detail(created.json()["id"])).json()
    assert body["status"] == "queued"
    assert body["queue"] == {
        "id": mission.queue_a.pk,
        "code": mission.queue_a.code,
        "name": mission.queue_a.name,
    }
    assert [e["kind"] for e in body["timeline"]] == ["created", "routed"]


def test_a_coordinator_names_the_location(mission: Mission) -> None:
    response = post(client_for(mission.coordinator), payload(location=mission.office_a.pk))

    assert response.status_code == 201
    assert response.json()["location"]["id"] == mission.office_a.pk


def test_without_a_deployment_the_location_must_be_given(mission: Mission) -> None:
    response = post(client_for(mission.hq), payload())

    assert response.status_code == 400
    assert "location" in response.json()
    assert not Alert.objects.exists()


@pytest.mark.parametrize("how", ["body", "header"])
def test_a_replay_with_the_same_key_returns_the_same_alert(mission: Mission, how: str) -> None:
    client = client_for(mission.cla)
    data = payload()

    def send() -> Any:
        if how == "body":
            return post(client, {**data, "client_key": "6f1c0a52-2b7e-4d7e-9a55-1f6c0f1b2c3d"})
        return post(client, data, **{"Idempotency-Key": "6f1c0a52-2b7e-4d7e-9a55-1f6c0f1b2c3d"})

    first = send()
    second = send()

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Alert.objects.count() == 1
    assert AlertDispatch.objects.count() == 1


def test_the_same_key_in_the_body_and_the_header_is_accepted(mission: Mission) -> None:
    response = post(
        client_for(mission.cla), payload(client_key="key-1"), **{"Idempotency-Key": "key-1"}
    )

    assert response.status_code == 201
    assert Alert.objects.get().client_key == "key-1"


def test_different_keys_in_the_body_and_the_header_are_refused(mission: Mission) -> None:
    response = post(
        client_for(mission.cla), payload(client_key="key-1"), **{"Idempotency-Key": "key-2"}
    )

    assert response.status_code == 400
    assert "client_key" in response.json()
    assert not Alert.objects.exists()


def test_the_same_key_with_another_payload_is_a_422_on_the_key(mission: Mission) -> None:
    client = client_for(mission.cla)
    post(client, payload(client_key="key-1"))

    response = post(client, payload(client_key="key-1", description="Something else."))

    assert response.status_code == 422
    assert list(response.json()) == ["client_key"]
    assert Alert.objects.count() == 1


def test_a_force_officer_off_duty_cannot_log_alerts(mission: Mission) -> None:
    response = post(client_for(off_duty_force(mission)), payload(location=mission.base_a.pk))

    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Alert.objects.exists()


def test_anonymous_requests_are_refused(mission: Mission) -> None:
    assert post(client_for(), payload()).status_code in (401, 403)
    assert client_for().get(ALERTS).status_code in (401, 403)


def test_a_location_outside_the_users_scope_is_a_field_error(mission: Mission) -> None:
    response = post(client_for(mission.cla), payload(location=mission.base_b.pk))

    assert response.status_code == 400
    assert list(response.json()) == ["location"]
    assert not Alert.objects.exists()


def test_a_network_of_another_location_is_a_field_error(mission: Mission) -> None:
    other = f.NetworkFactory(location=mission.base_b)

    response = post(
        client_for(mission.coordinator),
        payload(location=mission.base_a.pk, source_type="can_member", source_can=other.pk),
    )

    assert response.status_code == 400
    assert list(response.json()) == ["source_can"]


def test_service_rules_come_back_as_field_errors(mission: Mission) -> None:
    later = (timezone.now() + dt.timedelta(hours=2)).isoformat()

    response = post(
        client_for(mission.cla),
        payload(occurred_at=later, latitude="48.85", longitude="2.35", victims_killed=20000),
    )

    assert response.status_code == 400
    assert set(response.json()) == {"occurred_at", "latitude", "victims_killed"}


def test_coordinates_with_more_decimals_are_rounded(mission: Mission) -> None:
    response = post(client_for(mission.cla), payload(latitude=6.5123456, longitude="18.4987654"))

    assert response.status_code == 201
    assert response.json()["latitude"] == "6.51235"
    assert response.json()["longitude"] == "18.49877"


BAD_INPUT = [
    ("victims_killed", -1),
    ("victims_killed", "many"),
    ("victims_killed", 10**30),
    ("victims_killed", 1.5),
    ("latitude", "north"),
    ("latitude", "NaN"),
    ("latitude", "1e999999"),
    ("latitude", 91),
    ("occurred_at", "yesterday"),
    ("occurred_at", "0001-01-01T00:30:00Z"),
    ("occurred_at", "9999-12-31T23:59:59Z"),
    ("occurred_at", 12),
    ("description", ""),
    ("description", "Shots \x00 fired"),
    ("description", "<script>alert(1)</script>"),
    ("description", "x" * 5001),
    ("description", ["a", "list"]),
    ("place", "<b>Ndassima</b>"),
    ("place", "p" * 151),
    ("source_name", "Jean\x00"),
    ("translation", '<img src=x onerror="alert(1)">'),
    ("source_type", "rumour"),
    ("urgency", "Now"),
    ("category", 987654),
    ("category", "attack"),
    ("category", None),
    ("location", "abc"),
    ("location", 1.5),
    ("location", 10**20),
    ("location", True),
    ("location", {"id": 1}),
    ("source_can", 987654),
    ("client_key", "has spaces"),
    ("client_key", "k" * 65),
    ("client_key", "k\x00"),
]


@pytest.mark.parametrize(("field", "value"), BAD_INPUT)
def test_bad_input_is_a_400_naming_the_field(mission: Mission, field: str, value: Any) -> None:
    response = post(client_for(mission.cla), payload(**{field: value}))

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "text", ["Le groupe <<Mouvement>> a tiré", "Moins de 5 < 10 morts", "Village <Ndassima>"]
)
def test_angle_brackets_in_plain_text_are_kept(mission: Mission, text: str) -> None:
    response = post(client_for(mission.cla), payload(description=text))

    assert response.status_code == 201, response.content
    assert response.json()["description"] == text


def test_a_missing_required_field_is_named(mission: Mission) -> None:
    data = payload()
    del data["occurred_at"], data["source_type"], data["category"]

    response = post(client_for(mission.cla), data)

    assert response.status_code == 400
    assert set(response.json()) == {"occurred_at", "source_type", "category"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[1, 2]", "application/json"),
        ("{not json", "application/json"),
        ('"just a string"', "application/json"),
    ],
)
def test_a_body_that_is_not_an_object_is_a_400(
    mission: Mission, body: str, content_type: str
) -> None:
    response = client_for(mission.cla).post(ALERTS, body, content_type=content_type)

    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_a_damaged_idempotency_header_is_a_400(mission: Mission) -> None:
    response = post(client_for(mission.cla), payload(), **{"Idempotency-Key": "bad key!"})

    assert response.status_code == 400
    assert "client_key" in response.json()


def test_a_form_encoded_post_works_too(mission: Mission) -> None:
    response = client_for(mission.cla).post(ALERTS, payload())

    assert response.status_code == 201


# --- list -----------------------------------------------------------------------------------


def queued(mission: Mission, **kwargs: Any) -> Alert:
    """An alert already in queue A (or as told), inserted directly."""
    values: dict[str, Any] = {
        "location": mission.base_a,
        "logged_by": mission.cla,
        "category": category(),
        "queue": mission.queue_a,
        "status": Alert.Status.QUEUED,
    }
    values.update(kwargs)
    return f.AlertFactory(**values)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_role_lists_the_alerts_of_its_scope(mission: Mission) -> None:
    in_a = queued(mission)
    in_b = queued(mission, location=mission.base_b, logged_by=mission.cla_b, queue=mission.queue_b)
    not_routed = queued(mission, queue=None, status=Alert.Status.NEW)

    assert ids(client_for(mission.cla).get(ALERTS)) == {in_a.pk, not_routed.pk}
    assert ids(client_for(mission.cla_b).get(ALERTS)) == {in_b.pk}
    assert ids(client_for(mission.coordinator).get(ALERTS)) == {in_a.pk, not_routed.pk}
    assert ids(client_for(mission.force).get(ALERTS)) == {in_a.pk}
    assert ids(client_for(mission.hq).get(ALERTS)) == {in_a.pk, in_b.pk, not_routed.pk}


def test_the_list_is_paginated_newest_first_without_source_identity(mission: Mission) -> None:
    now = timezone.now()
    old = queued(mission, reported_at=now - dt.timedelta(days=2), source_name="Secret")
    new = queued(mission, reported_at=now - dt.timedelta(hours=1), source_name="Secret")

    body = client_for(mission.hq).get(ALERTS, {"page_size": 1}).json()

    assert "count" not in body
    assert [row["id"] for row in body["results"]] == [new.pk]
    assert body["next"]
    assert body["previous"] is None
    assert "Secret" not in json.dumps(body)
    second = client_for(mission.hq).get(body["next"]).json()
    assert [row["id"] for row in second["results"]] == [old.pk]
    assert second["next"] is None
    back = client_for(mission.hq).get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [new.pk]


def test_the_list_filters(mission: Mission) -> None:
    now = timezone.localtime()
    attack = queued(mission, urgency="Immediate", severity="Extreme")
    looting = queued(
        mission,
        category=category("looting"),
        status=Alert.Status.CLOSED,
        reported_at=now - dt.timedelta(days=3),
    )
    office = queued(mission, location=mission.office_a)
    other_sector = queued(mission, location=mission.base_b, queue=mission.queue_b)
    client = client_for(mission.hq)
    three_days_ago = (now - dt.timedelta(days=3)).date().isoformat()
    two_days_ago = (now - dt.timedelta(days=2)).date().isoformat()

    assert ids(client.get(ALERTS, {"status": "closed"})) == {looting.pk}
    assert ids(client.get(ALERTS, {"category": "looting"})) == {looting.pk}
    assert ids(client.get(ALERTS, {"category": category("looting").pk})) == {looting.pk}
    assert ids(client.get(ALERTS, {"location": mission.office_a.pk})) == {office.pk}
    assert ids(client.get(ALERTS, {"sector": mission.sector_b.pk})) == {other_sector.pk}
    assert ids(client.get(ALERTS, {"queue": mission.queue_b.pk})) == {other_sector.pk}
    assert ids(client.get(ALERTS, {"urgency": "Immediate"})) == {attack.pk}
    assert ids(client.get(ALERTS, {"severity": "Extreme"})) == {attack.pk}
    assert ids(client.get(ALERTS, {"reported_before": three_days_ago})) == {looting.pk}
    assert ids(client.get(ALERTS, {"reported_after": two_days_ago})) == {
        attack.pk,
        office.pk,
        other_sector.pk,
    }
    assert ids(
        client.get(ALERTS, {"reported_after": three_days_ago, "reported_before": three_days_ago})
    ) == {looting.pk}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "lost"),
        ("location", "abc"),
        ("location", "987654"),
        ("location", "99999999999999999999999"),
        ("sector", "-1"),
        ("queue", "x"),
        ("urgency", "Now"),
        ("severity", "\x00"),
        ("reported_after", "last week"),
        ("reported_after", "0001-01-01"),
        ("reported_before", "9999-12-31"),
        ("reported_before", "2026-02-30"),
        ("category", "a\x00b"),
        ("cursor", "abc"),
        ("cursor", "x" * 600),
        ("page_size", "0"),
        ("page_size", "201"),
        ("page_size", "many"),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_400_naming_it(
    mission: Mission, name: str, value: str
) -> None:
    queued(mission)

    response = client_for(mission.hq).get(ALERTS, {name: value})

    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("category", "no-such-code"),
        ("category", "987654"),
        ("category", "99999999999999999999999"),
    ],
)
def test_a_category_nobody_uses_matches_nothing(mission: Mission, name: str, value: str) -> None:
    queued(mission)

    assert ids(client_for(mission.hq).get(ALERTS, {name: value})) == set()


def test_filters_offer_only_what_is_in_scope(mission: Mission) -> None:
    queued(mission, location=mission.base_b, queue=mission.queue_b, logged_by=mission.cla_b)

    response = client_for(mission.cla).get(ALERTS, {"location": mission.base_b.pk})

    assert response.status_code == 400
    assert "location" in response.json()


def test_an_unknown_ordering_is_ignored(mission: Mission) -> None:
    alert = queued(mission)

    assert ids(client_for(mission.hq).get(ALERTS, {"ordering": "source_name"})) == {alert.pk}


def _list_queries(client: APIClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ALERTS, {"page_size": 100})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["cla", "coordinator", "force", "hq"])
def test_the_list_costs_the_same_queries_for_3_or_30_alerts(mission: Mission, role: str) -> None:
    client = client_for(mission.user(role))
    for _ in range(3):
        queued(mission, assigned_to=mission.force)
    few = _list_queries(client)

    for _ in range(27):
        queued(mission, assigned_to=mission.force, category=category("looting"))
    many = _list_queries(client)

    assert len(client.get(ALERTS, {"page_size": 100}).json()["results"]) == 30
    assert many == few


# --- detail ---------------------------------------------------------------------------------


def test_the_detail_shows_the_queue_the_response_times_and_the_timeline(mission: Mission) -> None:
    alert = log(mission)
    officer = client_for(mission.force)
    officer.post(act(alert, "acknowledge"), {"note": "On it"}, format="json")
    officer.post(act(alert, "outcome"), {"outcome": "confirmed"}, format="json")
    officer.post(act(alert, "response"), {"response": "patrol"}, format="json")
    alert.refresh_from_db()
    Alert.objects.filter(pk=alert.pk).update(
        created_at=alert.acknowledged_at - dt.timedelta(seconds=90),
        outcome_at=alert.acknowledged_at + dt.timedelta(seconds=600),
        responded_at=alert.acknowledged_at + dt.timedelta(seconds=3510),
    )

    body = client_for(mission.hq).get(detail(alert)).json()

    assert body["status"] == "responded"
    assert body["queue"]["code"] == mission.queue_a.code
    assert (body["time_to_acknowledge"], body["time_to_outcome"], body["time_to_response"]) == (
        90,
        690,
        3600,
    )
    timeline = body["timeline"]
    assert [e["kind"] for e in timeline] == [
        "created",
        "routed",
        "acknowledged",
        "outcome",
        "response",
    ]
    assert timeline[0]["actor"] == mission.cla.get_full_name()
    assert timeline[1]["actor"] is None
    assert timeline[2] | {"at": None, "id": None} == {
        "id": None,
        "kind": "acknowledged",
        "kind_display": "Acknowledged",
        "actor": mission.force.get_full_name(),
        "at": None,
        "from_status": "queued",
        "to_status": "acknowledged",
        "note": "On it",
        "detail": "",
        "code": None,
        "params": {},
    }


def test_response_times_are_null_until_reached(mission: Mission) -> None:
    alert = log(mission)

    body = client_for(mission.hq).get(detail(alert)).json()

    assert (body["time_to_acknowledge"], body["time_to_outcome"], body["time_to_response"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("role", "visible"),
    [("cla", True), ("coordinator", True), ("force", False), ("hq", False), ("admin", False)],
)
def test_the_source_identity_is_shown_only_to_who_may_see_it(
    mission: Mission, role: str, visible: bool
) -> None:
    if role == "admin":
        # A superuser role without the permission flag still does not see it.
        mission.admin.is_superuser = False
        mission.admin.save()
    alert = log(mission, source_name="Jean Ndoli", source_contact="+236 75 11 22 33")

    body = client_for(mission.user(role)).get(detail(alert)).json()

    assert ("source_name" in body) is visible
    assert ("source_contact" in body) is visible
    assert ("Jean Ndoli" in json.dumps(body)) is visible


def test_hq_staff_with_the_permission_see_the_source_identity(mission: Mission) -> None:
    mission.hq.can_view_source_identity = True
    mission.hq.save()
    alert = log(mission, source_name="Jean Ndoli")

    body = client_for(mission.hq).get(detail(alert)).json()

    assert body["source_name"] == "Jean Ndoli"


def test_a_force_officer_never_gets_the_source_identity_even_with_the_flag(
    mission: Mission,
) -> None:
    mission.force.can_view_source_identity = True
    mission.force.save()
    alert = log(mission, source_name="Jean Ndoli", source_contact="+236 75 11 22 33")
    client = client_for(mission.force)

    shown = client.get(detail(alert)).json()
    acted = client.post(act(alert, "acknowledge"), {}, format="json").json()

    for body in (shown, acted):
        assert "source_name" not in body
        assert "source_contact" not in body
        assert "Jean Ndoli" not in json.dumps(body)
        assert "75 11 22 33" not in json.dumps(body)


@pytest.mark.parametrize("role", ["cla_b", "force_b"])
def test_an_alert_outside_the_scope_is_not_found(mission: Mission, role: str) -> None:
    alert = log(mission)
    user = (
        mission.cla_b
        if role == "cla_b"
        else f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    )

    response = client_for(user).get(detail(alert))

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("pk", ["987654", "99999999999999999999999", "abc", "-1"])
def test_an_unknown_alert_is_not_found(mission: Mission, pk: str) -> None:
    assert client_for(mission.hq).get(f"{ALERTS}{pk}/").status_code == 404


def test_likely_duplicates_are_linked_both_ways(mission: Mission) -> None:
    first = log(mission)
    second = log(mission)
    client = client_for(mission.cla)

    links_of_second = client.get(detail(second)).json()["links"]
    links_of_first = client.get(detail(first)).json()["links"]

    assert [(x["alert"], x["reference"], x["kind"]) for x in links_of_second] == [
        (first.pk, first.reference, "duplicate")
    ]
    assert [x["alert"] for x in links_of_first] == [second.pk]
    assert links_of_second[0]["reason"]


def test_links_to_alerts_outside_the_scope_are_left_out(mission: Mission) -> None:
    mine = queued(mission)
    elsewhere = queued(
        mission, location=mission.base_b, queue=mission.queue_b, logged_by=mission.cla_b
    )
    AlertLink.objects.create(from_alert=mine, to_alert=elsewhere, kind="duplicate", reason="near")

    assert client_for(mission.cla).get(detail(mine)).json()["links"] == []
    assert len(client_for(mission.hq).get(detail(mine)).json()["links"]) == 1


def test_the_detail_costs_the_same_queries_however_long_the_timeline(mission: Mission) -> None:
    alert = log(mission)
    client = client_for(mission.hq)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(alert)).status_code == 200
        return len(queries)

    short = cost()
    colleague = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(colleague)
    for officer in (colleague, mission.force, colleague, mission.force):
        services.alert_assign(alert_id=alert.pk, user=mission.hq, officer_id=officer.pk)
    for _ in range(3):
        AlertLink.objects.create(from_alert=alert, to_alert=queued(mission), kind="duplicate")

    assert cost() == short


# --- actions --------------------------------------------------------------------------------


def test_an_officer_works_the_alert_through_every_step(mission: Mission) -> None:
    alert = log(mission)
    client = client_for(mission.force)
    steps = [
        ("acknowledge", {}, "acknowledged"),
        ("triangulate", {"method": "patrol", "note": "Patrol from Ippy"}, "triangulating"),
        ("outcome", {"outcome": "partly", "note": "Two villages"}, "verified"),
        ("response", {"response": "presence", "note": "Platoon posted"}, "responded"),
        ("close", {}, "closed"),
        ("reopen", {"note": "Shots heard again"}, "acknowledged"),
    ]
    version = client.get(detail(alert)).json()["version"]

    for name, data, status in steps:
        response = client.post(act(alert, name), {**data, "version": version}, format="json")
        assert response.status_code == 200, (name, response.content)
        assert response.json()["status"] == status
        assert response.json()["version"] == version + 1
        version += 1

    alert.refresh_from_db()
    assert (alert.outcome, alert.response, alert.response_note) == (
        "partly",
        "presence",
        "Platoon posted",
    )
    kinds = list(alert.events.values_list("kind", "actor"))
    assert kinds[2:] == [
        ("acknowledged", mission.force.pk),
        ("triangulation", mission.force.pk),
        ("outcome", mission.force.pk),
        ("response", mission.force.pk),
        ("closed", mission.force.pk),
        ("reopened", mission.force.pk),
    ]


def test_assigning_an_officer_of_the_queue(mission: Mission) -> None:
    colleague = f.UserFactory(
        username="force-a2",
        role=Role.FORCE,
        sector=mission.sector_a,
        first_name="Ali",
        last_name="Bongo",
    )
    mission.queue_a.officers.add(colleague)
    alert = log(mission)

    response = client_for(mission.force).post(
        act(alert, "assign"), {"officer": colleague.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["assigned_to"] == {"id": colleague.pk, "name": "Ali Bongo"}


def test_assigning_someone_outside_the_queue_is_a_field_error(mission: Mission) -> None:
    alert = log(mission)

    response = client_for(mission.force).post(
        act(alert, "assign"), {"officer": mission.cla.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["officer"]


def test_an_illegal_transition_is_a_409_with_a_message(mission: Mission) -> None:
    alert = log(mission)

    response = client_for(mission.force).post(act(alert, "close"), {}, format="json")

    assert response.status_code == 409
    assert alert.reference in response.json()["detail"]
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


def test_a_stale_version_is_a_409_and_changes_nothing(mission: Mission) -> None:
    alert = log(mission)
    client = client_for(mission.force)
    stale = client.get(detail(alert)).json()["version"]
    client.post(act(alert, "assign"), {"officer": mission.force.pk}, format="json")

    response = client.post(act(alert, "acknowledge"), {"version": stale}, format="json")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


@pytest.mark.parametrize("role", ["cla", "coordinator"])
def test_roles_that_do_not_work_queues_get_403(mission: Mission, role: str) -> None:
    alert = log(mission)

    response = client_for(mission.user(role)).post(act(alert, "acknowledge"), {}, format="json")

    assert response.status_code == 403
    assert "detail" in response.json()
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


def test_acting_on_an_alert_outside_the_scope_is_a_404(mission: Mission) -> None:
    alert = log(mission)
    officer_b = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)

    response = client_for(officer_b).post(
        act(alert, "outcome"), {"outcome": "garbage"}, format="json"
    )

    assert response.status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


@pytest.mark.parametrize("pk", ["987654", "99999999999999999999999"])
def test_acting_on_an_unknown_alert_is_a_404(mission: Mission, pk: str) -> None:
    response = client_for(mission.force).post(f"{ALERTS}{pk}/acknowledge/", {}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("triangulate", {"method": "drone"}, "method"),
        ("triangulate", {}, "method"),
        ("outcome", {"outcome": "maybe"}, "outcome"),
        ("response", {"response": "airstrike"}, "response"),
        ("reopen", {}, "note"),
        ("reopen", {"note": "   "}, "note"),
        ("acknowledge", {"version": "latest"}, "version"),
        ("acknowledge", {"version": -3}, "version"),
        ("acknowledge", {"note": "<script>x</script>"}, "note"),
        ("acknowledge", {"note": "n" * 2001}, "note"),
        ("assign", {"officer": "someone"}, "officer"),
    ],
)
def test_bad_action_input_is_a_400_naming_the_field(
    mission: Mission, name: str, data: dict[str, Any], field: str
) -> None:
    alert = log(mission)
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    if name == "reopen":
        services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="false")
        services.alert_close(alert_id=alert.pk, user=mission.force)
        alert.refresh_from_db()
    if name == "acknowledge":
        alert = log(mission)

    response = client_for(mission.force).post(act(alert, name), data, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_actions_only_accept_post(mission: Mission) -> None:
    alert = log(mission)

    assert client_for(mission.force).get(act(alert, "acknowledge")).status_code == 405


# --- queues and categories -----------------------------------------------------------------


def test_queues_are_those_the_user_may_see_with_their_waiting_alerts(mission: Mission) -> None:
    queued(mission)
    queued(mission)
    queued(mission, status=Alert.Status.ACKNOWLEDGED)

    force = client_for(mission.force).get("/api/v1/queues/").json()["results"]
    hq = client_for(mission.hq).get("/api/v1/queues/").json()["results"]
    cla = client_for(mission.cla).get("/api/v1/queues/").json()["results"]

    assert [(q["code"], q["waiting"]) for q in force] == [(mission.queue_a.code, 2)]
    assert force[0]["sector"]["code"] == "SA"
    assert {q["code"] for q in hq} == {mission.queue_a.code, mission.queue_b.code}
    assert cla == []
    assert client_for(mission.force).get(f"/api/v1/queues/{mission.queue_b.pk}/").status_code == 404


def test_categories_are_the_active_ones_in_both_languages(mission: Mission) -> None:
    f.CategoryFactory(code="retired", name_en="Retired", name_fr="Retirée", is_active=False)

    body = client_for(mission.force).get("/api/v1/categories/").json()

    codes = [c["code"] for c in body]
    assert "retired" not in codes
    assert codes[:2] == ["killing", "attack"]
    attack = next(c for c in body if c["code"] == "attack")
    assert (attack["name_en"], attack["name_fr"]) == (
        "Attack on civilians",
        "Attaque contre des civils",
    )


def test_category_names_follow_the_language_of_the_request(mission: Mission) -> None:
    client = client_for(mission.cla)

    body = client.get("/api/v1/categories/", headers={"Accept-Language": "fr"}).json()

    assert next(c for c in body if c["code"] == "attack")["name"] == "Attaque contre des civils"


# --- schema ---------------------------------------------------------------------------------


def test_the_schema_describes_the_alert_api(tmp_path) -> None:
    target = tmp_path / "schema.json"

    call_command("spectacular", "--validate", "--format", "openapi-json", "--file", str(target))

    schema = json.loads(target.read_text())
    paths = schema["paths"]
    create = paths["/api/v1/alerts/"]["post"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= create["parameters"][0].items()
    assert {"200", "201", "400", "403", "422"} <= set(create["responses"])
    for name in ("acknowledge", "assign", "triangulate", "outcome", "response", "close", "reopen"):
        action = paths[f"/api/v1/alerts/{{id}}/{name}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(action["responses"])
    assert "/api/v1/queues/" in paths
    assert "/api/v1/categories/" in paths
    detail_schema = schema["components"]["schemas"]["AlertDetail"]
    assert "source_name" not in detail_schema["required"]
    assert "timeline" in detail_schema["required"]
