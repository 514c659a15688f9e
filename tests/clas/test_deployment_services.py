from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from clas import services
from clas.models import Deployment, DeploymentEvent
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused
from tests import factories as f

TODAY = timezone.localdate


def _open(mission) -> Deployment:
    return Deployment.objects.get(cla__user=mission.cla, end_date__isnull=True)


def test_assign_deploys_a_free_cla_and_records_who(mission) -> None:
    cla = f.CLAFactory()

    deployment = services.deployment_assign(
        actor=mission.admin, cla=cla, location=mission.base_b, start_date=TODAY()
    )

    assert deployment.location == mission.base_b and deployment.end_date is None
    event = DeploymentEvent.objects.get(cla=cla)
    assert event.actor == mission.admin
    assert event.action == DeploymentEvent.Action.ASSIGNED
    assert "Baboua" in event.text


def test_assign_refuses_a_cla_already_deployed_elsewhere(mission) -> None:
    with pytest.raises(DomainError) as caught:
        services.deployment_assign(
            actor=mission.admin,
            cla=mission.cla_profile,
            location=mission.base_b,
            start_date=TODAY(),
        )

    assert caught.value.field == "cla"
    assert Deployment.objects.filter(cla=mission.cla_profile).count() == 1


def test_assign_refuses_dates_overlapping_an_earlier_deployment(mission) -> None:
    cla = f.CLAFactory()
    f.DeploymentFactory(
        cla=cla,
        location=mission.base_a,
        start_date=TODAY() - dt.timedelta(days=60),
        end_date=TODAY() - dt.timedelta(days=10),
    )

    with pytest.raises(DomainError) as caught:
        services.deployment_assign(
            actor=mission.admin,
            cla=cla,
            location=mission.base_b,
            start_date=TODAY() - dt.timedelta(days=20),
        )

    assert caught.value.field == "start_date"
    assert not DeploymentEvent.objects.filter(cla=cla).exists()


def test_coordinator_cannot_assign_outside_their_area(mission) -> None:
    with pytest.raises(DomainError) as caught:
        services.deployment_assign(
            actor=mission.coordinator,
            cla=f.CLAFactory(),
            location=mission.base_b,
            start_date=TODAY(),
        )

    assert caught.value.field == "location"


@pytest.mark.parametrize("role", ["hq", "force", "cla"])
def test_other_roles_cannot_assign(mission, role: str) -> None:
    with pytest.raises(PermissionRefused):
        services.deployment_assign(
            actor=mission.user(role),
            cla=f.CLAFactory(),
            location=mission.base_a,
            start_date=TODAY(),
        )


def test_rotate_ends_the_current_deployment_and_opens_the_next(mission) -> None:
    current = _open(mission)

    new = services.deployment_rotate(
        actor=mission.admin,
        deployment=current,
        version=current.version,
        location=mission.office_a,
        start_date=TODAY(),
    )

    current.refresh_from_db()
    assert current.end_date == TODAY() - dt.timedelta(days=1)
    assert current.version == 2
    assert new.location == mission.office_a and new.end_date is None
    actions = list(
        DeploymentEvent.objects.filter(cla=mission.cla_profile).values_list("action", flat=True)
    )
    assert sorted(actions) == ["ended", "rotated"]


def test_rotate_from_a_stale_page_is_refused_saying_what_changed(mission) -> None:
    current = _open(mission)
    seen = current.version
    services.deployment_leave_set(
        actor=mission.coordinator, deployment=current, version=seen, on_leave=True
    )

    with pytest.raises(ConcurrentUpdate) as caught:
        services.deployment_rotate(
            actor=mission.admin,
            deployment=current,
            version=seen,
            location=mission.office_a,
            start_date=TODAY(),
        )

    assert "On leave from Ippy" in caught.value.message
    assert mission.coordinator.get_full_name() in caught.value.message
    assert Deployment.objects.filter(cla=mission.cla_profile).count() == 1


def test_end_needs_a_reason_and_refuses_an_end_before_the_start(mission) -> None:
    current = _open(mission)
    with pytest.raises(DomainError) as no_reason:
        services.deployment_close(
            actor=mission.admin,
            deployment=current,
            version=current.version,
            end_date=TODAY(),
            reason="  ",
        )
    with pytest.raises(DomainError) as too_early:
        services.deployment_close(
            actor=mission.admin,
            deployment=current,
            version=current.version,
            end_date=current.start_date - dt.timedelta(days=1),
            reason="Contract ended",
        )

    assert no_reason.value.field == "end_reason"
    assert too_early.value.field == "end_date"
    current.refresh_from_db()
    assert current.end_date is None


def test_end_records_the_date_and_reason(mission) -> None:
    current = _open(mission)

    ended = services.deployment_close(
        actor=mission.admin,
        deployment=current,
        version=current.version,
        end_date=TODAY() + dt.timedelta(days=10),
        reason="Contract ended",
    )

    assert ended.end_date == TODAY() + dt.timedelta(days=10)
    assert ended.end_reason == "Contract ended"
    event = DeploymentEvent.objects.get(deployment=ended)
    assert "Contract ended" in event.text


def test_ending_twice_is_refused(mission) -> None:
    current = _open(mission)
    ended = services.deployment_close(
        actor=mission.admin,
        deployment=current,
        version=current.version,
        end_date=TODAY(),
        reason="Done",
    )

    with pytest.raises(InvalidTransition):
        services.deployment_close(
            actor=mission.admin,
            deployment=ended,
            version=ended.version,
            end_date=TODAY(),
            reason="Again",
        )


def test_leave_and_back(mission) -> None:
    current = _open(mission)
    on_leave = services.deployment_leave_set(
        actor=mission.admin, deployment=current, version=1, on_leave=True
    )
    assert on_leave.status == Deployment.Status.ON_LEAVE

    with pytest.raises(InvalidTransition):
        services.deployment_leave_set(
            actor=mission.admin, deployment=current, version=2, on_leave=True
        )
    back = services.deployment_leave_set(
        actor=mission.admin, deployment=current, version=2, on_leave=False
    )
    assert back.status == Deployment.Status.WORKING and back.version == 3


def test_the_history_reads_in_the_language_of_whoever_reads_it(mission) -> None:
    current = _open(mission)
    services.deployment_leave_set(actor=mission.admin, deployment=current, version=1, on_leave=True)
    event = DeploymentEvent.objects.get(deployment=current)

    with translation.override("fr"):
        assert event.text == "En congé, absent de Ippy."
    assert event.text == "On leave from Ippy."
