"""CAP 1.2 for partner systems: every message valid against the OASIS schema, nothing that
identifies a source, the reader's scope, and errors in JSON."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from alerts.models import Alert, Severity, Urgency
from clas.models import User
from exchange import cap
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

NS = {"cap": cap.NAMESPACE, "atom": "http://www.w3.org/2005/Atom"}


@cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(cap.SCHEMA_PATH))


def partner(user: User) -> Client:
    """A partner system: an API token, no session."""
    _, key = AuthToken.objects.create(user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def cap_url(alert: Alert) -> str:
    return reverse("exchange-cap-alert", args=[alert.pk])


def read_cap(client: Client, alert: Alert, **headers: str) -> ET.Element:
    response = client.get(cap_url(alert), **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/cap+xml; charset=utf-8"
    schema().validate(response.content.decode())
    return ET.fromstring(response.content)


def text(root: ET.Element, path: str) -> str | None:
    found = root.find(path, NS)
    return None if found is None else found.text


def parameters(root: ET.Element) -> dict[str, str]:
    return {
        text(p, "cap:valueName"): text(p, "cap:value")
        for p in root.findall("cap:info/cap:parameter", NS)
    }


def test_an_alert_is_a_valid_cap_message_with_its_facts(mission: Mission) -> None:
    alert = log(
        mission,
        urgency=Urgency.IMMEDIATE,
        severity=Severity.EXTREME,
        place="Gbadé, près du marché & <pont>",
        description="Hommes armés près de l'école; « 12 » maisons brûlées.",
        latitude=Decimal("6.54321"),
        longitude=Decimal("20.12345"),
        victims_killed=3,
        victims_displaced=40,
    )

    root = read_cap(partner(mission.hq), alert)

    assert text(root, "cap:identifier") == f"{alert.reference}.{alert.version}"
    assert text(root, "cap:sender") == "127.0.0.1"
    assert text(root, "cap:status") == "Actual"
    assert text(root, "cap:scope") == "Restricted"
    assert text(root, "cap:info/cap:urgency") == "Immediate"
    assert text(root, "cap:info/cap:severity") == "Extreme"
    assert text(root, "cap:info/cap:description") == alert.description
    assert (
        text(root, "cap:info/cap:area/cap:areaDesc")
        == "Gbadé, près du marché & <pont>, Ippy, Sector A"
    )
    assert text(root, "cap:info/cap:area/cap:circle") == "6.54321,20.12345 0"
    assert text(root, "cap:info/cap:web").endswith(f"/alerts/{alert.pk}/")
    assert parameters(root)["killed"] == "3"
    assert parameters(root)["displaced"] == "40"
    # Seconds and the mission's offset, as the schema's pattern asks.
    sent = text(root, "cap:sent")
    assert sent[10] == "T" and sent[-6] in "+-" and "." not in sent


def test_optional_fields_left_empty_still_validate(mission: Mission) -> None:
    alert = log(mission, place="", latitude=None, longitude=None)

    root = read_cap(partner(mission.hq), alert)

    assert text(root, "cap:info/cap:area/cap:areaDesc") == "Ippy, Sector A"
    assert root.find("cap:info/cap:area/cap:circle", NS) is None
    assert "outcome" not in parameters(root)


def test_nothing_identifies_the_source(mission: Mission) -> None:
    alert = log(
        mission,
        source_type=Alert.SourceType.LOCAL_AUTHORITY,
        source_name="Marie Ndakala",
        source_contact="+236 75 12 34 56",
        perpetrator="Groupe armé du chef Zanga",
    )
    client = partner(mission.hq)

    message = client.get(cap_url(alert)).content.decode()
    feed = client.get(reverse("exchange-cap-feed")).content.decode()

    for secret in ("Marie", "Ndakala", "75 12 34 56", "+236", "Zanga", "local_authority"):
        assert secret not in message
        assert secret not in feed


def test_a_changed_alert_is_an_update_referencing_the_first_message(mission: Mission) -> None:
    alert = log(mission)
    Alert.objects.filter(pk=alert.pk).update(version=3, status=Alert.Status.ACKNOWLEDGED)
    alert.refresh_from_db()

    root = read_cap(partner(mission.hq), alert)

    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:identifier") == f"{alert.reference}.3"
    assert text(root, "cap:references") == (
        f"127.0.0.1,{alert.reference}.1,{cap.cap_time(alert.created_at)}"
    )


def test_a_false_alarm_cancels_the_alert(mission: Mission) -> None:
    alert = log(mission)
    Alert.objects.filter(pk=alert.pk).update(
        version=5, status=Alert.Status.CLOSED, outcome=Alert.Outcome.FALSE
    )

    root = read_cap(partner(mission.hq), alert)

    assert text(root, "cap:msgType") == "Cancel"
    assert text(root, "cap:note")
    assert parameters(root)["outcome"] == "false"


def test_the_sender_and_status_come_from_the_settings(mission: Mission, settings) -> None:
    settings.CAP_SENDER = "early-warning.minusca.example"
    settings.CAP_STATUS = "Exercise"
    alert = log(mission)

    root = read_cap(partner(mission.hq), alert)

    assert text(root, "cap:sender") == "early-warning.minusca.example"
    assert text(root, "cap:status") == "Exercise"


def test_the_message_is_in_the_readers_language(mission: Mission) -> None:
    alert = log(mission)

    root = read_cap(partner(mission.hq), alert, HTTP_ACCEPT_LANGUAGE="fr")

    assert text(root, "cap:info/cap:language") == "fr-FR"
    assert text(root, "cap:info/cap:event") == alert.category.name_fr
    assert text(root, "cap:restriction").startswith("Pour la mission")


# --- scope --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["cla", "coordinator", "force", "hq", "admin"])
def test_each_role_reads_the_messages_of_its_scope_only(mission: Mission, role: str) -> None:
    inside = log(mission)  # base A, sector A: every role's scope
    outside = log(mission, mission.cla_b, location_id=mission.base_b.pk)  # sector B
    client = partner(mission.user(role))
    mission_wide = role in ("hq", "admin")

    assert client.get(cap_url(inside)).status_code == 200
    assert client.get(cap_url(outside)).status_code == (200 if mission_wide else 404)
    feed = ET.fromstring(client.get(reverse("exchange-cap-feed")).content)
    ids = {text(entry, "atom:id") for entry in feed.findall("atom:entry", NS)}
    assert any(i.endswith(cap_url(inside)) for i in ids)
    assert any(i.endswith(cap_url(outside)) for i in ids) is mission_wide


# --- the feed -----------------------------------------------------------------------------


def test_the_feed_links_each_entry_to_its_cap_message(mission: Mission) -> None:
    first = log(mission)
    second = log(mission, place="Zémio")

    response = partner(mission.force).get(reverse("exchange-cap-feed"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    entries = feed.findall("atom:entry", NS)
    assert [text(e, "atom:id").rsplit("/", 2)[-2] for e in entries] == [
        str(second.pk),
        str(first.pk),
    ]
    enclosure = entries[0].find("atom:link[@rel='enclosure']", NS)
    assert enclosure.get("type") == "application/cap+xml"
    assert enclosure.get("href").endswith(cap_url(second))
    assert text(entries[0], "atom:title").endswith("Zémio")


def test_the_feed_since_and_limit(mission: Mission) -> None:
    old = log(mission)
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=2))
    new = log(mission)
    client = partner(mission.hq)
    since = (timezone.now() - timezone.timedelta(days=1)).isoformat()

    feed = ET.fromstring(client.get(reverse("exchange-cap-feed"), {"since": since}).content)
    limited = ET.fromstring(client.get(reverse("exchange-cap-feed"), {"limit": 1}).content)

    assert [text(e, "atom:id") for e in feed.findall("atom:entry", NS)] == [
        f"http://127.0.0.1:8000{cap_url(new)}"
    ]
    assert len(limited.findall("atom:entry", NS)) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_parameter(
    mission: Mission, query: dict[str, str], field: str
) -> None:
    response = partner(mission.hq).get(
        reverse("exchange-cap-feed"), query, HTTP_ACCEPT="application/atom+xml"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


@pytest.mark.parametrize("name", ["exchange-cap-feed", "exchange-cap-alert"])
def test_without_a_token_it_is_a_401_in_json(mission: Mission, name: str) -> None:
    alert = log(mission)
    url = reverse(name, args=[alert.pk] if name == "exchange-cap-alert" else [])

    response = Client().get(url, HTTP_ACCEPT="application/cap+xml")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_an_unknown_or_huge_id_is_a_404_in_json(mission: Mission) -> None:
    client = partner(mission.hq)

    for pk in (999_999, 10**30):
        response = client.get(f"/api/v1/cap/alerts/{pk}/", HTTP_ACCEPT="application/cap+xml")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_signed_in_session_reads_it_too(mission: Mission, client: Client) -> None:
    alert = log(mission)
    client.force_login(mission.coordinator)

    assert client.get(cap_url(alert)).status_code == 200
