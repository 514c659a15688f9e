"""alerts.services.triage: the Force's actions, as alerts.transitions declares them."""

from __future__ import annotations

import pytest
from django.http import Http404

from alerts import services
from alerts.models import Alert, AlertEvent, Triangulation
from clas.models import Role
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused
from tests import factories as f
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


# --- triage transitions -------------------------------------------------------------------


def test_the_whole_chain_moves_through_every_state_with_a_timeline_event_each(
    mission: Mission,
) -> None:
    alert = log(mission)
    officer = mission.force

    services.alert_acknowledge(alert_id=alert.pk, user=officer, version=alert.version)
    services.alert_request_triangulation(
        alert_id=alert.pk, user=officer, method="patrol", note="Patrol from Ippy"
    )
    services.alert_record_outcome(alert_id=alert.pk, user=officer, outcome="confirmed")
    services.alert_record_response(
        alert_id=alert.pk, user=officer, response="presence", note="Two platoons"
    )
    services.alert_close(alert_id=alert.pk, user=officer)
    services.alert_reopen(alert_id=alert.pk, user=officer, note="New shots heard")

    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.version == 8  # created 1, routed 2, then six steps
    assert alert.assigned_to == officer
    assert alert.outcome == "confirmed"
    assert (alert.response, alert.response_note) == ("presence", "Two platoons")
    assert alert.acknowledged_at and alert.outcome_at and alert.responded_at
    assert alert.closed_at is None
    steps = list(
        alert.events.exclude(kind__in=["created", "routed"]).values_list(
            "kind", "actor", "from_status", "to_status"
        )
    )
    assert steps == [
        ("acknowledged", officer.pk, "queued", "acknowledged"),
        ("triangulation", officer.pk, "acknowledged", "triangulating"),
        ("outcome", officer.pk, "triangulating", "verified"),
        ("response", officer.pk, "verified", "responded"),
        ("closed", officer.pk, "responded", "closed"),
        ("reopened", officer.pk, "closed", "acknowledged"),
    ]
    assert Triangulation.objects.get(alert=alert).note == "Patrol from Ippy"
    assert alert.events.get(kind="reopened").note == "New shots heard"
    assert alert.events.get(kind="created").actor == mission.cla


def test_an_outcome_may_be_recorded_without_a_triangulation_request(mission: Mission) -> None:
    alert = log(mission)
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    result = services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="false")

    assert result.status == Alert.Status.VERIFIED


def test_an_alert_can_be_closed_right_after_its_outcome(mission: Mission) -> None:
    alert = log(mission)
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="false")

    result = services.alert_close(alert_id=alert.pk, user=mission.force)

    assert result.status == Alert.Status.CLOSED
    assert result.closed_at is not None


def test_acknowledging_keeps_an_existing_assignment(mission: Mission) -> None:
    colleague = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(colleague)
    alert = log(mission)
    services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=colleague.pk)

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    assert result.assigned_to == colleague


def test_assigning_names_an_officer_of_the_queue(mission: Mission) -> None:
    colleague = f.UserFactory(
        username="force-a2", role=Role.FORCE, sector=mission.sector_a, first_name="Ali"
    )
    mission.queue_a.officers.add(colleague)
    alert = log(mission)

    result = services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=colleague.pk)

    assert result.assigned_to == colleague
    assert result.status == Alert.Status.QUEUED
    event = result.events.get(kind=AlertEvent.Kind.ASSIGNED)
    assert (event.actor, event.data["officer_id"]) == (mission.force, colleague.pk)


def test_assigning_someone_outside_the_queue_is_refused(mission: Mission) -> None:
    alert = log(mission)

    with pytest.raises(DomainError) as caught:
        services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=mission.cla.pk)

    assert caught.value.field == "officer"
    assert Alert.objects.get(pk=alert.pk).assigned_to is None


def _to_state(alert: Alert, user: object, state: str) -> None:
    steps = {
        "acknowledged": [lambda: services.alert_acknowledge(alert_id=alert.pk, user=user)],
        "triangulating": [
            lambda: services.alert_request_triangulation(
                alert_id=alert.pk, user=user, method="patrol"
            )
        ],
        "verified": [
            lambda: services.alert_record_outcome(alert_id=alert.pk, user=user, outcome="partly")
        ],
        "responded": [
            lambda: services.alert_record_response(alert_id=alert.pk, user=user, response="patrol")
        ],
        "closed": [lambda: services.alert_close(alert_id=alert.pk, user=user)],
    }
    order = ["acknowledged", "triangulating", "verified", "responded", "closed"]
    if state == "queued":
        return
    for name in order[: order.index(state) + 1]:
        for step in steps[name]:
            step()


ACTIONS = {
    "acknowledge": lambda a, u: services.alert_acknowledge(alert_id=a, user=u),
    "triangulate": lambda a, u: services.alert_request_triangulation(
        alert_id=a, user=u, method="patrol"
    ),
    "outcome": lambda a, u: services.alert_record_outcome(alert_id=a, user=u, outcome="partly"),
    "response": lambda a, u: services.alert_record_response(alert_id=a, user=u, response="patrol"),
    "close": lambda a, u: services.alert_close(alert_id=a, user=u),
    "reopen": lambda a, u: services.alert_reopen(alert_id=a, user=u, note="Why"),
}


