"""Writes for reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.models import Alert
from clas.models import CommunityAlertNetwork, Sector
from core.exceptions import DomainError
from protection_plans.models import ProtectionPlan
from reporting.figures import alert_figures, networks_summary, period_alerts, plan_reviews_due
from reporting.models import DistributionList, Report

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_CSS = Path(__file__).resolve().parent / "static" / "reporting" / "report-pdf.css"

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


# --- compiled reports ---------------------------------------------------------------------

CSV_COLUMNS = [
    "reference",
    "reported_at",
    "occurred_at",
    "location",
    "prefecture",
    "sector",
    "place",
    "category",
    "urgency",
    "severity",
    "certainty",
    "status",
    "outcome",
    "response",
    "victims_killed",
    "victims_injured",
    "victims_abducted",
    "victims_sexual_violence",
    "victims_displaced",
    "seconds_to_acknowledge",
    "seconds_to_response",
    "description",
]


def _scope_alerts(*, scope: str, sector_id: int | None) -> QuerySet[Alert]:
    qs = Alert.objects.all()
    return qs.filter(location__sector_id=sector_id) if scope == Report.Scope.SECTOR else qs


def _narratives(
    *, start: dt.date, end: dt.date, scope: str, sector_id: int | None
) -> list[dict[str, Any]]:
    qs = Report.objects.filter(
        origin=Report.Origin.WRITTEN,
        kind__in=[Report.Kind.DAILY, Report.Kind.WEEKLY, Report.Kind.FLASH],
        status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
        period_start__lte=end,
        period_end__gte=start,
    ).select_related("location", "author")
    if scope == Report.Scope.SECTOR:
        qs = qs.filter(location__sector_id=sector_id)
    return [
        {
            "kind": r.get_kind_display(),
            "location": r.location.name if r.location else "",
            "author": (r.author.get_full_name() or r.author.username) if r.author else "",
            "date": r.period_start.isoformat(),
            "security_level": r.get_security_level_display() if r.security_level else "",
            "text": "\n\n".join(t for t in (r.key_events, r.narrative) if t),
        }
        for r in qs.order_by("period_start", "location__name")[:200]
    ]


def report_figures(
    *, start: dt.date, end: dt.date, scope: str, sector_id: int | None
) -> dict[str, Any]:
    alerts = period_alerts(_scope_alerts(scope=scope, sector_id=sector_id), start=start, end=end)
    networks = CommunityAlertNetwork.objects.all()
    plans = ProtectionPlan.objects.all()
    if scope == Report.Scope.SECTOR:
        networks = networks.filter(location__sector_id=sector_id)
        plans = plans.filter(location__sector_id=sector_id)
    figures = alert_figures(alerts)
    figures["networks"] = networks_summary(networks, start=start, end=end)
    figures["plan_reviews_due"] = plan_reviews_due(plans, end=end)
    figures["narratives"] = _narratives(start=start, end=end, scope=scope, sector_id=sector_id)
    return figures


def _report_title(*, kind: str, start: dt.date, end: dt.date, sector: Sector | None) -> str:
    scope_name = sector.name if sector else settings.MISSION_NAME
    label = Report.Kind(kind).label
    if start == end:
        return f"{label} - {scope_name} - {start.isoformat()}"
    return f"{label} - {scope_name} - {start.isoformat()} / {end.isoformat()}"


def report_compile(
    *,
    kind: str,
    start: dt.date,
    end: dt.date,
    sector_id: int | None = None,
    alert_id: int | None = None,
) -> Report:
    """Compile the report of a kind, period and scope (mission, or a sector). A re-run replaces it."""
    if end < start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    scope = Report.Scope.SECTOR if sector_id else Report.Scope.MISSION
    sector = Sector.objects.get(pk=sector_id) if sector_id else None
    with translation.override(settings.REPORT_LANGUAGE):
        figures = report_figures(start=start, end=end, scope=scope, sector_id=sector_id)
        title = _report_title(kind=kind, start=start, end=end, sector=sector)
        flash_alert = (
            Alert.objects.select_related("location", "category").get(pk=alert_id)
            if alert_id
            else None
        )
        html = render_to_string(
            "reporting/compiled_report.html",
            {
                "title": title,
                "figures": figures,
                "start": start,
                "end": end,
                "sector": sector,
                "flash_alert": flash_alert,
                "mission_name": settings.MISSION_NAME,
                "generated_at": timezone.now(),
            },
        )
    pdf_bytes = render_pdf(html)
    csv_bytes = alerts_csv(
        period_alerts(_scope_alerts(scope=scope, sector_id=sector_id), start=start, end=end)
    )
    key = {
        "kind": kind,
        "origin": Report.Origin.COMPILED,
        "scope": scope,
        "period_start": start,
        "period_end": end,
    }
    if sector_id:
        key["sector_id"] = sector_id
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(**key).first() or Report(**key)
        report.title = title
        report.status = Report.Status.PUBLISHED
        report.figures = json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
        report.html = html
        report.generated_at = timezone.now()
        if flash_alert is not None and kind != Report.Kind.FLASH:
            report.alert = flash_alert
        stem = f"{kind}-{sector.code if sector else 'mission'}-{start.isoformat()}-{end.isoformat()}".lower()
        for field_name, content, ext in (("pdf", pdf_bytes, "pdf"), ("csv", csv_bytes, "csv")):
            old = getattr(report, field_name)
            if old:
                old.delete(save=False)
            getattr(report, field_name).save(f"{stem}.{ext}", ContentFile(content), save=False)
        report.save()
    return report


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    document = f"<!doctype html><html><head><meta charset='utf-8'></head><body>{html}</body></html>"
    stylesheet = CSS(string=PDF_CSS.read_text(), base_url=f"{FONT_DIR}/")
    return HTML(string=document, base_url=f"{FONT_DIR}/").write_pdf(stylesheets=[stylesheet])


def alerts_csv(qs: QuerySet[Alert]) -> bytes:
    """The alerts of a report. Never the reporter's identity: exports travel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows = (
        qs.select_related("location__sector", "category")
        .order_by("reported_at")
        .iterator(chunk_size=2000)
    )
    for a in rows:
        ack = (a.acknowledged_at - a.created_at).total_seconds() if a.acknowledged_at else ""
        resp = (a.responded_at - a.created_at).total_seconds() if a.responded_at else ""
        writer.writerow(
            [
                a.reference,
                a.reported_at.isoformat(),
                a.occurred_at.isoformat(),
                a.location.name,
                a.location.prefecture,
                a.location.sector.name,
                a.place,
                a.category.code,
                a.urgency,
                a.severity,
                a.certainty,
                a.status,
                a.outcome,
                a.response,
                a.victims_killed,
                a.victims_injured,
                a.victims_abducted,
                a.victims_sexual_violence,
                a.victims_displaced,
                ack,
                resp,
                _csv_safe(a.description),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheets: neutralise it.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def report_distribute(*, report_id: int, force: bool = False) -> int:
    """Email a compiled report to the distribution lists of its kind and scope, once."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.distributed_at and not force:
            return 0
        lists = DistributionList.objects.filter(is_active=True)
        lists = (
            lists.filter(sector_id=report.sector_id)
            if report.sector_id
            else lists.filter(sector__isnull=True)
        )
        recipients = sorted(
            {e for dl in lists if not dl.kinds or report.kind in dl.kinds for e in dl.addresses}
        )
        if recipients:
            message = EmailMessage(
                subject=report.title,
                body=_("The report is attached (PDF) with the list of its alerts (CSV)."),
                from_email=settings.DEFAULT_FROM_EMAIL,
                bcc=recipients,
            )
            if report.pdf:
                message.attach(
                    report.pdf.name.rsplit("/", 1)[-1], report.pdf.read(), "application/pdf"
                )
            if report.csv:
                message.attach(report.csv.name.rsplit("/", 1)[-1], report.csv.read(), "text/csv")
            message.send()
        report.distributed_at = timezone.now()
        report.save(update_fields=["distributed_at"])
    return len(recipients)
