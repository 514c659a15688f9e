"""Alerts as OASIS Common Alerting Protocol 1.2 messages, for partner systems.

One message per version of an alert: the identifier is the alert's reference and version, the
first version is an `Alert`, later ones an `Update` that references the first, and an alert
closed as a false alarm a `Cancel`. The message carries what partners may act on (what,
where, when, how urgent, the victims counted, the outcome) and nothing that could identify who
reported it: no source, no informant, no focal point, no perpetrator named, no note.

The element order is the schema's (exchange/schemas/CAP-v1.2.xsd, vendored from OASIS); the
tests validate every message against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alerts.models import Alert

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
SCHEMA_PATH = settings.BASE_DIR / "exchange" / "schemas" / "CAP-v1.2.xsd"

# Victims counted on the alert, as CAP parameters: the names partners' systems read.
VICTIM_PARAMETERS = (
    ("victims_killed", "killed"),
    ("victims_injured", "injured"),
    ("victims_abducted", "abducted"),
    ("victims_sexual_violence", "sexual_violence_survivors"),
    ("victims_displaced", "displaced"),
)

ET.register_namespace("", NAMESPACE)


@dataclass(frozen=True)
class Message:
    identifier: str
    sent: dt.datetime
    msg_type: str
    xml: bytes


def sender() -> str:
    """Who sends: CAP_SENDER, or the host of SITE_URL (no spaces, commas, `<` or `&`)."""
    return settings.CAP_SENDER or urlsplit(settings.SITE_URL).hostname or "localhost"


def cap_time(value: dt.datetime) -> str:
    """CAP's dateTime: seconds, and the offset written out (never `Z`, never fractions)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def identifier(alert: Alert, version: int | None = None) -> str:
    return f"{alert.reference}.{alert.version if version is None else version}"


def _text(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    element.text = str(value)
    return element


def _pair(parent: ET.Element, tag: str, name: str, value: object) -> None:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    _text(element, "valueName", name)
    _text(element, "value", value)


def _cap_language() -> str:
    return "fr-FR" if (get_language() or "en").startswith("fr") else "en-US"


def _msg_type(alert: Alert) -> str:
    if alert.status == Alert.Status.CLOSED and alert.outcome == Alert.Outcome.FALSE:
        return "Cancel"
    return "Alert" if alert.version <= 1 else "Update"


def _area_description(alert: Alert) -> str:
    parts = [alert.place, alert.location.name]
    if alert.location.sector_id:
        parts.append(alert.location.sector.name)
    return ", ".join(part for part in parts if part)


def headline(alert: Alert) -> str:
    # CAP asks for fewer than 160 characters.
    where = alert.place or alert.location.name
    return f"{alert.category.name}: {where}"[:159]


def message(alert: Alert, *, sent: dt.datetime) -> Message:
    """The CAP message of the alert as it is now, sent at `sent` (its last change)."""
    msg_type = _msg_type(alert)
    root = ET.Element(f"{{{NAMESPACE}}}alert")
    _text(root, "identifier", identifier(alert))
    _text(root, "sender", sender())
    _text(root, "sent", cap_time(sent))
    _text(root, "status", settings.CAP_STATUS)
    _text(root, "msgType", msg_type)
    _text(root, "source", settings.MISSION_NAME)
    _text(root, "scope", "Restricted")
    _text(
        root,
        "restriction",
        _("For the mission and its partners. Not for publication."),
    )
    if msg_type == "Cancel":
        _text(root, "note", _("False alarm: the alert was not confirmed."))
    if msg_type != "Alert":
        _text(
            root,
            "references",
            f"{sender()},{identifier(alert, 1)},{cap_time(alert.created_at)}",
        )

    info = ET.SubElement(root, f"{{{NAMESPACE}}}info")
    _text(info, "language", _cap_language())
    _text(info, "category", "Security")
    _text(info, "event", alert.category.name)
    _text(info, "urgency", alert.urgency)
    _text(info, "severity", alert.severity)
    _text(info, "certainty", alert.certainty)
    _pair(info, "eventCode", "category", alert.category.code)
    if alert.category.acled_event_type:
        _pair(info, "eventCode", "ACLED", alert.category.acled_event_type)
    _text(info, "effective", cap_time(alert.reported_at))
    _text(info, "onset", cap_time(alert.occurred_at))
    _text(info, "senderName", settings.MISSION_NAME)
    _text(info, "headline", headline(alert))
    if alert.description:
        _text(info, "description", alert.description)
    _text(info, "web", settings.SITE_URL + reverse("alerts:alert_detail", args=[alert.pk]))
    _pair(info, "parameter", "reference", alert.reference)
    _pair(info, "parameter", "status", alert.status)
    if alert.outcome:
        _pair(info, "parameter", "outcome", alert.outcome)
    for field, name in VICTIM_PARAMETERS:
        _pair(info, "parameter", name, getattr(alert, field))

    area = ET.SubElement(info, f"{{{NAMESPACE}}}area")
    _text(area, "areaDesc", _area_description(alert))
    if alert.latitude is not None and alert.longitude is not None:
        # A point: a circle of radius 0 km around it.
        _text(area, "circle", f"{alert.latitude},{alert.longitude} 0")

    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Message(identifier=identifier(alert), sent=sent, msg_type=msg_type, xml=xml)
