"""What the system wrote on alert timelines and duplicate links, turned from text in the
language of whoever triggered it into codes read in each reader's language (alerts.texts).

Only lines recognised exactly, in English or in French, change; they keep their meaning, and
a person's note is never touched. The same words come back on every page, in the reader's
language: the timeline says what it said, so this is no rewriting of it.

It lives in reporting's migrations, which come after alerts', rather than in alerts' own:
alerts' next migration (the alert channel) is written at the same time, and two of them after
alerts 0004 would need a merge migration before any test database could be built.
"""

import re

from django.db import migrations

NOTIFIED = [
    re.compile(r"^(?P<count>\d+) (?:person|people) notified by email$"),
    re.compile(r"^(?P<count>\d+) personnes? averties? par courriel$"),
]
ESCALATED = [
    re.compile(r"^Not acknowledged within (?P<minutes>\d+) minutes?$"),
    re.compile(r"^Réception non accusée dans les (?P<minutes>\d+) minutes?$"),
]
REASONS = {
    "same location and category within 24 hours": "duplicate.same_place_24h",
    "même localité et même catégorie en moins de 24 heures": "duplicate.same_place_24h",
    "within 5 km within 24 hours": "duplicate.within_5km_24h",
    "à moins de 5 km en moins de 24 heures": "duplicate.within_5km_24h",
}
# What the codes said in English, for going back.
ENGLISH = {
    "notified": lambda p: f"{p['count']} {'person' if p['count'] == 1 else 'people'} notified by email",
    "escalated": lambda p: f"Not acknowledged within {p['minutes']} minutes",
    "duplicate.same_place_24h": lambda p: "same location and category within 24 hours",
    "duplicate.within_5km_24h": lambda p: "within 5 km within 24 hours",
}
BATCH = 2000


def _match(patterns, text):
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            return {key: int(value) for key, value in match.groupdict().items()}
    return None


def _coded(event):
    """(code, params) of a system line recognised, else None."""
    note = event.note.strip()
    if event.kind == "notified":
        params = _match(NOTIFIED, note)
        return ("notified", params) if params is not None else None
    if event.kind == "escalated":
        params = _match(ESCALATED, note)
        return ("escalated", params) if params is not None else None
    if event.kind == "duplicate" and note in REASONS:
        return REASONS[note], {}
    return None


def _in_batches(model, rows, fields):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        model.objects.bulk_update(batch, fields)


def to_codes(apps, schema_editor):
    AlertEvent = apps.get_model("alerts", "AlertEvent")
    AlertLink = apps.get_model("alerts", "AlertLink")
    events = (
        AlertEvent.objects.filter(
            kind__in=["notified", "escalated", "duplicate"], actor__isnull=True
        )
        .exclude(note="")
        .only("pk", "kind", "note", "data")
    )

    def recognised_events():
        for event in events.iterator(chunk_size=BATCH):
            found = _coded(event)
            if found is None or not isinstance(event.data, dict) or "code" in event.data:
                continue
            code, params = found
            event.data = {**event.data, "code": code, "params": params}
            event.note = ""
            yield event

    _in_batches(AlertEvent, recognised_events(), ["note", "data"])

    def recognised_links():
        for link in AlertLink.objects.filter(reason__in=list(REASONS)).only("pk", "reason"):
            link.reason = REASONS[link.reason]
            yield link

    _in_batches(AlertLink, recognised_links(), ["reason"])


def to_english_text(apps, schema_editor):
    AlertEvent = apps.get_model("alerts", "AlertEvent")
    AlertLink = apps.get_model("alerts", "AlertLink")
    events = AlertEvent.objects.filter(
        kind__in=["notified", "escalated", "duplicate"], note=""
    ).only("pk", "note", "data")

    def coded_events():
        for event in events.iterator(chunk_size=BATCH):
            data = event.data if isinstance(event.data, dict) else {}
            english = ENGLISH.get(data.get("code"))
            if english is None:
                continue
            params = data.get("params") or {}
            try:
                event.note = english(params)
            except KeyError:
                continue
            event.data = {k: v for k, v in data.items() if k not in ("code", "params")}
            yield event

    _in_batches(AlertEvent, coded_events(), ["note", "data"])

    def coded_links():
        for link in AlertLink.objects.filter(reason__in=list(ENGLISH)).only("pk", "reason"):
            link.reason = ENGLISH[link.reason]({})
            yield link

    _in_batches(AlertLink, coded_links(), ["reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_event_times_default_now"),
        ("reporting", "0004_report_system_title"),
    ]

    operations = [migrations.RunPython(to_codes, to_english_text)]
