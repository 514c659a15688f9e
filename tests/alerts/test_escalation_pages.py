"""The pages and API of escalation: the policy of each queue (mission admins), the queue
page's tier and time left, the alert API's fields, and the one-tap acknowledge page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, EscalationPolicy
from tests.alerts.support import api_client, log, page_client
from tests.conftest import Mission
from tests.core.html import Element, Page
from tests.core.html import parse as parse_html

pytestmark = pytest.mark.django_db


def edit_url(mission: Mission, queue: str = "a") -> str:
    queue_obj = mission.queue_a if queue == "a" else mission.queue_b
    return reverse("alerts:escalation_policy_edit", args=[queue_obj.pk])


def api_url(mission: Mission, queue: str = "a") -> str:
    queue_obj = mission.queue_a if queue == "a" else mission.queue_b
    return f"/api/v1/queues/{queue_obj.pk}/escalation-policy/"


def form_data(tiers: list[tuple[Any, Any]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "repeat_minutes": 30,
        "operations_centre_email": "",
        "operations_centre_language": "en",
        "tier-TOTAL_FORMS": len(tiers) + 2,
        "tier-INITIAL_FORMS": 0,
        "tier-MIN_NUM_FORMS": 0,
        "tier-MAX_NUM_FORMS": 12,
    }
    for i, (delay, who) in enumerate(tiers):
        data[f"tier-{i}-delay_minutes"] = delay
        data[f"tier-{i}-recipients"] = who
    data.update(fields)
    return data


def parse(response: Any) -> Page:
    return parse_html(response.content)


def form_fields(page: Page, form: Element) -> dict[str, str | None]:
    return {i.attrs["name"]: i.attrs.get("value") for i in page.find_all("input", within=form)}


# --- the policy pages ---------------------------------------------------------------------


def test_the_admin_sees_every_queue_with_its_tiers(mission: Mission) -> None:
    response = page_client(mission.admin).get(reverse("alerts:escalation_policies"))

    assert response.status_code == 200
    rows = parse(response).find_all("tr", class_="escalation-policy")
    assert len(rows) == 2
    text = " ".join(r.text for r in rows)
    assert "senior officer" in text
    assert edit_url(mission) in response.content.decode()


@pytest.mark.parametrize("role", ["force", "hq", "coordinator", "cla"])
def test_others_may_not_see_the_policies(mission: Mission, role: str) -> None:
    client = page_client(mission.user(role))

    assert client.get(reverse("alerts:escalation_policies")).status_code == 403
    assert client.get(edit_url(mission)).status_code == 403
    assert client.post(edit_url(mission), form_data([(0, "officers")])).status_code == 403
    assert not EscalationPolicy.objects.exists()


def test_the_admin_s_navigation_links_to_the_policies(mission: Mission) -> None:
    response = page_client(mission.admin).get(reverse("alerts:escalation_policies"))

    assert f'href="{reverse("alerts:escalation_policies")}"' in response.content.decode()


def test_the_form_shows_the_policy_and_saves_a_new_one(mission: Mission) -> None:
    client = page_client(mission.admin)
    page = client.get(edit_url(mission))
    assert page.status_code == 200
    (delay,) = parse(page).find_all("input", name="tier-2-delay_minutes")
    assert delay.attrs["value"] == "15"

    response = client.post(
        edit_url(mission),
        form_data(
            [(0, "officers"), (5, "senior_officer"), (20, "operations_centre")],
            operations_centre_email="joc@mission.test",
            repeat_minutes=15,
        ),
    )

    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(queue=mission.queue_a)
    assert policy.repeat_minutes == 15
    assert list(policy.tiers.values_list("delay_minutes", "recipients")) == [
        (0, "officers"),
        (5, "senior_officer"),
        (20, "operations_centre"),
    ]
    mission.queue_a.refresh_from_db()
    assert mission.queue_a.operations_centre_email == "joc@mission.test"


def test_a_removed_row_is_left_out(mission: Mission) -> None:
    data = form_data([(0, "officers"), (5, "on_duty")])
    data["tier-1-DELETE"] = "on"

    page_client(mission.admin).post(edit_url(mission), data)

    policy = EscalationPolicy.objects.get(queue=mission.queue_a)
    assert list(policy.tiers.values_list("recipients", flat=True)) == ["officers"]


@pytest.mark.parametrize(
    ("queue", "data", "field_id"),
    [
        ("a", form_data([]), "tiers"),
        ("a", form_data([(0, "officers")], repeat_minutes=4), "id_repeat_minutes"),
        ("a", form_data([(0, "officers")], repeat_minutes="often"), "id_repeat_minutes"),
        ("a", form_data([(-5, "officers")]), "id_tier-0-delay_minutes"),
        ("a", form_data([(10, "officers"), (10, "on_duty")]), "id_tier-1-delay_minutes"),
        ("a", form_data([(10, "officers"), (3, "on_duty")]), "id_tier-1-delay_minutes"),
        ("a", form_data([(10, "officers"), ("", "on_duty")]), "id_tier-1-delay_minutes"),
        ("b", form_data([(0, "officers"), (5, "senior_officer")]), "id_tier-1-recipients"),
        ("a", form_data([(0, "operations_centre")]), "id_tier-0-recipients"),
        (
            "a",
            form_data([(0, "officers")], operations_centre_email="joc@"),
            "id_operations_centre_email",
        ),
    ],
)
def test_each_bad_input_is_refused_on_its_field_and_nothing_saved(
    mission: Mission, queue: str, data: dict[str, Any], field_id: str
) -> None:
    response = page_client(mission.admin).post(edit_url(mission, queue), data)

    assert response.status_code == 400
    page = parse(response)
    (summary,) = page.find_all("div", class_="errors")
    links = [a.attrs["href"] for a in page.find_all("a", within=summary)]
    assert f"#{field_id}" in links
    assert not EscalationPolicy.objects.exists()


def test_the_errors_are_translated(mission: Mission) -> None:
    client = page_client(mission.admin)
    client.cookies["django_language"] = "fr"

    response = client.post(edit_url(mission, "b"), form_data([(0, "senior_officer")]))

    assert "Cette file n\u2019a pas d\u2019officier supérieur" in response.content.decode()


# --- the API twin -------------------------------------------------------------------------


def test_the_api_gives_the_policy_of_a_queue(mission: Mission) -> None:
    response = api_client(mission.admin).get(api_url(mission))

    assert response.status_code == 200
    body = response.json()
    assert body["is_default"] is True
    assert body["tiers"][2] == {"delay_minutes": 15, "recipients": "senior_officer"}
    assert body["repeat_minutes"] == 30


def test_the_api_replaces_the_policy(mission: Mission) -> None:
    body = {
        "tiers": [
            {"delay_minutes": 0, "recipients": "officers"},
            {"delay_minutes": 20, "recipients": "senior_officer"},
        ],
        "repeat_minutes": 10,
    }

    response = api_client(mission.admin).put(api_url(mission), body, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["is_default"] is False
    assert EscalationPolicy.objects.get(queue=mission.queue_a).tiers.count() == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"tiers": [], "repeat_minutes": 30}, {"tiers"}),
        (
            {"tiers": [{"delay_minutes": 0, "recipients": "officers"}], "repeat_minutes": 1},
            {"repeat_minutes"},
        ),
        (
            {"tiers": [{"delay_minutes": "x", "recipients": "officers"}], "repeat_minutes": 30},
            {"tiers"},
        ),
        (
            {
                "tiers": [
                    {"delay_minutes": 10, "recipients": "officers"},
                    {"delay_minutes": 10, "recipients": "on_duty"},
                ],
                "repeat_minutes": 30,
            },
            {"tiers"},
        ),
        (
            {"tiers": [{"delay_minutes": 0, "recipients": "senior_officer"}], "repeat_minutes": 30},
            {"tiers"},
        ),
        ({"repeat_minutes": 30}, {"tiers"}),
    ],
)
def test_the_api_refuses_each_bad_input_with_its_field(
    mission: Mission, body: dict[str, Any], expected: set[str]
) -> None:
    response = api_client(mission.admin).put(api_url(mission, "b"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == expected
    assert not EscalationPolicy.objects.exists()


def test_the_api_says_which_tier_is_wrong(mission: Mission) -> None:
    body = {
        "tiers": [
            {"delay_minutes": 0, "recipients": "officers"},
            {"delay_minutes": 5, "recipients": "senior_officer"},
        ],
        "repeat_minutes": 30,
    }

    response = api_client(mission.admin).put(api_url(mission, "b"), body, format="json")

    tiers = response.json()["tiers"]
    assert tiers[0] == {}
    assert list(tiers[1]) == ["recipients"]


@pytest.mark.parametrize("role", ["force", "hq", "coordinator", "cla"])
def test_the_api_is_for_mission_admins_only(mission: Mission, role: str) -> None:
    client = api_client(mission.user(role))
    body = {"tiers": [{"delay_minutes": 0, "recipients": "officers"}], "repeat_minutes": 30}

    assert client.get(api_url(mission)).status_code == 403
    assert client.put(api_url(mission), body, format="json").status_code == 403
    assert not EscalationPolicy.objects.exists()


def test_an_unknown_queue_is_a_404(mission: Mission) -> None:
    client = api_client(mission.admin)

    assert client.get("/api/v1/queues/999999/escalation-policy/").status_code == 404
    assert client.get("/api/v1/queues/99999999999/escalation-policy/").status_code == 404


# --- the queue page and the alert API --------------------------------------------------------


def test_the_queue_shows_the_tier_reached_and_the_time_to_the_next_step(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    Alert.objects.filter(pk=alert.pk).update(routed_at=timezone.now() - dt.timedelta(minutes=11))
    services.alert_escalate(alert_id=alert.pk)
    calm = log(mission, urgency="Expected", severity="Moderate")
    mission.force.language = "en"
    mission.force.save()

    response = page_client(mission.force).get(reverse("alerts:queue"))

    page = parse(response)
    rows = {
        tr.text.split()[0]: tr
        for tr in page.find_all("tr")
        if (tr.attrs.get("class") or "").startswith("queue-row")
    }
    text = " ".join(rows[alert.reference].text.split())
    # 4 minutes to the senior officer's tier at 15 (3 min 59 s rounds to 4 min).
    assert re.search(r"Tier 1 \(officer on duty\) · next in [34] min", text)
    (until,) = [
        e for e in page.elements if "data-until" in e.attrs and rows[alert.reference] in e.parents
    ]
    expected = Alert.objects.get(pk=alert.pk).next_escalation_at
    assert int(until.attrs["data-until"]) == int(expected.timestamp())
    assert "Tier" not in rows[calm.reference].text


def test_the_alert_api_gives_the_tier_and_the_next_step(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    client = api_client(mission.force)

    detail = client.get(f"/api/v1/alerts/{alert.pk}/").json()
    listed = client.get("/api/v1/alerts/").json()["results"][0]

    assert detail["escalation_tier"] == listed["escalation_tier"] == 0
    assert detail["next_escalation_at"] is not None
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)
    assert client.get(f"/api/v1/alerts/{alert.pk}/").json()["next_escalation_at"] is None


def test_the_schema_documents_the_escalation_fields_as_read_only_and_nullable() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    fields = schema["components"]["schemas"]["AlertList"]["properties"]

    for name in ("escalation_tier", "next_escalation_at"):
        assert fields[name]["readOnly"] is True
        assert fields[name]["nullable"] is True
    assert "/api/v1/queues/{id}/escalation-policy/" in schema["paths"]


# --- the one-tap acknowledge page -----------------------------------------------------------


def ack_url(alert: Alert) -> str:
    return reverse("alerts:alert_acknowledge_page", args=[alert.pk])


def test_signed_out_the_link_leads_to_sign_in_and_back(mission: Mission) -> None:
    from django.test import Client

    alert = log(mission, urgency="Immediate")

    response = Client().get(ack_url(alert))

    assert response.status_code == 302
    assert f"next={ack_url(alert)}" in response["Location"].replace("%2F", "/")


def test_the_page_has_one_large_button_that_acknowledges(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    client = page_client(mission.force)

    page = parse(client.get(ack_url(alert)))
    (form,) = page.find_all("form", class_="acknowledge-now")
    action = form.attrs["action"]
    assert action == reverse("alerts:alert_action", args=[alert.pk, "acknowledge"])
    assert len(page.find_all("button", within=form)) == 1

    response = client.post(action, form_fields(page, form))

    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.ACKNOWLEDGED
    # Once acknowledged, the link says so and offers no button.
    again = parse(client.get(ack_url(alert)))
    assert not again.find_all("form", class_="acknowledge-now")


def test_a_step_taken_after_the_page_opened_does_not_refuse_the_tap(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    client = page_client(mission.force)
    page = parse(client.get(ack_url(alert)))
    (form,) = page.find_all("form", class_="acknowledge-now")

    services.alert_escalate(alert_id=alert.pk, now=alert.routed_at + dt.timedelta(minutes=16))
    client.post(form.attrs["action"], form_fields(page, form))

    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.ACKNOWLEDGED


def test_who_may_not_acknowledge_gets_a_refusal(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")

    assert page_client(mission.cla).get(ack_url(alert)).status_code == 403
    assert page_client(mission.coordinator).get(ack_url(alert)).status_code == 403
