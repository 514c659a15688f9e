"""Exports of the alert list: asked for on the page or in the API, built by a task.

The filters are those of the alert list, checked when the export is asked for and applied
again by the task in the requester's scope as it is then: someone moved to another sector
since gets the alerts of the new one, someone deactivated gets nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from alerts.filters import AlertFilter
from alerts.models import Alert
from alerts.selectors import alert_list
from clas.models import User
from core.exceptions import DomainError, PermissionRefused
from exchange import exports, signals
from exchange.models import Export
from exchange.permissions import may_export_alerts

logger = logging.getLogger(__name__)

# Exports one person may have waiting or being built at once.
MAX_OPEN_EXPORTS = 3
# A build started this long ago and not finished died with its worker: it is tried again.
STALE_AFTER = dt.timedelta(minutes=30)
# A waiting export whose task was lost (broker down when asked) is queued again after this.
REQUEUE_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 3
EXPORT_DIR = "exports"


class TooManyExports(DomainError):
    status_code = 429
    default_message = _("You already have exports waiting or being built. Wait until one is ready.")


@dataclass(frozen=True)
class _Asker:
    """What the alert list's filters read of a request: the user, for the choices in scope."""

    user: User


def _filtered(*, user: User, filters: Mapping[str, str]) -> AlertFilter:
    return AlertFilter(data=dict(filters), queryset=alert_list(user=user), request=_Asker(user))


def filters_in(params: Mapping[str, Any]) -> dict[str, str]:
    """The alert list's filters given in `params` (a query string, a form, a JSON object)."""
    return {
        name: str(params.get(name))
        for name in AlertFilter.base_filters
        if params.get(name) not in (None, "")
    }


def export_filters_clean(*, user: User, params: Mapping[str, Any]) -> dict[str, str]:
    """The alert list's filters found in `params`, checked in the user's scope. A value that
    cannot be read is refused, naming its filter: an export of something other than what was
    asked is worse than none."""
    filters = filters_in(params)
    checked = _filtered(user=user, filters=filters)
    if not checked.is_valid():
        raise ValidationError(
            {name: [str(message) for message in errors] for name, errors in checked.errors.items()}
        )
    return filters


def export_queryset(*, user: User, filters: Mapping[str, str]) -> QuerySet[Alert]:
    checked = _filtered(user=user, filters=filters)
    if not checked.is_valid():  # the scope changed since it was asked: nothing, not everything
        return Alert.objects.none()
    return checked.qs.order_by("-reported_at", "-pk")


def export_request(*, user: User, format: str, params: Mapping[str, Any], language: str) -> Export:
    if not may_export_alerts(user):
        raise PermissionRefused(_("Your role may not export the alert list."))
    if format not in Export.Format.values:
        raise ValidationError({"format": [_("Choose one of the formats offered.")]})
    filters = export_filters_clean(user=user, params=params)
    with transaction.atomic():
        # One request at a time per person: two quick clicks do not pass the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        open_exports = Export.objects.filter(
            requested_by=user, status__in=[Export.Status.PENDING, Export.Status.RUNNING]
        ).count()
        if open_exports >= MAX_OPEN_EXPORTS:
            raise TooManyExports()
        export = Export.objects.create(
            requested_by=user,
            format=format,
            filters=filters,
            language="fr" if language.startswith("fr") else "en",
        )
        transaction.on_commit(
            lambda: signals.export_requested.send(sender=Export, export_id=export.pk)
        )
    return export


def export_path(export: Export) -> Path:
    return Path(settings.MEDIA_ROOT) / export.file


def export_build(*, export_id: int) -> dict[str, int]:
    """Write the export's file, once: a second delivery of the task finds it claimed."""
    now = timezone.now()
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.PENDING).update(
        status=Export.Status.RUNNING, started_at=now, rows_done=0, attempts=F("attempts") + 1
    )
    if not claimed:
        return {"skipped": 1}
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    name = f"{EXPORT_DIR}/{export.token}.{export.extension}"
    target = Path(settings.MEDIA_ROOT) / name
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with translation.override(export.language):
            written = _write(export, partial)
        os.replace(partial, target)
    except Exception:
        logger.exception("Export %s failed", export_id)
        partial.unlink(missing_ok=True)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED, finished_at=timezone.now()
        )
        return {"failed": 1}
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.DONE,
        finished_at=timezone.now(),
        rows_total=written,
        rows_done=written,
        file=name,
        size=target.stat().st_size,
    )
    return {"rows": written}


def _write(export: Export, path: Path) -> int:
    user = export.requested_by
    if not may_export_alerts(user):
        qs = Alert.objects.none()
    else:
        qs = export_queryset(user=user, filters=export.filters)
    Export.objects.filter(pk=export.pk).update(rows_total=qs.count())

    def progress(done: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_done=done)

    records = exports.rows(qs)
    if export.format == Export.Format.XLSX:
        return exports.write_xlsx(records, str(path), progress=progress)
    # utf-8-sig: spreadsheets open the file with its accents right.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        if export.format == Export.Format.ACLED:
            return exports.write_acled(records, out, progress=progress)
        return exports.write_csv(
            records, out, hxl=export.format == Export.Format.HXL, progress=progress
        )


def exports_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete expired exports and their files; try again builds that died with their worker;
    queue again exports whose task was lost."""
    now = now or timezone.now()
    expired = Export.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    )
    deleted = 0
    for export in expired.iterator():
        if export.file:
            export_path(export).unlink(missing_ok=True)
        export.delete()
        deleted += 1
    stale = Export.objects.filter(status=Export.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Export.Status.FAILED, finished_at=now
    )
    retried = stale.update(status=Export.Status.PENDING)
    waiting = list(
        Export.objects.filter(
            status=Export.Status.PENDING, created_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for export_id in waiting:
        signals.export_requested.send(sender=Export, export_id=export_id)
    return {"deleted": deleted, "failed": failed, "retried": retried, "queued": len(waiting)}
