"""Alerts heard by phone or radio on the pages and in the API: the form's fieldset, the same
scoping on the page and its API twin, who sees the focal point's name, the channel shown and
filtered on the list page and in the API, and the named CLA's own list."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from alerts.models import Alert
from clas.models import CommunityAlertNetwork, FocalPoint, Role, User
from tests import factories as f
from tests.alerts.support import api_client, off_duty_force, page_client
from tests.alerts.test_api import payload
from tests.alerts.test_views import alert_post, field_errors
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("alerts:alert_create")
LIST_URL = reverse("alerts:alert_list")
API = "/api/v1/alerts/"


@pytest.fixture
def points(mission: Mission) -> dict[str, FocalPoint]:
    network_a = f.NetworkFactory(location=mission.base_a, name="CAN Ippy")
    network_b = f.NetworkFactory(location=mission.base_b, name="CAN Baboua")
    return {
        "a": f.FocalPointFactory(network=network_a, name="Awa Ndoye"),
        "b": f.FocalPointFactory(network=network_b, name="Paul Yakite"),
    }


def relayed(mission: Mission, *, by: User, channel: str = "radio", **extra: Any) -> Alert:
    """A call already on queue A, logged by `by` on behalf of the CLA of base A unless told."""
    values: dict[str, Any] = {
        "location": mission.base_a,
        "queue": mission.queue_a,
        "status": "queued",
        "received_from_cla": mission.cla_profile,
        **extra,
    }
    return f.AlertFactory(logged_by=by, channel=channel, **values)


def option_values(content: bytes, name: str) -> list[str]:
    page = parse(content)
    (select,) = page.find_all("select", name=name)
    return [o.attrs["value"] for o in page.find_all("option", within=select) if o.attrs["value"]]


# --- the form -------------------------------------------------------------------------------


def test_a_force_officer_on_duty_gets_the_form_with_the_call_first_and_required(
    mission: Mission, points: dict[str, FocalPoint]
) -> None:
    response = page_client(mission.force).get(CREATE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('name="received_via"') < html.index('name="category"')
    radios = parse(response.content).find_all("input", name="received_via")
    assert {r.attrs["value"] for r in radios} == {"phone", "radio"}
    # CLAs deployed in the sector only; focal points' names are never offered to the Force.
    assert option_values(response.content, "received_from") == [f"cla-{mission.cla_profile.pk}"]
    assert "Awa Ndoye" not in html


def test_a_force_officer_off_duty_still_gets_403(mission: Mission) -> None:
    assert page_client(off_duty_force(mission)).get(CREATE_URL).status_code == 403


def test_a_cla_gets_the_call_fieldset_folded_with_themselves_and_their_focal_points(
    mission: Mission, points: dict[str, FocalPoint]
) -> None:
    response = page_client(mission.cla).get(CREATE_URL)

    page = parse(response.content)
    (details,) = page.find_all("details", class_="more relay")
    assert "open" not in details.attrs
    assert option_values(response.content, "received_from") == [
        f"cla-{mission.cla_profile.pk}",
        f"focal_point-{points['a'].pk}",
    ]
    radios = page.find_all("input", name="received_via")
    assert [r.attrs["value"] for r in radios] == ["", "phone", "radio"]


def test_the_queue_page_offers_the_form_to_officers_on_duty(mission: Mission) -> None:
    on_duty = page_client(mission.force).get(reverse("alerts:queue")).content.decode()
    off_duty = page_client(off_duty_force(mission)).get(reverse("alerts:queue")).content.decode()

    assert f'href="{CREATE_URL}"' in on_duty
    assert f'href="{CREATE_URL}"' not in off_duty


def test_a_force_officer_logs_a_radio_call_for_a_cla(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    client = page_client(mission.force)
    data = alert_post(mission, received_via="radio", received_from=f"cla-{mission.cla_profile.pk}")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE_URL, data)

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert (alert.channel, alert.logged_by, alert.received_from_cla) == (
        "radio",
        mission.force,
        mission.cla_profile,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Radio" in detail
    assert str(mission.cla_profile) in detail


def test_a_force_officer_must_say_how_and_from_whom(mission: Mission) -> None:
    response = page_client(mission.force).post(CREATE_URL, alert_post(mission))

    assert response.status_code == 200
    assert field_errors(response, "received_via")
    assert field_errors(response, "received_from")
    assert not Alert.objects.exists()


# --- the page and its API twin refuse the same -------------------------------------------


# (who logs, whom they name, via): each refused on the page and in the API alike.
OUT_OF_SCOPE = [
    ("force", "cla_b", "radio"),
    ("force", "point_a", "radio"),
    ("cla", "point_b", "phone"),
    ("cla", "cla_b", "phone"),
    ("coordinator", "point_b", "phone"),
    ("coordinator", "cla_b", "phone"),
    ("cla", "unknown_point", "phone"),
    ("force", "unknown_cla", "radio"),
]


def _named(mission: Mission, points: dict[str, FocalPoint], key: str) -> tuple[str, int]:
    return {
        "cla_b": ("cla", mission.cla_b.cla_profile.pk),
        "point_a": ("focal_point", points["a"].pk),
        "point_b": ("focal_point", points["b"].pk),
        "unknown_point": ("focal_point", 999_999),
        "unknown_cla": ("cla", 999_999),
    }[key]


@pytest.mark.parametrize(("role", "key", "via"), OUT_OF_SCOPE)
def test_page_and_api_refuse_the_same_people_out_of_scope(
    mission: Mission, points: dict[str, FocalPoint], role: str, key: str, via: str
) -> None:
    user = mission.user(role)
    kind, pk = _named(mission, points, key)

    page = page_client(user).post(
        CREATE_URL, alert_post(mission, received_via=via, received_from=f"{kind}-{pk}")
    )
    api = api_client(user).post(
        API,
        payload(location=mission.base_a.pk, received_via=via, received_from={kind: pk}),
        format="json",
    )

    assert page.status_code == 200
    assert field_errors(page, "received_from")
    assert api.status_code == 400, api.content
    assert list(api.json()) == ["received_from"]
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("role", "kind", "via"),
    [("force", "cla", "radio"), ("cla", "focal_point", "phone"), ("coordinator", "cla", "phone")],
)
def test_page_and_api_accept_the_same_calls(
    mission: Mission,
    points: dict[str, FocalPoint],
    django_capture_on_commit_callbacks: Any,
    role: str,
    kind: str,
    via: str,
) -> None:
    user = mission.user(role)
    pk = mission.cla_profile.pk if kind == "cla" else points["a"].pk

    with django_capture_on_commit_callbacks(execute=True):
        page = page_client(user).post(
            CREATE_URL, alert_post(mission, received_via=via, received_from=f"{kind}-{pk}")
        )
        api = api_client(user).post(
            API,
            payload(location=mission.base_a.pk, received_via=via, received_from={kind: pk}),
            format="json",
        )

    assert page.status_code == 302
    assert api.status_code == 201, api.content
    assert api.json()["channel"] == via
    assert api.json()["received_from"]["kind"] == kind
    column = f"received_from_{kind}_id"
    assert list(Alert.objects.values_list("channel", column)) == [(via, pk), (via, pk)]


def _with_cla(value: Any, pk: int) -> Any:
    """The case with the CLA's id where it says CLA_PK."""
    if value == "CLA_PK":
        return pk
    if isinstance(value, dict):
        return {key: _with_cla(item, pk) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_cla(item, pk) for item in value]
    return value


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"received_via": "radio"}, "received_from"),
        ({"received_from": {"cla": "CLA_PK"}}, "received_via"),
        ({"received_via": "sms", "received_from": {"cla": "CLA_PK"}}, "received_via"),
        ({"received_via": "radio", "received_from": "Jean"}, "received_from"),
        ({"received_via": "radio", "received_from": ["CLA_PK"]}, "received_from"),
        ({"received_via": "radio", "received_from": {"cla": "x"}}, "received_from"),
        ({"received_via": "radio", "received_from": {"cla": True}}, "received_from"),
        ({"received_via": "radio", "received_from": {"cla": 1.5}}, "received_from"),
        ({"received_via": "radio", "received_from": {"cla": 10**12}}, "received_from"),
        ({"received_via": "radio", "received_from": {"cla": -1}}, "received_from"),
        ({"received_via": "radio", "received_from": {}}, "received_from"),
        ({"received_via": "radio", "received_from": None}, "received_from"),
        ({"received_via": ["radio"], "received_from": {"cla": "CLA_PK"}}, "received_via"),
        (
            {"received_via": "radio", "received_from": {"cla": "CLA_PK", "focal_point": 1}},
            "received_from",
        ),
    ],
)
def test_the_api_answers_junk_with_a_field_error(
    mission: Mission, sent: dict[str, Any], field: str
) -> None:
    sent = _with_cla(sent, mission.cla_profile.pk)

    response = api_client(mission.coordinator).post(
        API, payload(location=mission.base_a.pk, **sent), format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "value", ["cla-999999", "focal_point-abc", "cla-", "pigeon-1", "x" * 500, "cla-99999999999"]
)
def test_the_page_answers_junk_with_a_field_error(mission: Mission, value: str) -> None:
    response = page_client(mission.cla).post(
        CREATE_URL, alert_post(mission, received_via="phone", received_from=value)
    )

    assert response.status_code == 200
    assert field_errors(response, "received_from")
    assert not Alert.objects.exists()


