"""A stand-in for a long report, on the reports queue (bench.settings routes bench.tasks.*)."""

from __future__ import annotations

import time

from celery import shared_task


@shared_task(name="bench.tasks.long_report")
def long_report(seconds: float, busy: bool = False) -> float:
    """Hold a reports worker for `seconds`: asleep, or busy on the CPU like a PDF render."""
    deadline = time.monotonic() + seconds
    if not busy:
        time.sleep(seconds)
        return seconds
    spins = 0
    while time.monotonic() < deadline:
        spins += sum(i * i for i in range(10_000)) & 1
    return seconds
