"""Alerts near a base: the nearest base and its distance set at intake and by corrections;
urgent, escalating on the shortest delays (over simulated time); first on the queue among
the same urgency; filtered and shown by the pages and the API alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts import services
from alerts.geo import distance_km
from alerts.models import Alert, AlertEvent
from alerts.services import escalation
from alerts.services.escalation import PolicyInput
from clas.models import Role
from tests import factories as f
from tests.alerts.support import api_client, flash_emails, log, make_input, page_client
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

KAGA = (Decimal("6.98960"), Decimal("19.18700"))
NEAR = (Decimal("7.00760"), Decimal("19.18700"))  # 2.0 km north of Kaga-Bandoro
FAR = (Decimal("7.16960"), Decimal("19.18700"))  # 20 km north
OPS = "joc-sector-a@mission.test"


@pytest.fixture
def spread(mission: Mission) -> Mission:
    """The mission's bases each at its own place: base A is Kaga-Bandoro."""
    places = {
        mission.office_a: ("Bambari", "5.76280", "20.67560"),
        mission.base_a: ("Kaga-Bandoro", *map(str, KAGA)),
        mission.office_b: ("Bouar", "5.93000", "15.60000"),
        mission.base_b: ("Baboua", "5.79000", "14.82000"),
    }
    for location, (name, lat, lon) in places.items():
        location.name, location.latitude, location.longitude = name, Decimal(lat), Decimal(lon)
        location.save()
    mission.queue_a.operations_centre_email = OPS
    mission.queue_a.save()
    return mission


def at(point: tuple[Decimal, Decimal]) -> dict[str, Decimal]:
    return {"latitude": point[0], "longitude": point[1]}


def minutes(alert: Alert, n: float) -> dt.datetime:
    return alert.routed_at + dt.timedelta(minutes=n)


def steps(alert: Alert) -> list[tuple[int, int]]:
    events = AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.ESCALATED).order_by("id")
    return [(e.data["tier"], e.data["repeat"]) for e in events]


def sweep(alert: Alert, *at_minutes: float) -> list[float]:
    """The minutes at which the sweep took a step."""
    return [
        n for n in at_minutes if services.alert_escalate_overdue(now=minutes(alert, n))["escalated"]
    ]


# --- intake and corrections ---------------------------------------------------------------


def test_intake_records_the_nearest_base_and_its_distance(spread: Mission) -> None:
    alert = log(spread, route=False, **at(NEAR))

    assert alert.nearest_base == spread.base_a
    expected = distance_km(*map(float, NEAR), *map(float, KAGA))
    assert alert.base_distance_km == Decimal(f"{expected:.2f}")
    assert Decimal("1.9") < alert.base_distance_km < Decimal("2.1")


def test_an_alert_without_coordinates_has_no_nearest_base(spread: Mission) -> None:
    alert = log(spread, route=False)

    assert (alert.nearest_base, alert.base_distance_km) == (None, None)


def test_intake_finds_the_nearest_base_in_one_query(spread: Mission) -> None:
    def queries(**overrides: object) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.alert_create(user=spread.cla, data=make_input(spread, **overrides))
        return len(captured)

    queries()  # the year's reference counter created
    assert queries(**at(NEAR)) - queries() == 1


def test_a_correction_of_the_coordinates_moves_the_nearest_base(spread: Mission) -> None:
    alert = log(spread, route=False, **at(NEAR))

    corrected = services.alert_correct(
        alert=alert, actor=spread.admin, changes=at(FAR), via="admin"
    )

    assert corrected.nearest_base == spread.base_a
    assert Decimal("19.9") < corrected.base_distance_km < Decimal("20.1")
    stored = Alert.objects.get(pk=alert.pk)
    assert stored.base_distance_km == corrected.base_distance_km

    services.alert_correct(
        alert=stored,
        actor=spread.admin,
        changes={"latitude": None, "longitude": None},
        via="admin",
    )

    assert Alert.objects.values_list("nearest_base", "base_distance_km").get(pk=alert.pk) == (
        None,
        None,
    )


def test_a_correction_of_other_facts_keeps_the_distance(spread: Mission) -> None:
    alert = log(spread, route=False, **at(NEAR))

    with CaptureQueriesContext(connection) as captured:
        services.alert_correct(
            alert=alert, actor=spread.admin, changes={"place": "Ndomété"}, via="admin"
        )

    assert not any('"clas_location"' in q["sql"] for q in captured.captured_queries)
    assert Alert.objects.get(pk=alert.pk).base_distance_km == alert.base_distance_km


# --- urgency and escalation over simulated time -------------------------------------------


def test_an_ordinary_alert_near_a_base_is_urgent_and_escalates_on_the_shortest_delays(
    spread: Mission,
) -> None:
    alert = log(spread, urgency="Expected", severity="Moderate", **at(NEAR))

    assert escalation.is_urgent(alert)
    assert Alert.objects.filter(escalation.URGENT, pk=alert.pk).exists()
    # No flash email: tier 0 (the queue's officers) is due at once, as an escalation step.
    assert flash_emails() == []
    assert alert.next_escalation_at == minutes(alert, 0)
    taken = sweep(alert, 0, 4, 5, 9, 10, 14, 15, 19, 20, 25)

    # The default policy (0, 10, 15, 30; every 30) capped at 0, 5, 10, 15; every 5.
    assert taken == [0, 5, 10, 15, 20, 25]
    assert steps(alert) == [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1), (3, 2)]
    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 30)
    assert not AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.NOTIFIED).exists()