def test_the_api_refuses_a_force_officers_alert_that_was_not_a_call(mission: Mission) -> None:
    response = api_client(mission.force).post(
        API, payload(location=mission.base_a.pk), format="json"
    )

    assert response.status_code == 403
    assert "phone or radio" in response.json()["detail"]
    assert not Alert.objects.exists()


def test_a_call_sent_by_the_pages_script_comes_back_with_errors_per_field(
    mission: Mission,
) -> None:
    response = page_client(mission.force).post(
        CREATE_URL, alert_post(mission, received_via="radio"), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"received_from"}


# --- who sees whom it was heard from -------------------------------------------------------


def test_a_focal_points_name_is_hidden_from_the_force_but_the_officer_who_logged_it(
    mission: Mission, points: dict[str, FocalPoint]
) -> None:
    alert = relayed(
        mission,
        by=mission.cla,
        channel="phone",
        received_from_cla=None,
        received_from_focal_point=points["a"],
    )
    other_officer = f.UserFactory(role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(other_officer)
    by_force = relayed(
        mission, by=mission.force, received_from_cla=None, received_from_focal_point=points["a"]
    )
    url = reverse("alerts:alert_detail", args=[alert.pk])

    assert "Awa Ndoye" in page_client(mission.cla).get(url).content.decode()
    assert "Awa Ndoye" in page_client(mission.coordinator).get(url).content.decode()
    force_page = page_client(mission.force).get(url).content.decode()
    assert "Awa Ndoye" not in force_page
    assert "A focal point" in force_page
    hidden = api_client(mission.force).get(f"{API}{alert.pk}/").json()["received_from"]
    assert hidden == {"kind": "focal_point", "cla": None, "focal_point": None, "name": None}
    shown = api_client(mission.cla).get(f"{API}{alert.pk}/").json()["received_from"]
    assert shown["name"] == "Awa Ndoye"
    assert shown["focal_point"] == points["a"].pk
    # The officer who took the call heard the name; the other officers of the queue do not.
    own = api_client(mission.force).get(f"{API}{by_force.pk}/").json()["received_from"]
    assert own["name"] == "Awa Ndoye"
    others = api_client(other_officer).get(f"{API}{by_force.pk}/").json()["received_from"]
    assert others["name"] is None
    url = reverse("alerts:alert_detail", args=[by_force.pk])
    assert "Awa Ndoye" not in page_client(other_officer).get(url).content.decode()


def test_the_named_cla_follows_the_call_in_their_own_list(mission: Mission) -> None:
    # At a location that is not theirs: only being named brings it to them.
    alert = relayed(mission, by=mission.hq, location=mission.base_b, queue=mission.queue_b)

    mine = page_client(mission.cla).get(reverse("alerts:my_alerts")).content.decode()
    detail = page_client(mission.cla).get(reverse("alerts:alert_detail", args=[alert.pk]))
    api = api_client(mission.cla).get(f"{API}{alert.pk}/")

    assert alert.reference in mine
    assert "logged for you by" in mine
    assert detail.status_code == 200
    assert api.status_code == 200
    assert api.json()["received_from"] == {
        "kind": "cla",
        "cla": mission.cla_profile.pk,
        "focal_point": None,
        "name": str(mission.cla_profile),
    }
    assert (
        page_client(mission.cla_b)
        .get(reverse("alerts:my_alerts"))
        .content.count(alert.reference.encode())
        == 0
    )


# --- the channel on the list page and in the API ----------------------------------------


def test_the_list_page_and_the_api_filter_by_channel_alike(mission: Mission) -> None:
    radio = relayed(mission, by=mission.force, channel="radio")
    phone = relayed(mission, by=mission.force, channel="phone")
    web = f.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="queued")

    for channel, expected in (("radio", {radio}), ("phone", {phone}), ("web", {web})):
        page = page_client(mission.coordinator).get(LIST_URL, {"channel": channel})
        api = api_client(mission.coordinator).get(API, {"channel": channel})
        assert {a.pk for a in page.context["rows"]} == {a.pk for a in expected}
        assert {row["id"] for row in api.json()["results"]} == {a.pk for a in expected}
    page = page_client(mission.coordinator).get(LIST_URL, {"channel": "pigeon"})
    assert "channel" in page.context["filter_form"].errors
    assert len(page.context["rows"]) == 3
    assert api_client(mission.coordinator).get(API, {"channel": "pigeon"}).status_code == 400


