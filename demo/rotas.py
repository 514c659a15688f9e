"""On-duty rotas of the demo queues: 12-hour shifts (06:00 to 18:00 and 18:00 to 06:00,
mission time) from a week ago to a week ahead, taken in turn by each queue's officers, a few
with a hand-over note. One queue has nobody on duty now nor tonight, so HQ's dashboard shows
the gap."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from alerts.models import DutyShift, TriangulationQueue

DAYS = 7
SHIFT_HOURS = 12
FIRST_HOUR = 6  # mission time: day shifts start at 06:00, night shifts at 18:00
# The queue left without an officer on duty now.
UNCOVERED_QUEUE = "sexual-violence-team"

NOTES = [
    "Patrol from the base went to the river crossing; nothing seen. Check again at first light.",
    "Two alerts from the same village within an hour: likely the same armed group, linked.",
    "Phone network down north of the base since noon; radio contact only with the CLA.",
    "Market day tomorrow: more movement on the main road, the CLA expects calls.",
    "Rains cut the track to the temporary base; a patrol needs four hours by road.",
]


def rotas_seed(*, now: float) -> int:
    """Add the shifts of the queues that have none yet; returns how many were added."""
    tz = ZoneInfo(settings.TIME_ZONE)
    moment = dt.datetime.fromtimestamp(now, dt.UTC)
    local = moment.astimezone(tz)
    first = (local - dt.timedelta(days=DAYS)).replace(
        hour=FIRST_HOUR, minute=0, second=0, microsecond=0
    )
    count = 2 * DAYS * 24 // SHIFT_HOURS
    # The night shift of today (18:00 to 06:00), or the one running if it is night already.
    evening = local.replace(hour=FIRST_HOUR + SHIFT_HOURS, minute=0, second=0, microsecond=0)
    if local.hour < FIRST_HOUR:
        evening -= dt.timedelta(days=1)
    tonight = evening.astimezone(dt.UTC)
    seeded = set(DutyShift.objects.values_list("queue_id", flat=True).distinct())
    shifts = []
    queues = TriangulationQueue.objects.exclude(pk__in=seeded).order_by("code")
    for q, queue in enumerate(queues.select_related("senior_officer")):
        officers = list(queue.officers.filter(is_active=True).order_by("pk"))
        if not officers:
            continue
        for n in range(count + 1):
            # Shift boundaries on the wall clock of the mission (no daylight saving there,
            # but computed in local time so that 06:00 stays 06:00 wherever it is run).
            starts = (first + dt.timedelta(hours=n * SHIFT_HOURS)).astimezone(dt.UTC)
            ends = starts + dt.timedelta(hours=SHIFT_HOURS)
            if queue.code == UNCOVERED_QUEUE and (starts <= moment < ends or starts == tonight):
                continue
            shifts.append(
                DutyShift(
                    queue=queue,
                    officer=officers[(n + q) % len(officers)],
                    starts_at=starts,
                    ends_at=ends,
                    handover_note=NOTES[(n + q) % len(NOTES)] if (n + q) % 3 == 0 else "",
                    created_by=queue.senior_officer or officers[0],
                    created_at=moment - dt.timedelta(days=DAYS + 1),
                )
            )
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)
