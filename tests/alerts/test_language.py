"""One language per reader: what the system writes on an alert's timeline and its duplicate
links is stored as codes and read in the language of whoever reads it (page, API, email),
whatever the language of the request or worker that wrote it. People's notes stay as written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from alerts import services, texts
from alerts.models import Alert, AlertEvent, AlertLink
from clas.models import Role, User
from tests import factories as f
from tests.alerts.support import flash_emails, log
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _written_in_french(mission: Mission) -> tuple[Alert, Alert]:
    """A flash alert and its likely duplicate, routed, notified and escalated while French
    was the active language (a French-speaking CLA's request running the tasks in-process)."""
    with translation.override("fr"):
        first = log(mission, urgency="Immediate")
        second = log(mission)  # same location and category within the day
        services.alert_notify_flash(alert_id=first.pk)
        later = first.routed_at + dt.timedelta(minutes=mission.queue_a.ack_limit_minutes + 1)
        services.alert_escalate(alert_id=first.pk, now=later)
        services.alert_acknowledge(alert_id=second.pk, user=mission.force, note="Patrouille")
    return first, second


def _squeeze(text: str) -> str:
    """Runs of spaces and line breaks as one space; non-breaking spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _timeline(user: User, alert: Alert, language: str) -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("alerts:alert_detail", args=[alert.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    page = parse(response.content)
    [timeline] = page.find_all("ol", class_="timeline")
    return [_squeeze(li.text) for li in page.find_all("li", within=timeline)]


def _linked(user: User, alert: Alert, language: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("alerts:alert_detail", args=[alert.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    return _squeeze(response.content.decode())


def test_system_lines_are_stored_as_codes_not_in_the_writer_s_language(
    mission: Mission,
) -> None:
    first, second = _written_in_french(mission)

    notified = first.events.get(kind=AlertEvent.Kind.NOTIFIED)
    escalated = first.events.get(kind=AlertEvent.Kind.ESCALATED)
    duplicate = second.events.get(kind=AlertEvent.Kind.DUPLICATE)
    assert (notified.note, notified.code, notified.params) == ("", "notified", {"count": 2})
    assert (escalated.note, escalated.code) == ("", "escalated.step_late")
    assert escalated.params == {
        "tier": 2,
        "who": {"en": "senior officer", "fr": "officier supérieur"},
        "minutes": 16,
        "count": 1,
        "missed": 1,
    }
    assert (duplicate.note, duplicate.code) == ("", texts.SAME_PLACE_24H)
    assert duplicate.data["alert_id"] == first.pk
    assert AlertLink.objects.get(from_alert=second).reason == texts.SAME_PLACE_24H


def test_a_timeline_written_in_french_reads_in_english_for_an_english_reader(
    mission: Mission,
) -> None:
    first, second = _written_in_french(mission)

    lines = _timeline(mission.hq, first, "en")

    assert any("Officers notified: 2 people notified by email" in line for line in lines)
    assert any(
        "Escalated: Tier 2 (senior officer): not acknowledged after 16 min, 1 told" in line
        for line in lines
    )
    assert not any(re.search(r"averti|accusée|Escaladée", line) for line in lines)
    duplicate_lines = _timeline(mission.hq, second, "en")
    assert any(
        "Possible duplicate linked: same location and category within 24 hours" in line
        for line in duplicate_lines
    )
    # What the officer typed stays as typed.
    assert any("Patrouille" in line for line in duplicate_lines)
    page = _linked(mission.hq, second, "en")
    assert f"{first.reference}</a> · Likely duplicate (same location and category" in page


def test_a_timeline_written_in_english_reads_in_french_with_french_typography(
    mission: Mission,
) -> None:
    with translation.override("en"):
        alert = log(mission, urgency="Immediate")
        services.alert_notify_flash(alert_id=alert.pk)
        services.alert_escalate(alert_id=alert.pk, now=alert.routed_at + dt.timedelta(minutes=30))

    lines = _timeline(mission.hq, alert, "fr")

    assert any(
        f"Officiers notifiés{NBSP}: 2 personnes averties par courriel" in line for line in lines
    )
    assert any(
        f"Escaladée{NBSP}: Niveau 2 (officier supérieur){NBSP}: réception non accusée après 30 min"
        in line
        for line in lines
    )
    assert not any("notified by email" in line for line in lines)


def test_the_api_gives_the_code_and_the_words_in_the_request_s_language(
    mission: Mission,
) -> None:
    first, second = _written_in_french(mission)
    client = APIClient()
    client.force_login(mission.hq)

    english = client.get(f"/api/v1/alerts/{first.pk}/", headers={"Accept-Language": "en"})
    french = client.get(f"/api/v1/alerts/{first.pk}/", headers={"Accept-Language": "fr"})
    linked = client.get(f"/api/v1/alerts/{second.pk}/", headers={"Accept-Language": "en"})

    def line(body: dict, kind: str) -> dict:
        return next(e for e in body["timeline"] if e["kind"] == kind)

    notified_en, notified_fr = line(english.json(), "notified"), line(french.json(), "notified")
    assert notified_en["code"] == notified_fr["code"] == "notified"
    assert notified_en["params"] == {"count": 2}
    assert notified_en["detail"] == "2 people notified by email"
    assert notified_fr["detail"] == "2 personnes averties par courriel"
    assert notified_en["note"] == ""
    assert line(english.json(), "routed")["detail"] == mission.queue_a.name
    assert line(linked.json(), "acknowledged")["note"] == "Patrouille"
    [link] = linked.json()["links"]
    assert link["reason_code"] == texts.SAME_PLACE_24H
    assert link["reason"] == "same location and category within 24 hours"


def test_a_reason_typed_by_a_person_is_shown_as_typed(mission: Mission) -> None:
    log(mission)
    second = log(mission, urgency="Expected")
    AlertLink.objects.filter(from_alert=second).update(reason="Le même groupe armé")
    client = APIClient()
    client.force_login(mission.hq)

    body = client.get(f"/api/v1/alerts/{second.pk}/", headers={"Accept-Language": "en"}).json()

    [link] = body["links"]
    assert (link["reason"], link["reason_code"]) == ("Le même groupe armé", None)
    assert "(Le même groupe armé)" in _linked(mission.hq, second, "en")


def test_an_unknown_code_on_a_line_shows_the_line_without_it(mission: Mission) -> None:
    alert = log(mission)
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.NOTIFIED, data={"code": "from.the.future"}
    )

    lines = _timeline(mission.hq, alert, "en")

    assert lines[-1].endswith("Officers notified · System")


# --- emails -------------------------------------------------------------------------------


def test_each_recipient_gets_the_flash_email_in_their_own_language(mission: Mission) -> None:
    mission.force.language = "en"
    mission.force.save()
    other = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(other)  # reads French, the default
    with translation.override("fr"):
        alert = log(mission, urgency="Immediate", severity="Extreme", certainty="Observed")
        services.alert_notify_flash(alert_id=alert.pk)

    messages = {tuple(m.to): m for m in flash_emails()}

    english = messages[(mission.force.email,)]
    french = messages[tuple(sorted([mission.coordinator.email, other.email]))]
    assert english.subject.startswith(f"FLASH {alert.reference}: ")
    assert "Urgency: Immediate / Severity: Extreme / Certainty: Observed" in english.body
    assert "Urgence" not in english.body and " / " not in english.subject
    assert french.subject.startswith(f"FLASH {alert.reference}{NBSP}: ")
    assert (
        f"Urgence{NBSP}: Immédiate / Gravité{NBSP}: Extrême / Certitude{NBSP}: Observée"
        in french.body
    )
    assert f"Ouvrir l\u2019alerte{NBSP}: http" in french.body
    assert "Urgency" not in french.body
    assert len(mail.outbox) == 2


def test_the_escalation_email_is_in_the_senior_officer_s_language(mission: Mission) -> None:
    mission.force.language = "en"
    mission.force.save()
    with translation.override("fr"):
        alert = log(mission, urgency="Immediate")
        mail.outbox.clear()
        services.alert_escalate(alert_id=alert.pk, now=alert.routed_at + dt.timedelta(hours=1))

    [message] = mail.outbox
    assert message.to == [mission.force.email]
    assert message.subject.startswith(f"ESCALATED {alert.reference}: not acknowledged")
    assert "has waited 1 h 00 min and nobody has acknowledged it" in message.body
    assert "Escalation tier 2 (senior officer), reminder 1." in message.body
    assert "Queue: " in message.body and "File" not in message.body
