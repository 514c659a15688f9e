"""The verification of the demo alerts: one to three checks on most alerts the Force has
verified, and an Admiralty grade that fits the source and what was found, so that the alert
pages, the queue and the grades page (/dashboard/verification/) are not empty.

Written into the alerts' drafts (demo.alerts) before they are inserted: the check and grade
lines take their place in each timeline, in time order, sealed in the chain with the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alerts.models import Alert, AlertEvent, Triangulation, VerificationCheck
from demo.mission import rng_for

if TYPE_CHECKING:
    from demo.alerts import Draft

GRADED_SHARE = 0.85  # of the alerts with an outcome
CHECKED_SHARE = 0.5  # of the alerts still being triangulated: a check on the way

Method = Triangulation.Method
Result = VerificationCheck.Result
S = Alert.Status

# What a check finds, given the outcome the officer recorded in the end.
RESULTS: dict[str, list[tuple[str, int]]] = {
    Alert.Outcome.CONFIRMED: [
        (Result.CONFIRMED, 70),
        (Result.PARTLY, 20),
        (Result.INCONCLUSIVE, 10),
    ],
    Alert.Outcome.PARTLY: [(Result.PARTLY, 60), (Result.CONFIRMED, 15), (Result.INCONCLUSIVE, 25)],
    Alert.Outcome.NOT_CONFIRMED: [(Result.NOT_CONFIRMED, 55), (Result.INCONCLUSIVE, 45)],
    Alert.Outcome.FALSE: [(Result.NOT_CONFIRMED, 85), (Result.INCONCLUSIVE, 15)],
    "": [(Result.INCONCLUSIVE, 50), (Result.PARTLY, 30), (Result.CONFIRMED, 20)],
}
METHODS = [
    (Method.PATROL, 45),
    (Method.OTHER_CLA, 20),
    (Method.UNPOL, 12),
    (Method.OTHER_SOURCE, 15),
    (Method.IMAGERY, 8),
]
# The source's record, by type: a CLA's own eyes are trusted most.
RELIABILITY: dict[str, list[tuple[str, int]]] = {
    Alert.SourceType.CLA_OBSERVATION: [("A", 40), ("B", 55), ("C", 5)],
    Alert.SourceType.CAN_MEMBER: [("B", 45), ("C", 40), ("D", 10), ("F", 5)],
    Alert.SourceType.LOCAL_AUTHORITY: [("B", 30), ("C", 45), ("D", 20), ("E", 5)],
    Alert.SourceType.CIVIL_SOCIETY: [("B", 30), ("C", 50), ("D", 15), ("F", 5)],
    Alert.SourceType.HUMANITARIAN: [("A", 15), ("B", 60), ("C", 25)],
    Alert.SourceType.OTHER: [("C", 25), ("D", 30), ("E", 15), ("F", 30)],
}
CREDIBILITY: dict[str, list[tuple[int, int]]] = {
    Alert.Outcome.CONFIRMED: [(1, 65), (2, 35)],
    Alert.Outcome.PARTLY: [(2, 55), (3, 45)],
    Alert.Outcome.NOT_CONFIRMED: [(3, 20), (4, 50), (6, 30)],
    Alert.Outcome.FALSE: [(4, 25), (5, 75)],
}
# What the officer wrote of a check, by what it found (the officers write English or French).
NOTES: dict[str, list[str]] = {
    Result.CONFIRMED: [
        "Burnt huts seen; families gone to the bush.",
        "La gendarmerie confirme des tirs la nuit dernière.",
        "Drone pass at noon: smoke over the eastern quarter.",
    ],
    Result.PARTLY: [
        "Fewer armed men than reported, but the checkpoint is there.",
        "Une ONG sur place confirme des déplacements, pas les victimes.",
    ],
    Result.NOT_CONFIRMED: [
        "Village calm; the chief knows of no attack.",
        "Rien d'anormal vu au marché.",
    ],
    Result.INCONCLUSIVE: [
        "Road blocked by a fallen tree: the patrol turned back.",
        "The CLA of the next base could not reach anyone there.",
    ],
}


def _pick(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    choices, weights = zip(*pairs, strict=True)
    return rng.choices(choices, weights=weights)[0]


@dataclass
class Verified:
    """What the seed adds to one draft, kept until the alert has its id."""

    draft: Draft
    officer: int
    checks: list[tuple[str, str, str, float]] = field(default_factory=list)
    grade: tuple[str, int, float] | None = None


def drafts_verify(drafts: list[Draft], *, now: float) -> list[Verified]:
    """Add checks and grades to the drafts (their timelines and versions); returns them, to be
    written once the alerts are (verification_insert)."""
    rng = rng_for("verification")
    done: list[Verified] = []
    for draft in drafts:
        values = draft.values
        officer, ack = values["assigned_to"], values["acknowledged_at"]
        if officer is None or ack is None:
            continue
        outcome_at = values["outcome_at"]
        if rng.random() > (GRADED_SHARE if outcome_at else CHECKED_SHARE):
            continue
        # Checks come after the triangulation was asked for, before the outcome (or now).
        start = draft.triangulation[2] if draft.triangulation else ack
        start = max(
            start, max(event[2] for event in draft.events if event[2] < (outcome_at or now))
        )
        end = outcome_at or now - 60
        if end - start < 120:
            continue
        verified = Verified(draft, officer)
        for at in sorted(rng.uniform(start + 60, end - 60) for _n in range(rng.randint(1, 3))):
            method = _pick(rng, METHODS)
            result = _pick(rng, RESULTS[values["outcome"]])
            note = rng.choice(NOTES[result]) if rng.random() < 0.6 else ""
            verified.checks.append((method, result, note, at))
            if outcome_at is None:
                status = values["status"]
            else:
                status = S.TRIANGULATING if draft.triangulation else S.ACKNOWLEDGED
            line = {"method": method, "result": result}
            draft.events.append((AlertEvent.Kind.CHECKED, officer, at, status, status, note, line))
        if outcome_at:
            later = [event[2] for event in draft.events if event[2] > outcome_at]
            room = min([*later, now]) - outcome_at
            at = outcome_at + rng.uniform(0.1, 0.5) * min(room, 1800)
            reliability = _pick(rng, RELIABILITY[values["source_type"]])
            credibility = _pick(rng, CREDIBILITY[values["outcome"]])
            verified.grade = (reliability, credibility, at)
            status = S.VERIFIED
            line = {"grade": f"{reliability}{credibility}", "previous": ""}
            draft.events.append((AlertEvent.Kind.GRADED, officer, at, status, status, "", line))
        # Each line at its time: the timeline is written in that order.
        draft.events.sort(key=lambda event: event[2])
        values["version"] += len(verified.checks) + (1 if verified.grade else 0)
        done.append(verified)
    return done


def verification_insert(done: list[Verified], id_of: dict[int, int]) -> None:
    """The checks and grades of the drafts, once their alerts are inserted (`id_of`: alert id
    by the id() of its draft)."""
    checks = [
        VerificationCheck(
            alert_id=id_of[id(v.draft)],
            method=method,
            result=result,
            note=note,
            checked_by_id=v.officer,
            checked_at=_ts(at),
        )
        for v in done
        for method, result, note, at in v.checks
    ]
    VerificationCheck.objects.bulk_create(checks, batch_size=500)
    graded = [
        Alert(
            pk=id_of[id(v.draft)],
            source_reliability=v.grade[0],
            information_credibility=v.grade[1],
            graded_by_id=v.officer,
            graded_at=_ts(v.grade[2]),
        )
        for v in done
        if v.grade
    ]
    Alert.objects.bulk_update(
        graded,
        ["source_reliability", "information_credibility", "graded_by", "graded_at"],
        batch_size=500,
    )


def _ts(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, dt.UTC)
