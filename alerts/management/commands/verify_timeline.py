"""Check the hash chain of every alert's timeline: `manage.py verify_timeline [--alert REF]`.

Recomputes the hash of each line (alerts.chain) in the order the lines were written and
reports every break: a line whose content changed (its hash), a line that does not follow
the one before it (a line removed or moved), a first line that had a predecessor (the first
lines removed), a line never sealed, an alert without any line. Exits with 1 when it finds
one. Alerts are read by batches of primary keys, so memory stays the same on any number of
alerts. Run it after restoring a backup.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from alerts import chain
from alerts.models import Alert, AlertEvent

EVENT_COLUMNS = (
    "alert_id",
    "pk",
    "kind",
    "actor_id",
    "at",
    "from_status",
    "to_status",
    "note",
    "data",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Break:
    reference: str
    event_id: int | None
    kind: str
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id} ({self.kind})" if self.event_id else "its timeline"
        return f"{self.reference} {where}: {self.problem}"


@dataclass
class Tally:
    alerts: int = 0
    events: int = 0
    breaks: int = 0


def _alert_breaks(reference: str, rows: list[tuple[Any, ...]]) -> Iterator[Break]:
    """The breaks of one alert's lines, given in the order they were written."""
    if not rows:
        yield Break(reference, None, "", "no line at all: the alert's timeline was removed")
        return
    expected_prev = chain.GENESIS
    for position, row in enumerate(rows):
        (_alert_id, pk, kind, actor_id, at, from_status, to_status, note, data) = row[:9]
        prev_hash, stored = row[9], row[10]
        if prev_hash != expected_prev:
            if position == 0:
                problem = "the first line points to a line before it: earlier lines were removed"
            else:
                problem = (
                    "does not follow the line before it (prev_hash): a line was removed or "
                    "moved here"
                )
            yield Break(reference, pk, kind, problem)
        if not stored:
            yield Break(reference, pk, kind, "never sealed (no hash): written around the chain")
        elif stored != chain.event_hash(
            alert_id=row[0],
            kind=kind,
            actor_id=actor_id,
            at=at,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=chain.data_json(data),
            prev_hash=prev_hash,
        ):
            yield Break(reference, pk, kind, "changed since it was written (hash)")
        expected_prev = stored


def timeline_breaks(alerts: QuerySet[Alert], *, batch_size: int, tally: Tally) -> Iterator[Break]:
    """Walk the alerts by batches of primary keys and yield each break; counts go in tally."""
    last_id = 0
    while True:
        batch = list(
            alerts.filter(pk__gt=last_id).order_by("pk").values_list("pk", "reference")[:batch_size]
        )
        if not batch:
            return
        last_id = batch[-1][0]
        references = dict(batch)
        lines: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in references}
        first = batch[0][0]
        if last_id - first < 2 * len(batch):
            # Most ids of the range are in the batch (every alert is checked): one index range.
            events = AlertEvent.objects.filter(alert_id__gte=first, alert_id__lte=last_id)
        else:
            events = AlertEvent.objects.filter(alert_id__in=list(references))
        for row in events.order_by("alert_id", "id").values_list(*EVENT_COLUMNS):
            if row[0] in lines:
                lines[row[0]].append(row)
        for pk, reference in references.items():
            tally.alerts += 1
            tally.events += len(lines[pk])
            for found in _alert_breaks(reference, lines[pk]):
                tally.breaks += 1
                yield found


def _since(value: str) -> dt.datetime:
    day = parse_date(value)
    if day is None:
        raise CommandError(f"--since {value!r}: give a date as YYYY-MM-DD.")
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = (
        "Check the hash chain of the alerts' timelines: report every line changed, removed or "
        "moved, and exit with 1 if there is one. Run it after restoring a backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--alert",
            action="append",
            metavar="REF",
            default=[],
            help="Only this alert (its reference, ALT-2026-000123); may be repeated.",
        )
        parser.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="Only the alerts logged on or after this day (in the mission's time zone).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Alerts read per query (default 1000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        alerts = Alert.objects.all()
        if options["alert"]:
            references = {reference.strip().upper() for reference in options["alert"]}
            alerts = alerts.filter(reference__in=references)
            missing = references - set(alerts.values_list("reference", flat=True))
            if missing:
                raise CommandError(f"No alert {', '.join(sorted(missing))}.")
        if options["since"]:
            alerts = alerts.filter(created_at__gte=_since(options["since"]))
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        tally = Tally()
        broken: set[str] = set()
        for found in timeline_breaks(alerts, batch_size=options["batch_size"], tally=tally):
            broken.add(found.reference)
            self.stdout.write(self.style.ERROR(f"BREAK {found}"))
        seconds = time.monotonic() - started
        summary = (
            f"Checked {tally.alerts:,} alerts and {tally.events:,} events in {seconds:.1f} s: "
            f"{tally.breaks:,} breaks"
        )
        if tally.breaks:
            self.stdout.write(summary + f" in {len(broken):,} alerts.")
            raise CommandError(f"The timeline of {len(broken):,} alerts is broken.")
        self.stdout.write(self.style.SUCCESS(summary + "."))
