"""What the backup tests copy: alerts with their timelines and a compiled report with its PDF
and CSV. Run in the test process (PostgreSQL) and through `manage.py shell` (SQLite)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alerts.models import AlertEvent
from reporting.models import Report
from reporting.services import report_compile
from tests import factories as f

DAY = dt.date(2026, 6, 10)
ALERTS = 3
EVENTS_PER_ALERT = 2


def backup_data_seed() -> Report:
    location = f.LocationFactory(name="Kaga-Bandoro", sector=f.SectorFactory(code="SK"))
    at = timezone.make_aware(dt.datetime.combine(DAY, dt.time(10)))
    for number in range(ALERTS):
        alert = f.AlertFactory(
            reference=f"ALT-2026-{number + 1:06d}",
            location=location,
            reported_at=at,
            occurred_at=at - dt.timedelta(hours=1),
            created_at=at,
            source_name=f"Informant {number}",
            source_contact=f"+236 7000 00{number:02d}",
        )
        AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.CREATED, at=at)
        AlertEvent.objects.create(
            alert=alert, kind=AlertEvent.Kind.NOTE, at=at, note=f"Checked with the chief {number}"
        )
    return report_compile(kind=Report.Kind.WEEKLY, start=DAY - dt.timedelta(days=2), end=DAY)


def decrypted_sources(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(reference, source_name, source_contact) rows read by raw SQL: the columns hold tokens
    (core.encryption), never the text; the text they open to."""
    from core.encryption import decrypt

    for _reference, name, contact in rows:
        assert "Informant" not in name and "+236" not in contact
    return [(reference, decrypt(name), decrypt(contact)) for reference, name, contact in rows]
