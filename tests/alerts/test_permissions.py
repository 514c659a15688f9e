"""alerts.permissions: who logs alerts, who works the queues, who sees the source's identity;
and the pages, the API and the services give the same answer, since they all ask there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from alerts import permissions, services
from alerts.models import Alert
from alerts.transitions import TRANSITIONS
from clas.models import Role, User
from core.exceptions import PermissionRefused
from tests import factories as f
from tests.alerts.support import api_client, make_input, off_duty_force, page_client
from tests.alerts.test_api import payload
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ROLES = ["cla", "coordinator", "force", "hq", "admin"]
# mission.force is an officer of queue_a (on duty); "force-off-duty" is an officer of no queue.
LOGGING_CASES = [*ROLES, "force-off-duty"]
LOGS_ALERTS = {
    "cla": True,
    "coordinator": True,
    "force": True,
    "force-off-duty": False,
    "hq": True,
    "admin": True,
}
WORKS_QUEUES = {"cla": False, "coordinator": False, "force": True, "hq": True, "admin": True}


def queued(mission: Mission) -> Alert:
    return f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="queued")


def user_for(mission: Mission, case: str) -> User:
    return off_duty_force(mission) if case == "force-off-duty" else mission.user(case)


@pytest.mark.parametrize("role", ROLES)
def test_who_logs_alerts_and_who_works_the_queues(mission: Mission, role: str) -> None:
    user = mission.user(role)

    assert permissions.may_log_alerts(user) is LOGS_ALERTS[role]
    assert permissions.may_triage(user) is WORKS_QUEUES[role]
    for transition in TRANSITIONS.values():
        assert permissions.may_take(user, transition) is WORKS_QUEUES[role]


def test_a_force_officer_is_on_duty_as_officer_of_a_queue_of_their_sector(
    mission: Mission,
) -> None:
    off_duty = off_duty_force(mission)
    assert not permissions.may_log_alerts(off_duty)
    assert permissions.may_triage(off_duty)

    mission.queue_b.officers.add(off_duty)  # a queue of another sector does not count
    assert not permissions.is_force_officer_on_duty(User.objects.get(pk=off_duty.pk))

    mission.queue_a.officers.add(off_duty)
    assert permissions.is_force_officer_on_duty(User.objects.get(pk=off_duty.pk))
    assert permissions.may_log_alerts(User.objects.get(pk=off_duty.pk))


@pytest.mark.parametrize("role", [Role.CLA, Role.FORCE])
def test_a_superuser_may_do_both_whatever_the_role(role: str) -> None:
    user = f.UserFactory(role=role, is_superuser=True, is_staff=True)

    assert permissions.may_log_alerts(user)
    assert permissions.may_triage(user)


def test_an_anonymous_visitor_may_do_nothing() -> None:
    visitor = AnonymousUser()

    assert not permissions.may_log_alerts(visitor)
    assert not permissions.may_triage(visitor)
    assert not permissions.may_see_source_identity(visitor, Alert(logged_by_id=1))


@pytest.mark.parametrize(
    ("role", "of_another", "of_their_own"),
    [
        ("cla", False, True),
        ("coordinator", True, True),
        ("force", False, False),
        ("hq", False, True),
        ("admin", False, True),
    ],
)
def test_who_sees_the_source_identity(
    mission: Mission, role: str, of_another: bool, of_their_own: bool
) -> None:
    user = mission.user(role)
    user.is_superuser = False  # the permission flag decides for admins, not being a superuser

    assert permissions.may_see_source_identity(user, queued(mission)) is of_another
    assert permissions.may_see_source_identity(user, Alert(logged_by=user)) is of_their_own


def test_hq_staff_given_the_permission_see_the_source_identity(mission: Mission) -> None:
    mission.hq.can_view_source_identity = True

    assert permissions.may_see_source_identity(mission.hq, queued(mission))


@pytest.mark.parametrize("role", LOGGING_CASES)
def test_pages_api_and_services_agree_on_who_logs_alerts(mission: Mission, role: str) -> None:
    user = user_for(mission, role)
    allowed = LOGS_ALERTS[role]
    # Heard on the radio from the CLA of base A: a call every role that logs may log.
    relay = {"received_via": "radio", "received_from": {"cla": mission.cla_profile.pk}}

    page = page_client(user).get(reverse("alerts:alert_create"))
    api = api_client(user).post(
        "/api/v1/alerts/", payload(location=mission.base_a.pk, **relay), format="json"
    )
    try:
        services.alert_validate(
            user=user,
            data=make_input(
                mission, received_via="radio", received_from_cla_id=mission.cla_profile.pk
            ),
        )
    except PermissionRefused:
        service_allows = False
    except ValidationError:
        service_allows = True
    else:
        service_allows = True

    assert page.status_code == (200 if allowed else 403)
    assert api.status_code == (201 if allowed else 403), api.content
    assert service_allows is allowed


@pytest.mark.parametrize("role", ROLES)
def test_pages_api_and_services_agree_on_who_works_the_queues(mission: Mission, role: str) -> None:
    user = mission.user(role)
    allowed = WORKS_QUEUES[role]
    on_page, on_api, by_service = queued(mission), queued(mission), queued(mission)

    queue_page = page_client(user).get(reverse("alerts:queue"))
    detail_page = page_client(user).get(reverse("alerts:alert_detail", args=[on_page.pk]))
    action = page_client(user).post(
        reverse("alerts:alert_action", args=[on_page.pk, "acknowledge"]),
        {"acknowledge-version": on_page.version},
    )
    api = api_client(user).post(f"/api/v1/alerts/{on_api.pk}/acknowledge/", {}, format="json")
    try:
        services.alert_acknowledge(alert_id=by_service.pk, user=user)
    except PermissionRefused:
        service_allows = False
    else:
        service_allows = True

    assert queue_page.status_code == (200 if allowed else 403)
    assert bool(detail_page.context["actions"]) is allowed
    assert action.status_code == (302 if allowed else 403)
    assert api.status_code == (200 if allowed else 403)
    assert service_allows is allowed
    acknowledged = Alert.objects.filter(status="acknowledged").count()
    assert acknowledged == (3 if allowed else 0)
