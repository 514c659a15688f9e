"""alerts.transitions: the state machine is one table, and the services, the page forms, the
page messages, the queue and the API all follow it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from alerts import services
from alerts.api import AlertViewSet
from alerts.forms import ACTION_FORMS
from alerts.models import Alert
from alerts.transitions import OPEN_STATES, TRANSITIONS
from core.exceptions import InvalidTransition
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

OPEN = {"queued", "acknowledged", "triangulating", "verified", "responded"}
# The lifecycle as the design says it: (states the action applies to, state after, event).
LIFECYCLE: dict[str, tuple[set[str], str | None, str]] = {
    "acknowledge": ({"queued"}, "acknowledged", "acknowledged"),
    "triangulate": ({"acknowledged", "triangulating"}, "triangulating", "triangulation"),
    "outcome": ({"acknowledged", "triangulating"}, "verified", "outcome"),
    "response": ({"verified"}, "responded", "response"),
    "close": ({"verified", "responded"}, "closed", "closed"),
    "reopen": ({"closed"}, "acknowledged", "reopened"),
    "assign": (OPEN, None, "assigned"),
    "note": ({*OPEN, "closed"}, None, "note"),
}

# What each action takes besides the alert and its version (assign: the officer, see below).
VALUES: dict[str, dict[str, Any]] = {
    "acknowledge": {},
    "triangulate": {"method": "patrol"},
    "outcome": {"outcome": "partly"},
    "response": {"response": "patrol"},
    "close": {},
    "reopen": {"note": "Seen again"},
    "note": {"note": "Patrol saw nothing"},
}


def values_for(mission: Mission, name: str, *, officer: str = "officer") -> dict[str, Any]:
    """The input of an action; the officer to assign is named `officer_id` by the service."""
    return {officer: mission.force.pk} if name == "assign" else VALUES[name]


def in_state(mission: Mission, status: str) -> Alert:
    return f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status=status)


def test_the_table_is_the_lifecycle_in_the_order_the_page_offers_it() -> None:
    assert list(TRANSITIONS) == list(LIFECYCLE)
    for name, transition in TRANSITIONS.items():
        assert transition.name == name
        assert (set(transition.sources), transition.target, transition.event) == LIFECYCLE[name]
        assert "%(reference)s" in str(transition.done)
    assert set(OPEN_STATES) == OPEN


@pytest.mark.parametrize("state", Alert.Status.values)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_the_services_take_each_action_exactly_in_its_states(
    mission: Mission, name: str, state: str
) -> None:
    sources, target, event = LIFECYCLE[name]
    alert = in_state(mission, state)
    service = services.ACTION_SERVICES[name]
    values = values_for(mission, name, officer="officer_id")

    if state not in sources:
        with pytest.raises(InvalidTransition):
            service(alert_id=alert.pk, user=mission.force, **values)
        assert Alert.objects.get(pk=alert.pk).status == state
        assert not alert.events.exists()
        return

    service(alert_id=alert.pk, user=mission.force, **values)

    alert.refresh_from_db()
    assert alert.status == (target or state)
    written = alert.events.get()
    assert (written.kind, written.from_status, written.to_status) == (event, state, alert.status)


def test_every_action_has_a_service_and_a_page_form_under_its_name() -> None:
    assert set(services.ACTION_SERVICES) == set(TRANSITIONS)
    assert list(ACTION_FORMS) == list(TRANSITIONS)
    for name, form in ACTION_FORMS.items():
        assert form.transition is TRANSITIONS[name]
        assert form.prefix_name() == name


def test_the_api_has_an_endpoint_per_action_but_the_note() -> None:
    # Not actions of the table: the CLA's follow-up, the officer's verification (checks and
    # grade change no state) and duplicates decided between two alerts.
    follow_up = {"follow-up-note", "community-informed"}
    verification = {"checks", "grade"}
    duplicates = {
        "duplicates/(?P<other_id>[0-9]+)/confirm",
        "duplicates/(?P<other_id>[0-9]+)/reject",
    }
    routes = {
        a.url_path: a.url_name
        for a in AlertViewSet.get_extra_actions()
        if a.url_path not in follow_up | verification | duplicates
    }

    assert set(routes) == set(TRANSITIONS) - {"note"}
    assert all(path == name for path, name in routes.items())


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_the_page_takes_each_action_and_says_the_tables_message(
    mission: Mission, client: Client, name: str
) -> None:
    transition = TRANSITIONS[name]
    alert = in_state(mission, transition.sources[0])
    values = values_for(mission, name)
    client.force_login(mission.force)

    response = client.post(
        reverse("alerts:alert_action", args=[alert.pk, name]),
        {f"{name}-version": alert.version, **{f"{name}-{k}": v for k, v in values.items()}},
    )

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == (transition.target or transition.sources[0])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [transition.done_message(alert)]


@pytest.mark.parametrize("name", sorted(set(TRANSITIONS) - {"note"}))
def test_the_api_takes_each_action_in_a_state_the_table_allows(mission: Mission, name: str) -> None:
    transition = TRANSITIONS[name]
    alert = in_state(mission, transition.sources[0])
    values = values_for(mission, name)
    client = APIClient()
    client.force_login(mission.force)

    response = client.post(f"/api/v1/alerts/{alert.pk}/{name}/", values, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == (transition.target or transition.sources[0])


def test_the_queue_shows_the_alerts_in_open_states(mission: Mission, client: Client) -> None:
    alerts = {status: in_state(mission, status) for status in Alert.Status.values}
    client.force_login(mission.force)

    rows = client.get(reverse("alerts:queue")).context["rows"]

    assert {row.pk for row in rows} == {alerts[status].pk for status in OPEN_STATES}
