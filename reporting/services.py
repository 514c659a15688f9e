"""Writes for reports."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Alert
from reporting.models import Report

FLASH_DEADLINE = dt.timedelta(hours=1)


def flash_report_open(*, alert: Alert) -> Report:
    """Open the flash report of an Immediate or Extreme alert, prefilled; once per alert."""
    existing = Report.objects.filter(kind=Report.Kind.FLASH, alert=alert).first()
    if existing is not None:
        return existing
    day = timezone.localtime(alert.reported_at).date()
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=Report.Kind.FLASH,
                origin=Report.Origin.WRITTEN,
                scope=Report.Scope.LOCATION,
                location_id=alert.location_id,
                period_start=day,
                period_end=day,
                status=Report.Status.DRAFT,
                title=_("Flash report: %(category)s at %(location)s (%(reference)s)")
                % {
                    "category": alert.category.name,
                    "location": alert.location.name,
                    "reference": alert.reference,
                },
                author_id=alert.logged_by_id,
                alert=alert,
                key_events=alert.description,
                due_at=timezone.now() + FLASH_DEADLINE,
            )
            report.alerts.add(alert)
    except IntegrityError:
        return Report.objects.get(kind=Report.Kind.FLASH, alert=alert)
    return report
