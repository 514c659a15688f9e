from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from alerts.forms import (
    ACTION_FORMS,
    AcknowledgeForm,
    AlertFilterForm,
    AlertForm,
    AssignForm,
    ReopenForm,
)
from alerts.models import Alert, ThreatCategory
from clas.models import CommunityAlertNetwork, Role
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def form_data(mission: Mission, **overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data: dict[str, Any] = {
        "client_key": "0b6f1bb7c1e44a0aa7a8d6c1f3d2e4a1",
        "location": mission.base_a.pk,
        "category": ThreatCategory.objects.get(code="attack").pk,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": now.strftime("%Y-%m-%dT%H:%M"),
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "source_type": Alert.SourceType.LOCAL_AUTHORITY,
    }
    data.update(overrides)
    return data


def test_the_cla_location_is_fixed_and_hidden(mission: Mission) -> None:
    form = AlertForm(user=mission.cla)

    assert form.fixed_location == mission.base_a
    assert form.fields["location"].widget.is_hidden
    assert form.initial["location"] == mission.base_a.pk


def test_a_coordinator_chooses_among_the_locations_of_the_area(mission: Mission) -> None:
    form = AlertForm(user=mission.coordinator)

    assert form.fixed_location is None
    assert not form.fields["location"].widget.is_hidden
    assert set(form.fields["location"].queryset) == {mission.office_a, mission.base_a}


def test_a_new_form_carries_a_client_key_and_the_time_now(mission: Mission) -> None:
    first, second = AlertForm(user=mission.cla), AlertForm(user=mission.cla)

    assert len(first.initial["client_key"]) == 32
    assert first.initial["client_key"] != second.initial["client_key"]
    reported = first.initial["reported_at"]
    assert abs(timezone.now() - reported) < dt.timedelta(minutes=1)
    assert str(reported.tzinfo) == settings.TIME_ZONE


def test_network_choices_are_those_of_the_cla_location(mission: Mission) -> None:
    own = f.NetworkFactory(location=mission.base_a, name="Ippy centre")
    f.NetworkFactory(location=mission.base_a, status=CommunityAlertNetwork.Status.DISSOLVED)
    f.NetworkFactory(location=mission.base_b)
    f.NetworkFactory(location=mission.office_a)

    form = AlertForm(user=mission.cla)

    assert list(form.fields["source_can"].queryset) == [own]


def test_a_network_of_another_location_is_refused_on_its_field(mission: Mission) -> None:
    other = f.NetworkFactory(location=mission.base_b)

    form = AlertForm(form_data(mission, source_can=other.pk), user=mission.cla)

    assert not form.is_valid()
    assert form.errors["source_can"] == ["Choose an alert network of the alert's location."]


def test_datetime_local_input_is_read_in_the_mission_time_zone(mission: Mission) -> None:
    form = AlertForm(
        form_data(mission, occurred_at="2026-01-10T08:30", reported_at="2026-01-10T09:00"),
        user=mission.cla,
    )

    assert form.is_valid(), form.errors
    bangui = zoneinfo.ZoneInfo("Africa/Bangui")
    assert form.cleaned_data["occurred_at"] == dt.datetime(2026, 1, 10, 8, 30, tzinfo=bangui)
    assert form.cleaned_data["occurred_at"].astimezone(dt.UTC).hour == 7


def test_the_datetime_inputs_are_browser_date_pickers(mission: Mission) -> None:
    html = str(AlertForm(user=mission.cla)["reported_at"])

    assert 'type="datetime-local"' in html
    assert "T" in html.split('value="')[1][:16]


def test_coordinates_are_rounded_to_five_decimals(mission: Mission) -> None:
    form = AlertForm(
        form_data(mission, latitude="5.7654321", longitude="20.1234567"), user=mission.cla
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == Decimal("5.76543")
    assert form.cleaned_data["longitude"] == Decimal("20.12346")


def test_empty_victim_counts_mean_none(mission: Mission) -> None:
    form = AlertForm(form_data(mission, victims_killed="", victims_injured="2"), user=mission.cla)

    assert form.is_valid(), form.errors
    data = form.to_input()
    assert data.victims_killed == 0
    assert data.victims_injured == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("victims_killed", "many"),
        ("latitude", "north"),
        ("category", "attack"),
        ("location", "999999999"),
        ("location", "99999999999999999999999999"),
        ("urgency", "Whenever"),
        ("occurred_at", "yesterday"),
        ("occurred_at", "0001-01-01T00:00"),
        ("reported_at", "9999-12-31T23:59"),
        ("place", "Ippy\x00"),
        ("description", "x" * 5001),
        ("client_key", "not a key!"),
        ("client_key", "a" * 65),
    ],
)
def test_malformed_values_are_field_errors(mission: Mission, field: str, value: str) -> None:
    form = AlertForm(form_data(mission, **{field: value}), user=mission.cla)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_to_input_types_what_the_service_takes(mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    form = AlertForm(
        form_data(
            mission,
            source_type=Alert.SourceType.CAN_MEMBER,
            source_can=network.pk,
            place=" Zoumango ",
        ),
        user=mission.cla,
    )

    assert form.is_valid(), form.errors
    data = form.to_input()
    assert data.location_id == mission.base_a.pk
    assert data.source_can_id == network.pk
    assert data.urgency == "Expected"
    assert data.place == "Zoumango"


def test_service_errors_land_on_the_named_fields(mission: Mission) -> None:
    form = AlertForm(form_data(mission), user=mission.cla)
    assert form.is_valid()

    form.add_service_errors({"latitude": ["Outside"], "something_else": ["Whole form"]})

    assert form.errors["latitude"] == ["Outside"]
    assert form.non_field_errors() == ["Whole form"]


def test_filter_form_applies_the_valid_filters_and_ignores_the_others(mission: Mission) -> None:
    keep = f.AlertFactory(location=mission.base_a, logged_by=mission.cla, urgency="Immediate")
    f.AlertFactory(location=mission.base_a, logged_by=mission.cla, urgency="Past")
    form = AlertFilterForm(
        {"urgency": "Immediate", "category": "nonsense", "reported_after": "32/13/2026"},
        user=mission.hq,
    )

    assert not form.is_valid()
    assert set(form.errors) == {"category", "reported_after"}
    assert list(form.filter(Alert.objects.all())) == [keep]


def test_filter_form_offers_only_locations_in_scope(mission: Mission) -> None:
    form = AlertFilterForm({"location": mission.base_b.pk}, user=mission.cla)

    assert not form.is_valid()
    assert "location" in form.errors


def test_date_range_is_inclusive_in_mission_days(mission: Mission) -> None:
    bangui = zoneinfo.ZoneInfo("Africa/Bangui")
    early = f.AlertFactory(reported_at=dt.datetime(2026, 3, 1, 0, 30, tzinfo=bangui))
    late = f.AlertFactory(reported_at=dt.datetime(2026, 3, 2, 23, 50, tzinfo=bangui))
    f.AlertFactory(reported_at=dt.datetime(2026, 3, 3, 0, 10, tzinfo=bangui))
    f.AlertFactory(reported_at=dt.datetime(2026, 2, 28, 23, 50, tzinfo=bangui))
    form = AlertFilterForm(
        {"reported_after": "2026-03-01", "reported_before": "2026-03-02"}, user=mission.hq
    )

    assert form.is_valid(), form.errors
    assert set(form.filter(Alert.objects.all())) == {early, late}


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Alert.Status.NEW, set()),
        (Alert.Status.QUEUED, {"acknowledge", "assign", "note"}),
        (Alert.Status.ACKNOWLEDGED, {"triangulate", "outcome", "assign", "note"}),
        (Alert.Status.TRIANGULATING, {"triangulate", "outcome", "assign", "note"}),
        (Alert.Status.VERIFIED, {"response", "close", "assign", "note"}),
        (Alert.Status.RESPONDED, {"close", "assign", "note"}),
        (Alert.Status.CLOSED, {"reopen", "note"}),
    ],
)
def test_actions_are_offered_only_in_the_states_that_allow_them(
    mission: Mission, status: str, offered: set[str]
) -> None:
    alert = f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status=status)

    assert {name for name, form in ACTION_FORMS.items() if form.applies_to(alert)} == offered


def test_action_forms_carry_the_alert_version(mission: Mission) -> None:
    alert = f.AlertFactory(location=mission.base_a, queue=mission.queue_a, version=7)

    html = AcknowledgeForm(alert=alert).as_div()

    assert 'name="acknowledge-version"' in html
    assert 'value="7"' in html


def test_assign_offers_only_the_officers_of_the_alert_queue(mission: Mission) -> None:
    colleague = f.UserFactory(role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(colleague)
    outsider = f.UserFactory(role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(outsider)
    alert = f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="queued")

    form = AssignForm({"assign-version": "1", "assign-officer": outsider.pk}, alert=alert)

    assert set(form.fields["officer"].queryset) == {mission.force, colleague}
    assert not form.is_valid()
    assert form.errors["officer"] == ["Choose an officer of this alert's queue."]


def test_reopening_needs_a_reason(mission: Mission) -> None:
    alert = f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="closed")

    form = ReopenForm({"reopen-version": "1", "reopen-note": "  "}, alert=alert)

    assert not form.is_valid()
    assert "note" in form.errors