def test_an_immediate_alert_near_a_base_keeps_its_flash_email_as_tier_0(
    spread: Mission,
) -> None:
    alert = log(spread, urgency="Immediate", **at(NEAR))
    services.alert_notify_flash(alert_id=alert.pk)

    assert (alert.escalation_step, alert.escalation_tier) == (1, 0)
    assert alert.next_escalation_at == minutes(alert, 5)
    assert sweep(alert, 1, 5, 10, 15) == [5, 10, 15]
    assert steps(alert) == [(1, 0), (2, 0), (3, 0)]
    assert len(flash_emails()) == 1


def test_the_same_alert_far_from_a_base_does_not_escalate(spread: Mission) -> None:
    alert = log(spread, urgency="Expected", severity="Moderate", **at(FAR))

    assert not escalation.is_urgent(alert)
    assert alert.next_escalation_at is None
    assert sweep(alert, 0, 30, 120) == []


def test_an_immediate_alert_far_from_a_base_keeps_its_queue_s_delays(spread: Mission) -> None:
    alert = log(spread, urgency="Immediate", **at(FAR))

    assert sweep(alert, 5, 10, 15, 29, 30) == [10, 15, 30]


def test_a_slow_policy_is_capped_and_a_fast_one_kept(spread: Mission) -> None:
    slow = PolicyInput(
        repeat_minutes=60,
        tiers=[(0, "officers"), (30, "on_duty"), (60, "senior_officer"), (90, "operations_centre")],
        operations_centre_email=OPS,
    )
    escalation.escalation_policy_update(queue_id=spread.queue_a.pk, user=spread.admin, data=slow)
    alert = log(spread, urgency="Immediate", severity="Moderate", **at(NEAR))

    assert sweep(alert, 5, 10, 15, 20) == [5, 10, 15, 20]

    fast = PolicyInput(
        repeat_minutes=6,
        tiers=[(0, "officers"), (2, "on_duty"), (3, "senior_officer")],
        operations_centre_email=OPS,
    )
    escalation.escalation_policy_update(queue_id=spread.queue_a.pk, user=spread.admin, data=fast)
    quick = log(spread, urgency="Expected", **at(NEAR))

    assert sweep(quick, 0, 2, 3, 7, 8) == [0, 2, 3, 8]
    assert steps(quick) == [(0, 0), (1, 0), (2, 0), (2, 1)]


def test_a_changed_policy_moves_a_near_base_alert_on_its_own_delays(spread: Mission) -> None:
    alert = log(spread, urgency="Immediate", **at(NEAR))
    slow = PolicyInput(
        repeat_minutes=60,
        tiers=[(0, "officers"), (40, "on_duty")],
        operations_centre_email=OPS,
    )

    escalation.escalation_policy_update(queue_id=spread.queue_a.pk, user=spread.admin, data=slow)

    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 5)


def test_an_alert_corrected_to_near_a_base_while_queued_starts_escalating(
    spread: Mission,
) -> None:
    alert = log(spread, urgency="Expected", severity="Moderate", **at(FAR))
    assert alert.next_escalation_at is None

    services.alert_correct(alert=alert, actor=spread.admin, changes=at(NEAR), via="admin")

    stored = Alert.objects.get(pk=alert.pk)
    assert stored.next_escalation_at == minutes(stored, 0)
    assert sweep(stored, 1) == [1]


def test_an_escalating_alert_moved_near_a_base_takes_the_shortest_delays_at_once(
    spread: Mission,
) -> None:
    escalation.escalation_policy_update(
        queue_id=spread.queue_a.pk,
        user=spread.admin,
        data=PolicyInput(repeat_minutes=60, tiers=[(0, "officers"), (30, "on_duty")]),
    )
    alert = log(spread, urgency="Immediate", **at(FAR))
    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 30)

    services.alert_correct(alert=alert, actor=spread.admin, changes=at(NEAR), via="admin")

    assert Alert.objects.get(pk=alert.pk).next_escalation_at == minutes(alert, 5)


def test_an_alert_corrected_to_immediate_while_queued_starts_escalating(
    spread: Mission,
) -> None:
    alert = log(spread, urgency="Expected", severity="Moderate", **at(FAR))
    assert alert.next_escalation_at is None

    services.alert_correct(
        alert=alert, actor=spread.admin, changes={"urgency": "Immediate"}, via="admin"
    )

    assert Alert.objects.get(pk=alert.pk).next_escalation_at is not None


