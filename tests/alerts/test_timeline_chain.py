"""The timeline nobody can rewrite: every line chained to the one before it (alerts.chain), the
database refusing any change or removal of a line on PostgreSQL, and `verify_timeline`
finding whatever was changed around that guard."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
import os
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alerts import chain, services
from alerts.models import Alert, AlertEvent
from tests.alerts.chain_support import timeline_writable
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db
sealing = importlib.import_module("alerts.migrations.0010_event_chain")
on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the append-only trigger exists on PostgreSQL only: set DATABASE_URL=postgres://...",
)
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def verify(*args: str) -> tuple[bool, str]:
    """(passed, what it printed) of `manage.py verify_timeline`."""
    out = io.StringIO()
    try:
        call_command("verify_timeline", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def lines(alert: Alert) -> list[AlertEvent]:
    return list(AlertEvent.objects.filter(alert=alert).order_by("id"))


def assert_chained(alert: Alert) -> None:
    events = lines(alert)
    assert events
    assert events[0].prev_hash == chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert all(HEX64.match(event.hash) for event in events)


def lived(mission: Mission) -> Alert:
    """An alert taken through every kind of line the services write."""
    officer = mission.force
    alert = log(mission, urgency="Immediate")
    services.alert_notify_flash(alert_id=alert.pk)
    services.alert_escalate(alert_id=alert.pk, now=timezone.now() + dt.timedelta(hours=1))
    services.alert_acknowledge(alert_id=alert.pk, user=officer, note="On it")
    services.alert_assign(alert_id=alert.pk, user=officer, officer_id=officer.pk)
    services.alert_request_triangulation(
        alert_id=alert.pk, user=officer, method="patrol", note="Patrol from Ippy"
    )
    services.alert_add_note(alert_id=alert.pk, user=officer, note="Patrol left at 14:00")
    services.alert_record_outcome(alert_id=alert.pk, user=officer, outcome="confirmed")
    services.alert_record_response(alert_id=alert.pk, user=officer, response="presence")
    services.alert_close(alert_id=alert.pk, user=officer)
    services.alert_add_follow_up_note(alert_id=alert.pk, user=mission.cla, note="Calm again")
    services.alert_record_community_informed(
        alert_id=alert.pk, user=mission.cla, informed_at=timezone.now(), how="meeting"
    )
    services.alert_reopen(alert_id=alert.pk, user=officer, note="New shots heard")
    return alert


# --- the chain as written -------------------------------------------------------------------


def test_every_service_writes_its_line_onto_the_chain(mission: Mission) -> None:
    alert = lived(mission)
    duplicate = log(mission, urgency="Immediate")

    kinds = {event.kind for event in lines(alert)}
    assert kinds >= {"created", "routed", "notified", "escalated", "acknowledged", "assigned"}
    assert kinds >= {"triangulation", "note", "outcome", "response", "closed", "reopened"}
    assert "community_informed" in kinds
    assert "duplicate" in {event.kind for event in lines(duplicate)}
    assert_chained(alert)
    assert_chained(duplicate)
    passed, output = verify()
    assert passed, output
    assert f"Checked 2 alerts and {AlertEvent.objects.count()} events" in output
    assert "0 breaks" in output


def test_the_hash_covers_every_field_and_the_line_before(mission: Mission) -> None:
    alert = log(mission, route=False)
    [first] = lines(alert)
    fields = {
        "alert_id": first.alert_id,
        "kind": first.kind,
        "actor_id": first.actor_id,
        "at": first.at,
        "from_status": first.from_status,
        "to_status": first.to_status,
        "note": first.note,
        "data": chain.data_json(first.data),
        "prev_hash": first.prev_hash,
    }
    assert chain.event_hash(**fields) == first.hash
    changed = {
        "alert_id": first.alert_id + 1,
        "kind": "note",
        "actor_id": None,
        "at": first.at + dt.timedelta(microseconds=1),
        "from_status": "queued",
        "to_status": "closed",
        "note": "x",
        "data": chain.data_json({"x": 1}),
        "prev_hash": "0" * 64,
    }
    for name, value in changed.items():
        assert chain.event_hash(**{**fields, name: value}) != first.hash, name


def test_data_is_hashed_whatever_the_order_of_its_keys() -> None:
    assert chain.data_json({"b": 1, "a": [1, "é"]}) == chain.data_json({"a": [1, "é"], "b": 1})
    assert chain.data_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"\\u00e9"],"b":1}'


def test_a_naive_or_local_time_is_hashed_as_the_utc_time_stored(mission: Mission) -> None:
    alert = log(mission, route=False)
    local = dt.datetime(2026, 6, 10, 14, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    event = AlertEvent.objects.create(alert=alert, kind="note", at=local, note="Local time")

    stored = AlertEvent.objects.get(pk=event.pk)
    assert chain.at_text(stored.at) == "2026-06-10T13:30:00.123456+00:00"
    assert verify()[0]


def test_the_demo_seed_and_the_bulk_path_write_valid_chains() -> None:
    call_command("seed_demo", alerts=300, stdout=io.StringIO())

    assert Alert.objects.count() > 300
    assert not AlertEvent.objects.filter(hash="").exists()
    # The follow-up lines (community informed, notes) were added onto existing chains.
    assert AlertEvent.objects.filter(kind="community_informed").exists()
    passed, output = verify("--batch-size", "37")
    assert passed, output
    assert f"Checked {Alert.objects.count():,} alerts" in output


def test_the_migration_seals_lines_written_before_the_chain(mission: Mission) -> None:
    alert = lived(mission)
    other = log(mission)
    sealed = {event.pk: (event.prev_hash, event.hash) for event in AlertEvent.objects.all()}
    with timeline_writable():
        AlertEvent.objects.update(prev_hash="", hash="")
    assert not verify()[0]

    with timeline_writable():
        sealing.seal_existing_lines(apps, connection.schema_editor())

    assert {e.pk: (e.prev_hash, e.hash) for e in AlertEvent.objects.all()} == sealed
    assert_chained(alert)
    assert_chained(other)


# --- the database refuses ---------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize(
    "change",
    [
        "UPDATE alerts_alertevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM alerts_alertevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_to_change_or_remove_a_line_by_sql(
    mission: Mission, change: str
) -> None:
    alert = log(mission)
    event = lines(alert)[0]

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(change, [event.pk])

    assert lines(alert)[0].note == event.note
    assert verify()[0]


@on_postgresql
def test_postgresql_refuses_the_orm_too_even_through_an_alert_deleted(mission: Mission) -> None:
    alert = log(mission)
    events = AlertEvent.objects.filter(alert=alert)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        events.update(note="rewritten")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        events.delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Alert.objects.filter(pk=alert.pk).delete()

    assert Alert.objects.filter(pk=alert.pk).exists()
    assert events.count() == 2
    assert verify()[0]


@on_postgresql
def test_postgresql_refuses_even_with_the_replica_role_the_demo_load_uses(
    mission: Mission,
) -> None:
    alert = log(mission)

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM alerts_alertevent WHERE alert_id = %s", [alert.pk])

    assert AlertEvent.objects.filter(alert=alert).count() == 2


# --- tampering found --------------------------------------------------------------------------


def test_an_edited_note_and_removed_lines_are_reported_and_fail_the_check(
    mission: Mission,
) -> None:
    edited, gapped, beheaded, intact = (lived(mission) for _ in range(4))
    target = lines(edited)[3]
    middle = lines(gapped)[4]
    first = lines(beheaded)[0]
    with timeline_writable():
        AlertEvent.objects.filter(pk=target.pk).update(note="Nothing happened")
        AlertEvent.objects.filter(pk__in=[middle.pk, first.pk]).delete()

    passed, output = verify()

    assert not passed
    reports = [line for line in output.splitlines() if line.startswith("BREAK")]
    assert reports == [
        f"BREAK {edited.reference} event {target.pk} ({target.kind}): "
        "changed since it was written (hash)",
        f"BREAK {gapped.reference} event {lines(gapped)[4].pk} ({lines(gapped)[4].kind}): "
        "does not follow the line before it (prev_hash): a line was removed or moved here",
        f"BREAK {beheaded.reference} event {lines(beheaded)[0].pk} ({lines(beheaded)[0].kind}): "
        "the first line points to a line before it: earlier lines were removed",
    ]
    assert "3 breaks in 3 alerts" in output
    assert intact.reference not in output


def test_a_line_rehashed_to_hide_its_edit_breaks_the_next_link(mission: Mission) -> None:
    alert = lived(mission)
    target, following = lines(alert)[2:4]
    forged = chain.event_hash(
        alert_id=alert.pk,
        kind=target.kind,
        actor_id=target.actor_id,
        at=target.at,
        from_status=target.from_status,
        to_status=target.to_status,
        note="Nothing happened",
        data=chain.data_json(target.data),
        prev_hash=target.prev_hash,
    )
    with timeline_writable():
        AlertEvent.objects.filter(pk=target.pk).update(note="Nothing happened", hash=forged)

    passed, output = verify()

    assert not passed
    assert f"event {following.pk} ({following.kind}): does not follow" in output
    assert f"event {target.pk}" not in output


def test_lines_written_around_the_chain_and_a_removed_timeline_are_reported(
    mission: Mission,
) -> None:
    unsealed = log(mission)
    emptied = log(mission)
    AlertEvent.objects.bulk_create([AlertEvent(alert=unsealed, kind="note", note="Raw")])
    with timeline_writable():
        AlertEvent.objects.filter(alert=emptied).delete()

    passed, output = verify()

    assert not passed
    assert f"BREAK {unsealed.reference} event" in output
    assert "never sealed (no hash)" in output
    assert f"BREAK {emptied.reference} its timeline: no line at all" in output


def test_one_alert_may_be_checked_alone_and_an_unknown_one_is_refused(mission: Mission) -> None:
    broken, sound = log(mission), log(mission)
    with timeline_writable():
        AlertEvent.objects.filter(alert=broken).update(note="rewritten")

    assert verify("--alert", sound.reference.lower())[0]
    assert not verify("--alert", broken.reference)[0]
    with pytest.raises(CommandError, match="No alert ALT-1999-000001"):
        call_command("verify_timeline", "--alert", "ALT-1999-000001", stdout=io.StringIO())


def test_since_checks_only_the_alerts_logged_from_that_day(mission: Mission) -> None:
    old, _new = log(mission), log(mission)
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    with timeline_writable():
        AlertEvent.objects.filter(alert=old).update(note="rewritten")
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    passed, output = verify("--since", since)

    assert passed
    assert "Checked 1 alerts" in output
    assert not verify()[0]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("verify_timeline", "--since", "yesterday", stdout=io.StringIO())