ILLEGAL = [
    ("queued", "triangulate"),
    ("queued", "outcome"),
    ("queued", "response"),
    ("queued", "close"),
    ("queued", "reopen"),
    ("acknowledged", "acknowledge"),
    ("acknowledged", "response"),
    ("acknowledged", "close"),
    ("acknowledged", "reopen"),
    ("triangulating", "acknowledge"),
    ("triangulating", "response"),
    ("triangulating", "close"),
    ("verified", "acknowledge"),
    ("verified", "triangulate"),
    ("verified", "outcome"),
    ("verified", "reopen"),
    ("responded", "acknowledge"),
    ("responded", "triangulate"),
    ("responded", "outcome"),
    ("responded", "response"),
    ("closed", "acknowledge"),
    ("closed", "triangulate"),
    ("closed", "outcome"),
    ("closed", "response"),
    ("closed", "close"),
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_an_illegal_transition_is_refused_and_changes_nothing(
    mission: Mission, state: str, action: str
) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, state)
    before = Alert.objects.get(pk=alert.pk)
    events = before.events.count()

    with pytest.raises(InvalidTransition) as caught:
        ACTIONS[action](alert.pk, mission.force)

    after = Alert.objects.get(pk=alert.pk)
    assert caught.value.status_code == 409
    assert alert.reference in caught.value.message
    assert (after.status, after.version) == (state, before.version)
    assert after.events.count() == events


def test_an_alert_not_yet_routed_cannot_be_acknowledged(mission: Mission) -> None:
    alert = log(mission, route=False)

    with pytest.raises(InvalidTransition):
        services.alert_acknowledge(alert_id=alert.pk, user=mission.hq)


def test_a_stale_version_is_refused_and_changes_nothing(mission: Mission) -> None:
    alert = log(mission)
    loaded = alert.version
    services.alert_assign(alert_id=alert.pk, user=mission.force, officer_id=mission.force.pk)

    with pytest.raises(ConcurrentUpdate) as caught:
        services.alert_acknowledge(alert_id=alert.pk, user=mission.force, version=loaded)

    assert caught.value.status_code == 409
    after = Alert.objects.get(pk=alert.pk)
    assert after.status == Alert.Status.QUEUED
    assert after.version == loaded + 1


def test_the_current_version_is_accepted(mission: Mission) -> None:
    alert = log(mission)

    result = services.alert_acknowledge(
        alert_id=alert.pk, user=mission.force, version=alert.version
    )

    assert result.version == alert.version + 1


def test_a_force_officer_of_another_sector_gets_not_found(mission: Mission) -> None:
    alert = log(mission)
    officer_b = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)

    with pytest.raises(Http404):
        services.alert_acknowledge(alert_id=alert.pk, user=officer_b)

    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


@pytest.mark.parametrize("role", ["cla", "coordinator"])
def test_clas_and_coordinators_cannot_act_on_the_queue(mission: Mission, role: str) -> None:
    alert = log(mission)

    with pytest.raises(PermissionRefused) as caught:
        services.alert_acknowledge(alert_id=alert.pk, user=mission.user(role))

    assert caught.value.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.QUEUED


def test_a_cla_of_another_location_gets_not_found(mission: Mission) -> None:
    alert = log(mission)

    with pytest.raises(Http404):
        services.alert_acknowledge(alert_id=alert.pk, user=mission.cla_b)


def test_hq_staff_may_act_on_any_queue(mission: Mission) -> None:
    alert = log(mission)

    result = services.alert_acknowledge(alert_id=alert.pk, user=mission.hq)

    assert result.status == Alert.Status.ACKNOWLEDGED
    assert result.events.get(kind="acknowledged").actor == mission.hq


@pytest.mark.parametrize("note", ["", "   "])
def test_reopening_requires_a_note(mission: Mission, note: str) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, "closed")

    with pytest.raises(DomainError) as caught:
        services.alert_reopen(alert_id=alert.pk, user=mission.force, note=note)

    assert caught.value.field == "note"
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.CLOSED


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (
            lambda a, u: services.alert_request_triangulation(alert_id=a, user=u, method="drone"),
            "method",
        ),
        (
            lambda a, u: services.alert_record_outcome(alert_id=a, user=u, outcome="maybe"),
            "outcome",
        ),
        (
            lambda a, u: services.alert_record_response(alert_id=a, user=u, response="airstrike"),
            "response",
        ),
    ],
)
def test_an_unknown_choice_is_refused_naming_the_field(
    mission: Mission, action: object, field: str
) -> None:
    alert = log(mission)
    _to_state(alert, mission.force, "acknowledged")

    with pytest.raises(DomainError) as caught:
        action(alert.pk, mission.force)

    assert caught.value.field == field