def test_an_alert_moved_away_from_the_base_stops_escalating(spread: Mission) -> None:
    alert = log(spread, urgency="Expected", severity="Moderate", **at(NEAR))
    services.alert_correct(alert=alert, actor=spread.admin, changes=at(FAR), via="admin")
    mail.outbox.clear()

    assert sweep(alert, 0, 5, 60) == []
    assert Alert.objects.get(pk=alert.pk).next_escalation_at is None


# --- the queue page and the API -----------------------------------------------------------


@pytest.fixture
def queued(spread: Mission) -> dict[str, Alert]:
    return {
        "far_immediate": log(spread, urgency="Immediate", **at(FAR)),
        "far_expected": log(spread, urgency="Expected", severity="Severe", **at(FAR)),
        "near_expected": log(spread, urgency="Expected", severity="Minor", **at(NEAR)),
        "nowhere_expected": log(spread, urgency="Expected", severity="Severe"),
    }


def test_the_queue_puts_near_base_alerts_first_among_the_same_urgency(
    spread: Mission, queued: dict[str, Alert]
) -> None:
    response = page_client(spread.force).get(reverse("alerts:queue"))

    rows = [alert.pk for alert in response.context["rows"]]
    assert rows == [
        queued["far_immediate"].pk,
        queued["near_expected"].pk,
        queued["far_expected"].pk,
        queued["nowhere_expected"].pk,
    ]
    page = response.content.decode()
    assert page.count("2.0 km from Kaga-Bandoro base") == 1
    assert "20.0 km from" not in page


def test_the_queue_marks_the_distance_in_french(spread: Mission, queued: dict[str, Alert]) -> None:
    client = page_client(spread.force)

    page = client.get(reverse("alerts:queue"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "à 2,0 km de la base de Kaga-Bandoro" in page


def test_the_queue_shows_only_alerts_near_a_base_when_asked(
    spread: Mission, queued: dict[str, Alert]
) -> None:
    client = page_client(spread.force)

    rows = client.get(reverse("alerts:queue"), {"near_base": "true"}).context["rows"]
    refreshed = client.get(reverse("alerts:queue_rows"), {"near_base": "true"}).context["rows"]

    assert [a.pk for a in rows] == [a.pk for a in refreshed] == [queued["near_expected"].pk]


def test_the_alert_page_says_how_far_the_base_is(spread: Mission, queued: dict[str, Alert]) -> None:
    near = queued["near_expected"]

    page = page_client(spread.force).get(reverse("alerts:alert_detail", args=[near.pk]))

    assert "2.0 km from Kaga-Bandoro base" in page.content.decode()
    assert "within 5 km: urgent" in page.content.decode()


def test_the_alert_list_page_filters_on_near_base(
    spread: Mission, queued: dict[str, Alert]
) -> None:
    client = page_client(spread.hq)

    near = client.get(reverse("alerts:alert_list"), {"near_base": "true"}).context["rows"]
    others = client.get(reverse("alerts:alert_list"), {"near_base": "false"}).context["rows"]
    wrong = client.get(reverse("alerts:alert_list"), {"near_base": "maybe"})

    assert [a.pk for a in near] == [queued["near_expected"].pk]
    assert queued["near_expected"].pk not in {a.pk for a in others}
    assert len(others) == 3
    assert wrong.status_code == 200
    assert "near_base" in wrong.context["filter_form"].errors


def test_the_api_gives_the_nearest_base_and_filters_on_it(
    spread: Mission, queued: dict[str, Alert]
) -> None:
    client = api_client(spread.force)

    body = client.get("/api/v1/alerts/", {"near_base": "true"}).json()
    others = client.get("/api/v1/alerts/", {"near_base": "false"}).json()
    wrong = client.get("/api/v1/alerts/", {"near_base": "maybe"})

    [row] = body["results"]
    assert row["id"] == queued["near_expected"].pk
    assert row["near_base"] is True
    assert row["nearest_base"] == {
        "id": spread.base_a.pk,
        "code": spread.base_a.code,
        "name": "Kaga-Bandoro",
    }
    assert Decimal(row["base_distance_km"]) == queued["near_expected"].base_distance_km
    assert len(others["results"]) == 3
    nowhere = next(r for r in others["results"] if r["id"] == queued["nowhere_expected"].pk)
    assert (nowhere["near_base"], nowhere["nearest_base"], nowhere["base_distance_km"]) == (
        False,
        None,
        None,
    )
    assert wrong.status_code == 400
    assert "near_base" in wrong.json()


def test_the_api_and_the_page_keep_other_sectors_alerts_out(
    spread: Mission, queued: dict[str, Alert]
) -> None:
    officer_b = f.UserFactory(username="force-b", role=Role.FORCE, sector=spread.sector_b)
    spread.queue_b.officers.add(officer_b)
    near = queued["near_expected"]

    api = api_client(officer_b)
    assert api.get("/api/v1/alerts/", {"near_base": "true"}).json()["results"] == []
    assert api.get(f"/api/v1/alerts/{near.pk}/").status_code == 404
    page = page_client(officer_b)
    assert list(page.get(reverse("alerts:queue"), {"near_base": "true"}).context["rows"]) == []
    assert page.get(reverse("alerts:alert_detail", args=[near.pk])).status_code == 404