def test_the_list_page_shows_the_channel_of_each_alert(mission: Mission) -> None:
    relayed(mission, by=mission.force, channel="radio")
    response = page_client(mission.coordinator).get(LIST_URL)

    page = parse(response.content)
    (cell,) = page.find_all("td", class_="channel")
    assert cell.text.strip() == "Radio"
    channels = page.find_all("select", name="channel")
    assert channels, "the filter form offers the channel"


def test_the_dashboard_counts_calls_and_links_to_the_filtered_list(mission: Mission) -> None:
    relayed(mission, by=mission.force, channel="radio")
    relayed(mission, by=mission.force, channel="phone")
    cache.clear()

    html = page_client(mission.hq).get(reverse("reporting:dashboard")).content.decode()

    assert f"{LIST_URL}?" in html
    assert "channel=radio" in html
    assert "channel=phone" in html


def test_an_alert_logged_before_the_form_had_calls_is_not_refused(mission: Mission) -> None:
    """A draft kept on a device by the form of an older release has no received_via."""
    data = alert_post(mission, client_key=uuid.uuid4().hex)

    response = page_client(mission.cla).post(CREATE_URL, data)

    assert response.status_code == 302
    assert Alert.objects.get().channel == "web"


def test_a_dissolved_networks_focal_point_is_not_offered(mission: Mission) -> None:
    gone = f.NetworkFactory(location=mission.base_a, status=CommunityAlertNetwork.Status.DISSOLVED)
    point = f.FocalPointFactory(network=gone)

    response = page_client(mission.cla).get(CREATE_URL)

    assert f"focal_point-{point.pk}" not in option_values(response.content, "received_from")
