"""alert_create for an alert heard by phone or radio and logged on behalf of a CLA or focal
point: the rules (both fields or neither, exactly one person, within the logger's scope), the
channel stored, and who then sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from alerts import services
from alerts.models import Alert, AlertEvent
from alerts.selectors import alert_list, my_alert_list
from clas.models import CLA, CommunityAlertNetwork, FocalPoint, Role
from core.exceptions import PermissionRefused
from tests import factories as f
from tests.alerts.support import make_input, off_duty_force, validation_fields
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(mission: Mission) -> dict[str, Any]:
    """The CLAs and focal points a call may come from, inside and outside sector A."""
    network_a = f.NetworkFactory(location=mission.base_a, name="CAN Ippy")
    network_b = f.NetworkFactory(location=mission.base_b, name="CAN Baboua")
    dissolved = f.NetworkFactory(
        location=mission.base_a, name="CAN gone", status=CommunityAlertNetwork.Status.DISSOLVED
    )
    return {
        "cla": mission.cla_profile.pk,
        "cla_b": mission.cla_b.cla_profile.pk,
        "point_a": f.FocalPointFactory(network=network_a, name="Awa Ndoye").pk,
        "point_b": f.FocalPointFactory(network=network_b).pk,
        "point_dissolved": f.FocalPointFactory(network=dissolved).pk,
        "undeployed_cla": f.CLAFactory(user=f.UserFactory(role=Role.CLA)).pk,
    }


def relay(people: dict[str, Any], via: str = "radio", **named: str) -> dict[str, Any]:
    """received_via and the ids of received_from, named by the keys of `people`."""
    values: dict[str, Any] = {"received_via": via}
    for field, key in named.items():
        values[f"received_from_{field}_id"] = people.get(key, key)
    return values


# (who logs, what they send, the fields refused); None: saved.
CASES = [
    # A Force officer on duty: a CLA deployed in their sector, by radio or phone, nothing else.
    ("force", {"via": "radio", "cla": "cla"}, None),
    ("force", {"via": "phone", "cla": "cla"}, None),
    ("force", {"via": "radio", "cla": "cla_b"}, {"received_from"}),  # sector B
    ("force", {"via": "radio", "cla": "undeployed_cla"}, {"received_from"}),
    ("force", {"via": "radio", "focal_point": "point_a"}, {"received_from"}),  # names hidden
    ("force", {"via": "radio"}, {"received_from"}),
    # A CLA: themselves, or a focal point of the networks of their location.
    ("cla", {"via": "phone", "focal_point": "point_a"}, None),
    ("cla", {"via": "radio", "cla": "cla"}, None),
    ("cla", {"via": "phone", "focal_point": "point_b"}, {"received_from"}),  # another network
    ("cla", {"via": "phone", "focal_point": "point_dissolved"}, {"received_from"}),
    ("cla", {"via": "phone", "cla": "cla_b"}, {"received_from"}),  # another CLA
    # A coordinator: the CLAs and focal points of their area.
    ("coordinator", {"via": "phone", "cla": "cla"}, None),
    ("coordinator", {"via": "phone", "focal_point": "point_a"}, None),
    ("coordinator", {"via": "phone", "focal_point": "point_b"}, {"received_from"}),
    ("coordinator", {"via": "phone", "cla": "cla_b"}, {"received_from"}),
    # HQ: anyone deployed.
    ("hq", {"via": "radio", "cla": "cla_b"}, None),
    # The two go together, and name one person.
    ("cla", {"via": "phone"}, {"received_from"}),
    ("cla", {"via": "", "focal_point": "point_a"}, {"received_via"}),
    ("cla", {"via": "phone", "cla": "cla", "focal_point": "point_a"}, {"received_from"}),
    # Junk: unknown ids, ids out of range or of the wrong type, a channel that is not a call.
    ("cla", {"via": "phone", "focal_point": 999_999}, {"received_from"}),
    ("force", {"via": "radio", "cla": 999_999}, {"received_from"}),
    ("force", {"via": "radio", "cla": 2**40}, {"received_from"}),
    ("force", {"via": "radio", "cla": -3}, {"received_from"}),
    ("force", {"via": "radio", "cla": "12"}, {"received_from"}),
    ("cla", {"via": "sms", "cla": "cla"}, {"received_via"}),
    ("cla", {"via": "pigeon", "cla": "cla"}, {"received_via"}),
]


@pytest.mark.parametrize(("role", "sent", "refused"), CASES)
def test_who_may_log_a_call_on_behalf_of_whom(
    mission: Mission,
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
    role: str,
    sent: dict[str, Any],
    refused: set[str] | None,
) -> None:
    sent = dict(sent)
    named = {k: sent.pop(k) for k in ("cla", "focal_point") if k in sent}
    data = make_input(mission, **relay(people, sent["via"], **named))

    if refused is not None:
        with pytest.raises(ValidationError) as caught:
            services.alert_create(user=mission.user(role), data=data)
        assert validation_fields(caught) == refused
        assert not Alert.objects.exists()
        return
    with django_capture_on_commit_callbacks(execute=True):
        alert, created = services.alert_create(user=mission.user(role), data=data)
    assert created
    alert.refresh_from_db()
    assert alert.channel == sent["via"]
    assert alert.logged_by == mission.user(role)
    assert alert.received_from_cla_id == (people[named["cla"]] if "cla" in named else None)
    expected_point = people[named["focal_point"]] if "focal_point" in named else None
    assert alert.received_from_focal_point_id == expected_point


def test_errors_are_translated(mission: Mission, people: dict[str, Any]) -> None:
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        services.alert_validate(
            user=mission.force, data=make_input(mission, **relay(people, "radio", cla="cla_b"))
        )
    assert caught.value.message_dict["received_from"] == [
        "Choisissez un ALC déployé là où vous travaillez."
    ]


@pytest.mark.parametrize("named", [{}, {"cla": "cla"}])
def test_a_force_officer_on_duty_logs_nothing_but_calls(
    mission: Mission, people: dict[str, Any], named: dict[str, str]
) -> None:
    with pytest.raises(PermissionRefused):
        services.alert_create(
            user=mission.force, data=make_input(mission, **relay(people, "", **named))
        )
    assert not Alert.objects.exists()


def test_a_force_officer_off_duty_is_refused_before_anything_is_checked(
    mission: Mission, people: dict[str, Any]
) -> None:
    with pytest.raises(PermissionRefused):
        services.alert_create(
            user=off_duty_force(mission), data=make_input(mission, **relay(people, cla="cla"))
        )
    assert not Alert.objects.exists()


def test_the_force_officers_call_is_routed_to_their_queue_and_followed_by_the_cla(
    mission: Mission, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert, _created = services.alert_create(
            user=mission.force, data=make_input(mission, **relay(people, "radio", cla="cla"))
        )
    services.alert_route(alert_id=alert.pk)  # whatever the broker did, routing is idempotent
    alert.refresh_from_db()

    assert alert.queue == mission.queue_a
    assert alert.status == Alert.Status.QUEUED
    assert alert.events.get(kind=AlertEvent.Kind.CREATED).actor == mission.force
    assert alert in alert_list(user=mission.force)
    assert alert in my_alert_list(user=mission.cla)
    assert alert not in my_alert_list(user=mission.coordinator)


def test_the_named_cla_sees_the_alert_even_at_another_location(
    mission: Mission, people: dict[str, Any]
) -> None:
    """HQ logs a call from the CLA of base B: that CLA follows it, the CLA of base A does not."""
    alert, _created = services.alert_create(
        user=mission.hq, data=make_input(mission, **relay(people, "phone", cla="cla_b"))
    )

    assert alert.location == mission.base_a
    assert alert in alert_list(user=mission.cla_b)
    assert alert in my_alert_list(user=mission.cla_b)
    assert alert not in my_alert_list(user=mission.cla)


def test_a_force_officer_sees_their_call_before_it_is_routed(
    mission: Mission, people: dict[str, Any]
) -> None:
    alert, _created = services.alert_create(
        user=mission.force, data=make_input(mission, **relay(people, "radio", cla="cla"))
    )

    assert alert.queue_id is None
    assert alert_list(user=mission.force).filter(pk=alert.pk).exists()
    other = f.UserFactory(role=Role.FORCE, sector=mission.sector_a)
    assert not alert_list(user=other).filter(pk=alert.pk).exists()


def test_a_replayed_call_is_one_alert_and_alerts_without_a_call_keep_their_fingerprint(
    mission: Mission, people: dict[str, Any]
) -> None:
    data = make_input(mission, **relay(people, "radio", cla="cla"))
    first, created = services.alert_create(user=mission.force, data=data, client_key="radio-1")
    again, created_again = services.alert_create(
        user=mission.force, data=data, client_key="radio-1"
    )

    assert created and not created_again
    assert again.pk == first.pk
    assert make_input(mission).fingerprint() == make_input(mission, received_via="").fingerprint()
    assert data.fingerprint() != make_input(mission).fingerprint()


def test_a_deleted_focal_point_leaves_the_call_on_record(
    mission: Mission, people: dict[str, Any]
) -> None:
    alert, _created = services.alert_create(
        user=mission.cla, data=make_input(mission, **relay(people, "phone", focal_point="point_a"))
    )
    FocalPoint.objects.filter(pk=people["point_a"]).delete()
    alert.refresh_from_db()

    assert alert.channel == "phone"
    assert alert.received_from_focal_point_id is None
    assert CLA.objects.filter(pk=people["cla"]).exists()
