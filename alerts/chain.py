"""The hash chain of an alert's timeline.

Each line (AlertEvent) keeps the hash of the line written before it on the same alert
(`prev_hash`, "" for the first) and its own `hash`: SHA-256 of a canonical form of its content
and of `prev_hash`. Changing, removing or reordering a line then breaks the chain where it
happened, which `manage.py verify_timeline` reports. The lines of an alert are chained in the
order they were written (their id): their `at` is not always in that order (a sweep may pass
the time it started with, servers' clocks differ).

Every writer of lines goes through `event_hash`: AlertEvent.save, the demo's bulk paths, the
migration that sealed the lines written before the chain, and the verification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

# The version of the canonical form, hashed with each line: a later change of the form takes
# a new number, so lines sealed under each form can still be told apart and checked.
FORMAT = 1
GENESIS = ""  # prev_hash of the first line of an alert

_compact = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
_string = json.encoder.encode_basestring_ascii


def data_json(data: Any) -> str:
    """The canonical JSON of an event's `data`: keys sorted, no spaces, ASCII only."""
    return _compact(data)


def at_text(at: dt.datetime) -> str:
    """The time of a line in UTC with microseconds, as hashed."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    alert_id: int,
    kind: str,
    actor_id: int | None,
    at: dt.datetime,
    from_status: str,
    to_status: str,
    note: str,
    data: str,
    prev_hash: str,
) -> str:
    """The hex SHA-256 of a line. `data` is its canonical JSON (`data_json`).

    The canonical form is one JSON array, every field quoted and escaped by JSON so that no
    content can pass for another field:
    [FORMAT, alert_id, kind, actor_id, at, from_status, to_status, note, data, prev_hash]."""
    form = line_form(
        kind=kind,
        actor_id=actor_id,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )
    return seal(form, alert_id=alert_id, at=at_text(at), prev_hash=prev_hash)


def event_seal(event: Any, *, prev_hash: str) -> str:
    """The hash of an AlertEvent (saved or not) after `prev_hash`: `event_hash` of its fields."""
    return event_hash(
        alert_id=event.alert_id,
        kind=event.kind,
        actor_id=event.actor_id,
        at=event.at,
        from_status=event.from_status,
        to_status=event.to_status,
        note=event.note,
        data=data_json(event.data),
        prev_hash=prev_hash,
    )


def line_form(
    *, kind: str, actor_id: int | None, from_status: str, to_status: str, note: str, data: str
) -> tuple[str, str]:
    """What the canonical form of a line holds besides its alert, time and predecessor.

    Bulk writers that copy the same line onto many alerts build it once and `seal` each copy:
    the same hash as `event_hash`, for a fraction of the work."""
    # The encoder json uses for strings, called directly: the same text as _compact would give
    # for these strings and integers, without building an encoder per call.
    actor = "null" if actor_id is None else int(actor_id)
    return (
        f"{_string(str(kind))},{actor}",
        f"{_string(from_status)},{_string(to_status)},{_string(note)},{data}",
    )


def seal(form: tuple[str, str], *, alert_id: int, at: str, prev_hash: str) -> str:
    """The hash of a line of `form` on alert `alert_id` at `at` (`at_text`) after `prev_hash`.
    The time (ISO digits) and the hashes (hex) need no JSON escaping: quoted as they are."""
    canonical = f'[{FORMAT},{int(alert_id)},{form[0]},"{at}",{form[1]},"{prev_hash}"]'
    return hashlib.sha256(canonical.encode()).hexdigest()
