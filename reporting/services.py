"""Writes for reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet, TextChoices
from django.db.models.functions import Lower
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Alert
from alerts.selectors import alert_list
from clas.models import CommunityAlertNetwork, Deployment, Location, Sector, User
from clas.selectors import network_list
from core.exceptions import DomainError, InvalidTransition, PermissionRefused
from core.export import csv_safe
from protection_plans.models import ProtectionPlan
from protection_plans.selectors import plan_list
from reporting import copies
from reporting.figures import alert_figures, networks_summary, period_alerts, plan_reviews_due
from reporting.models import DistributionList, Report, system_title
from reporting.permissions import (
    EDITABLE_STATUSES,
    is_report_author,
    may_review_report,
    may_write_reports,
)
from reporting.selectors import (
    mission_today,
    report_due_at,
    report_list,
    report_period_alerts,
)

PDF_DIR = (
    Path(__file__).resolve().parent / "pdf"
)  # fonts and stylesheet of the PDFs, not web static files
PDF_CSS = PDF_DIR / "report.css"

FLASH_DEADLINE = dt.timedelta(hours=1)


def _titled(code: str, **params: Any) -> dict[str, Any]:
    """The title fields of a report the system names (reporting.models.TITLES)."""
    given = system_title(code, **params)
    return {"title": given["text"], "system_title": given}


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
                **_titled(
                    "flash",
                    category={"en": alert.category.name_en, "fr": alert.category.name_fr},
                    location=alert.location.name,
                    reference=alert.reference,
                ),
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

# The columns of a report's CSV of alerts, headed and filled in the report language: labels,
# never codes, since the file travels to people. Never the reporter's identity. Each column
# is headed by its field's name; the Admiralty grade ("B2") and the times to acknowledge and
# to respond come before the description.
CSV_FIELDS: tuple[tuple[type[Model], str], ...] = (
    *((Alert, name) for name in ("reference", "reported_at", "occurred_at", "location")),
    (Location, "prefecture"),
    (Location, "sector"),
    *(
        (Alert, name)
        for name in (
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
        )
    ),
)


def scope_alerts(
    *,
    scope: str,
    sector_id: int | None,
    location_id: int | None = None,
    reader: User | None = None,
) -> QuerySet[Alert]:
    """The alerts of a report's scope; with a reader, only those the reader may see."""
    qs = Alert.objects.all() if reader is None else alert_list(user=reader)
    if scope == Report.Scope.SECTOR:
        return qs.filter(location__sector_id=sector_id)
    if scope == Report.Scope.LOCATION:
        return qs.filter(location_id=location_id)
    return qs


def _narratives(
    *,
    start: dt.date,
    end: dt.date,
    scope: str,
    sector_id: int | None,
    location_id: int | None = None,
    reader: User | None = None,
) -> list[dict[str, Any]]:
    qs = (
        (Report.objects if reader is None else report_list(user=reader))
        .filter(
            origin=Report.Origin.WRITTEN,
            kind__in=[Report.Kind.DAILY, Report.Kind.WEEKLY, Report.Kind.FLASH],
            status__in=[Report.Status.SUBMITTED, Report.Status.ACCEPTED],
            period_start__lte=end,
            period_end__gte=start,
        )
        .select_related("location", "author")
    )
    if scope == Report.Scope.SECTOR:
        qs = qs.filter(location__sector_id=sector_id)
    elif scope == Report.Scope.LOCATION:
        qs = qs.filter(location_id=location_id)
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
    *,
    start: dt.date,
    end: dt.date,
    scope: str,
    sector_id: int | None,
    location_id: int | None = None,
    reader: User | None = None,
) -> dict[str, Any]:
    """The figures of a period and scope; with a reader, of what that reader may see only
    (alerts, networks, plans and reports from the field, each through its selector)."""
    where = {"scope": scope, "sector_id": sector_id, "location_id": location_id}
    alerts = period_alerts(scope_alerts(**where, reader=reader), start=start, end=end)
    networks = CommunityAlertNetwork.objects.all() if reader is None else network_list(user=reader)
    plans = ProtectionPlan.objects.all() if reader is None else plan_list(user=reader)
    if scope == Report.Scope.SECTOR:
        networks = networks.filter(location__sector_id=sector_id)
        plans = plans.filter(location__sector_id=sector_id)
    elif scope == Report.Scope.LOCATION:
        networks = networks.filter(location_id=location_id)
        plans = plans.filter(location_id=location_id)
    figures = alert_figures(alerts)
    figures["networks"] = networks_summary(networks, start=start, end=end)
    figures["plan_reviews_due"] = plan_reviews_due(plans, end=end)
    figures["narratives"] = _narratives(start=start, end=end, **where, reader=reader)
    return figures


def compiled_html(
    *,
    title: str,
    figures: dict[str, Any],
    start: dt.date,
    end: dt.date,
    sector: Sector | None,
    flash_alert: Alert | None,
) -> str:
    """The HTML of a compiled report (rendered in the active language)."""
    return render_to_string(
        "reporting/compiled_report.html",
        {
            "title": title,
            "figures": figures,
            "statuses": _status_rows(figures["by_status"]),
            "start": start,
            "end": end,
            "sector": sector,
            "flash_alert": flash_alert,
            "mission_name": settings.MISSION_NAME,
            "generated_at": timezone.now(),
        },
    )


def report_compile(
    *,
    kind: str,
    start: dt.date,
    end: dt.date,
    sector_id: int | None = None,
    alert_id: int | None = None,
    progress: Callable[[int], None] | None = None,
    with_pdf: bool = True,
) -> Report:
    """Compile the report of a kind, period and scope (mission, or a sector). A re-run replaces it.
    `progress` is told the percentage done after each step. Without `with_pdf` the PDF is
    rendered when first asked for (compiled_pdf_ensure)."""
    step = progress or (lambda percent: None)
    if end < start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    scope = Report.Scope.SECTOR if sector_id else Report.Scope.MISSION
    sector = Sector.objects.get(pk=sector_id) if sector_id else None
    flash_alert = (
        Alert.objects.select_related("location", "category").get(pk=alert_id) if alert_id else None
    )
    titled = _titled(
        "period",
        kind=kind,
        scope=sector.name if sector else settings.MISSION_NAME,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    with translation.override(settings.REPORT_LANGUAGE):
        figures = report_figures(start=start, end=end, scope=scope, sector_id=sector_id)
        step(40)
        # Kept so that the report can be compiled again for a reader who may see less.
        figures["flash_alert_id"] = flash_alert.pk if flash_alert else None
        html = compiled_html(
            title=titled["title"],
            figures=figures,
            start=start,
            end=end,
            sector=sector,
            flash_alert=flash_alert,
        )
        csv_file = alerts_csv(
            period_alerts(scope_alerts(scope=scope, sector_id=sector_id), start=start, end=end)
        )
    step(60)
    files = {"pdf": render_pdf(html), "csv": csv_file} if with_pdf else {"csv": csv_file}
    step(90)
    key = {
        "kind": kind,
        "origin": Report.Origin.COMPILED,
        "scope": scope,
        "period_start": start,
        "period_end": end,
    }
    if sector_id:
        key["sector_id"] = sector_id
    stem = f"{kind}-{sector.code if sector else 'mission'}-{start.isoformat()}-{end.isoformat()}"
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(**key).first() or Report(**key)
        report.title, report.system_title = titled["title"], titled["system_title"]
        report.status = Report.Status.PUBLISHED
        report.figures = json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
        report.html = html
        report.generated_at = timezone.now()
        if flash_alert is not None and kind != Report.Kind.FLASH:
            report.alert = flash_alert
        _replace_files(report, stem=stem.lower(), files=files)
        if not with_pdf and report.pdf:  # the PDF of what the report said before
            report.pdf.delete(save=False)
        report.save()
    return report


def compiled_pdf_ensure(*, report_id: int) -> Report:
    """The compiled report with its PDF, rendered now from its HTML if it was compiled
    without one."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.pdf or report.origin != Report.Origin.COMPILED or not report.html:
            return report
        stem = Path(report.csv.name).stem if report.csv else f"report-{report.pk}"
        _replace_files(report, stem=stem, files={"pdf": render_pdf(report.html)})
        report.save(update_fields=["pdf", "updated_at"])
    return report


def _replace_files(report: Report, *, stem: str, files: dict[str, bytes]) -> None:
    """Store each file (field name -> content) as `<stem>.<field name>`, deleting the old one."""
    for field_name, content in files.items():
        old = getattr(report, field_name)
        if old:
            old.delete(save=False)
        getattr(report, field_name).save(f"{stem}.{field_name}", ContentFile(content), save=False)


def render_pdf(html: str) -> bytes:
    # WeasyPrint loads Pango and its fonts (half a second): only the processes rendering pay.
    from weasyprint import CSS, HTML

    document = f"<!doctype html><html><head><meta charset='utf-8'></head><body>{html}</body></html>"
    stylesheet = CSS(string=PDF_CSS.read_text(), base_url=f"{PDF_DIR}/")
    return HTML(string=document, base_url=f"{PDF_DIR}/").write_pdf(stylesheets=[stylesheet])


def _status_rows(by_status: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) of each status with alerts, in the order of an alert's life."""
    return [
        (str(label), by_status[value])
        for value, label in Alert.Status.choices
        if by_status.get(value)
    ]


def _label(model: type[Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _csv_header() -> list[str]:
    return [
        *(_label(model, name) for model, name in CSV_FIELDS),
        _("Admiralty grade"),
        _("Seconds to acknowledge"),
        _("Seconds to response"),
        _label(Alert, "description"),
    ]


def alerts_csv(qs: QuerySet[Alert]) -> bytes:
    """The alerts of a report, in the active language. Never the reporter's identity:
    exports travel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_csv_header())
    rows = (
        qs.select_related("location__sector", "category")
        .order_by("reported_at")
        .iterator(chunk_size=2000)
    )
    for a in rows:
        ack = (a.acknowledged_at - a.created_at).total_seconds() if a.acknowledged_at else ""
        resp = (a.responded_at - a.created_at).total_seconds() if a.responded_at else ""
        row = [
            a.reference,
            a.reported_at.isoformat(),
            a.occurred_at.isoformat(),
            a.location.name,
            a.location.prefecture,
            a.location.sector.name if a.location.sector else "",
            a.place,
            a.category.name,
            a.get_urgency_display(),
            a.get_severity_display(),
            a.get_certainty_display(),
            a.get_status_display(),
            a.get_outcome_display(),
            a.get_response_display(),
            a.victims_killed,
            a.victims_injured,
            a.victims_abducted,
            a.victims_sexual_violence,
            a.victims_displaced,
            a.grade,
            ack,
            resp,
            a.description,
        ]
        writer.writerow([csv_safe(cell) for cell in row])
    # The byte order mark lets spreadsheets read accented names and headers as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _distribution_body(kind: str, url: str = "") -> str:
    with translation.override(settings.REPORT_LANGUAGE):
        if kind == "whole":
            return _("The report is attached (PDF) with the list of its alerts (CSV).")
        if kind == "scoped":
            return _(
                "The report is attached (PDF) with the list of its alerts (CSV), limited to "
                "what your account may see."
            )
        return _(
            "A report is published. Sign in to read it, as far as your account allows: %(url)s"
        ) % {"url": url}


def _accounts_by_address(addresses: list[str]) -> dict[str, User]:
    """The active account of each address that belongs to exactly one."""
    users = (
        User.objects.filter(is_active=True)
        .annotate(address=Lower("email"))
        .filter(address__in={a.lower() for a in addresses})
    )
    found: dict[str, list[User]] = {}
    for user in users:
        found.setdefault(user.address, []).append(user)
    return {a: found[a.lower()][0] for a in addresses if len(found.get(a.lower(), [])) == 1}


def _report_email(
    report: Report, *, body: str, bcc: list[str], files: dict[str, bytes] | None = None
) -> EmailMessage:
    message = EmailMessage(
        subject=report.title, body=body, from_email=settings.DEFAULT_FROM_EMAIL, bcc=bcc
    )
    for name, content in (files or {}).items():
        message.attach(name, content, "application/pdf" if name.endswith(".pdf") else "text/csv")
    return message


def _read(stored: Any) -> bytes:
    with stored.open("rb") as handle:
        return handle.read()


def _report_emails(report: Report, recipients: list[str]) -> list[EmailMessage]:
    """The files follow each recipient's scope (reporting.copies): the stored ones to the
    addresses of mission-wide accounts, files compiled for their scope to the addresses of
    other accounts that may read the report, and no file, only a link to sign in, to any
    other address (no account, several, or one that may not read the report)."""
    accounts = _accounts_by_address(recipients)
    readers = {
        address: user
        for address, user in accounts.items()
        if report_list(user=user).filter(pk=report.pk).exists()
    }
    whole = [a for a in recipients if a in readers and copies.sees_whole_report(readers[a])]
    link_only = [a for a in recipients if a not in readers]
    stored = {f.name.rsplit("/", 1)[-1]: f for f in (report.pdf, report.csv) if f}
    messages = []
    if whole:
        files = {name: _read(f) for name, f in stored.items()}
        messages.append(
            _report_email(report, body=_distribution_body("whole"), bcc=whole, files=files)
        )
    stem = (Path(report.pdf.name or report.csv.name).stem or f"report-{report.pk}").lower()
    for address in recipients:
        if address in whole or address in link_only:
            continue
        copy = copies.reader_copy(user=readers[address], report=report)
        if copy is None:  # a written report: read as a whole or not at all
            files = {name: _read(f) for name, f in stored.items()}
        else:
            files = {f"{stem}.pdf": copy.pdf(), f"{stem}.csv": copy.csv()}
        body = _distribution_body("scoped")
        messages.append(_report_email(report, body=body, bcc=[address], files=files))
    if link_only:
        url = settings.SITE_URL.rstrip("/") + reverse("reporting:report_detail", args=[report.pk])
        messages.append(_report_email(report, body=_distribution_body("link", url), bcc=link_only))
    return messages


def report_distribute(*, report_id: int, force: bool = False) -> int:
    """Email a compiled report to the distribution lists of its kind and scope, once; each
    recipient gets what their account may see (_report_emails)."""
    compiled_pdf_ensure(report_id=report_id)
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
        for message in _report_emails(report, recipients):
            message.send()
        report.distributed_at = timezone.now()
        report.save(update_fields=["distributed_at"])
    return len(recipients)


# --- reports written by CLAs --------------------------------------------------------------
#
# draft -> submitted (author) -> accepted | returned (coordinator of the area, or HQ);
# returned -> submitted again once corrected. Daily and weekly reports are opened by the
# CLA; flash reports by their alert (flash_report_open).

WRITTEN_KINDS = (Report.Kind.DAILY, Report.Kind.WEEKLY)
TEXT_FIELDS = ("title", "key_events", "can_activity", "needs", "narrative")


class ReviewDecision(TextChoices):
    ACCEPT = "accept", gettext_lazy("Accept")
    RETURN = "return", gettext_lazy("Return to the CLA for changes")


def _period_end(*, kind: str, period_start: dt.date, period_end: dt.date | None) -> dt.date:
    if kind == Report.Kind.WEEKLY:
        if period_start.weekday() != 0:
            raise DomainError(
                _("A weekly analysis starts on a Monday (it covers Monday to Sunday)."),
                field="period_start",
            )
        expected = period_start + dt.timedelta(days=6)
        if period_end is not None and period_end != expected:
            raise DomainError(
                _("A weekly analysis ends on the Sunday after its Monday: %(date)s.")
                % {"date": expected.isoformat()},
                field="period_end",
            )
        return expected
    if period_end is not None and period_end != period_start:
        raise DomainError(_("A daily report covers a single day."), field="period_end")
    return period_start


def _validate_content(values: dict[str, Any]) -> None:
    """Choices and lengths of what the author typed (the database does not check them)."""
    level = values.get("security_level")
    if level and level not in Report.SecurityLevel.values:
        raise DomainError(_("Choose a security situation from the list."), field="security_level")
    for name in TEXT_FIELDS:
        value = values.get(name)
        limit = Report._meta.get_field(name).max_length
        if value is not None and limit and len(value) > limit:
            raise DomainError(
                _("At most %(max)s characters (this has %(count)s).")
                % {"max": limit, "count": len(value)},
                field=name,
            )
    if "title" in values and not values["title"].strip():
        raise DomainError(_("Give the report a title."), field="title")


def _duplicate_error(*, kind: str, location_name: str, period_start: dt.date) -> DomainError:
    values = {"location": location_name, "date": period_start.isoformat()}
    if kind == Report.Kind.WEEKLY:
        message = _(
            "A weekly analysis of %(location)s for the week of %(date)s already exists: open it instead."
        )
    else:
        message = _("A daily report of %(location)s for %(date)s already exists: open it instead.")
    return DomainError(message % values, field="period_start")


def report_create(
    *,
    user: User,
    kind: str,
    location_id: int | None,
    period_start: dt.date,
    period_end: dt.date | None = None,
    title: str = "",
    security_level: str = "",
    key_events: str = "",
    can_activity: str = "",
    needs: str = "",
    narrative: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """Open a daily or weekly report of the location the CLA is deployed to, as a draft.

    The alerts reported there during the period are attached (again on each save and on
    submission, so alerts logged later in the day are included).
    """
    deployment = _deployment_to_write_from(user=user, kind=kind, location_id=location_id)
    location = deployment.location
    period_end = _written_period_end(
        deployment=deployment, kind=kind, period_start=period_start, period_end=period_end, now=now
    )
    # Left blank, the title is the system's: "<kind> - <location> - <period>", in the
    # language of whoever reads it.
    titled = (
        {"title": title.strip()}
        if title.strip()
        else _titled(
            "period",
            kind=kind,
            scope=location.name,
            start=period_start.isoformat(),
            end=period_end.isoformat(),
        )
    )
    content = {
        **titled,
        "security_level": security_level,
        "key_events": key_events,
        "can_activity": can_activity,
        "needs": needs,
        "narrative": narrative,
    }
    _validate_content(content)
    return _insert_written(
        user=user,
        kind=kind,
        location=location,
        period_start=period_start,
        period_end=period_end,
        content=content,
    )


def _insert_written(
    *,
    user: User,
    kind: str,
    location: Location,
    period_start: dt.date,
    period_end: dt.date,
    content: dict[str, Any],
) -> Report:
    """The draft with the alerts of its period, unless the report of that period exists."""
    duplicate = _duplicate_error(kind=kind, location_name=location.name, period_start=period_start)
    if Report.objects.filter(
        origin=Report.Origin.WRITTEN, kind=kind, location=location, period_start=period_start
    ).exists():
        raise duplicate
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind,
                origin=Report.Origin.WRITTEN,
                scope=Report.Scope.LOCATION,
                location=location,
                period_start=period_start,
                period_end=period_end,
                status=Report.Status.DRAFT,
                author=user,
                due_at=report_due_at(period_end),
                **content,
            )
            report.alerts.set(report_period_alerts(report))
    except IntegrityError:
        # Another request opened the same report between the check and the insert.
        raise duplicate from None
    return report


def _deployment_to_write_from(*, user: User, kind: str, location_id: int | None) -> Deployment:
    """The CLA's open deployment at the location of the report, or a refusal."""
    if kind not in WRITTEN_KINDS:
        raise DomainError(
            _("Only daily reports and weekly analyses are written this way."), field="kind"
        )
    if not may_write_reports(user):
        raise PermissionRefused(_("Only CLAs write daily reports and weekly analyses."))
    if location_id is None:
        raise DomainError(
            _("You are not deployed to a location, so you cannot write reports."),
            field="location",
        )
    deployment = (
        Deployment.objects.select_related("location")
        .filter(cla__user=user, end_date__isnull=True, location_id=location_id)
        .first()
    )
    if deployment is None:
        raise DomainError(
            _("You can only write reports for the location you are deployed to."),
            field="location",
        )
    if not deployment.location.is_active:
        raise DomainError(_("This location is no longer active."), field="location")
    return deployment


def _written_period_end(
    *,
    deployment: Deployment,
    kind: str,
    period_start: dt.date,
    period_end: dt.date | None,
    now: dt.datetime | None,
) -> dt.date:
    """The end of the period a CLA may report on: not in the future, not before the
    deployment; the same day for a daily report, the Sunday for a weekly analysis."""
    if period_start > mission_today(now):
        raise DomainError(_("A report cannot cover a day in the future."), field="period_start")
    period_end = _period_end(kind=kind, period_start=period_start, period_end=period_end)
    if period_end < deployment.start_date:
        raise DomainError(
            _("You were not deployed to %(location)s yet on %(date)s.")
            % {"location": deployment.location.name, "date": period_start.isoformat()},
            field="period_start",
        )
    return period_end


def _lock_own_report(*, user: User, report_id: int) -> Report:
    """Lock a written report the user authored and may still change, or refuse."""
    report = (
        report_list(user=user)
        .select_for_update(of=("self",))
        .filter(pk=report_id, origin=Report.Origin.WRITTEN)
        .first()
    )
    if report is None:
        raise Http404
    if not is_report_author(user, report):
        raise PermissionRefused(_("Only the author of a report can change or submit it."))
    if report.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("This report is %(status)s: it can no longer be changed.")
            % {"status": report.get_status_display().lower()}
        )
    return report


def report_update(
    *,
    user: User,
    report_id: int,
    title: str | None = None,
    security_level: str | None = None,
    key_events: str | None = None,
    can_activity: str | None = None,
    needs: str | None = None,
    narrative: str | None = None,
) -> Report:
    """Change the text of a draft or returned report, by its author. None leaves a field as is."""
    changes = {
        name: value
        for name, value in (
            ("title", title),
            ("security_level", security_level),
            ("key_events", key_events),
            ("can_activity", can_activity),
            ("needs", needs),
            ("narrative", narrative),
        )
        if value is not None
    }
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    with transaction.atomic():
        report = _lock_own_report(user=user, report_id=report_id)
        _validate_content(changes)
        for name, value in changes.items():
            setattr(report, name, value)
        report.save(update_fields=[*changes, "updated_at"])
        report.alerts.set(report_period_alerts(report))
    return report


def _check_complete(report: Report) -> None:
    if report.kind in (Report.Kind.DAILY, Report.Kind.FLASH) and not report.security_level:
        raise DomainError(
            _("Say how the security situation is before submitting."), field="security_level"
        )
    if report.kind in (Report.Kind.DAILY, Report.Kind.FLASH) and not report.key_events.strip():
        raise DomainError(
            _("Describe the key events before submitting (write it if nothing happened)."),
            field="key_events",
        )
    if report.kind == Report.Kind.WEEKLY and not report.narrative.strip():
        raise DomainError(_("Write the analysis of the week before submitting."), field="narrative")


def report_submit(*, user: User, report_id: int, now: dt.datetime | None = None) -> Report:
    """Send a draft or returned report to the coordinator, by its author, with the alerts
    of its period attached."""
    with transaction.atomic():
        report = _lock_own_report(user=user, report_id=report_id)
        _check_complete(report)
        report.status = Report.Status.SUBMITTED
        report.submitted_at = now or timezone.now()
        report.save(update_fields=["status", "submitted_at", "updated_at"])
        report.alerts.set(report_period_alerts(report))
    return report


def report_review(
    *, user: User, report_id: int, decision: str, comment: str = "", now: dt.datetime | None = None
) -> Report:
    """Accept a submitted report, or return it to its author with a comment saying what to
    change. By a coordinator of the field office covering the report's location, or HQ."""
    comment = comment.strip()
    with transaction.atomic():
        report = (
            report_list(user=user)
            .select_for_update(of=("self",))
            .filter(pk=report_id, origin=Report.Origin.WRITTEN)
            .first()
        )
        if report is None:
            raise Http404
        if report.author_id == user.pk:
            raise PermissionRefused(_("You cannot review your own report."))
        if not may_review_report(user, report):
            raise PermissionRefused(
                _(
                    "Only the coordinators of the field office covering %(location)s and HQ review its reports."
                )
                % {"location": report.location.name if report.location else "-"}
            )
        if report.status != Report.Status.SUBMITTED:
            raise InvalidTransition(
                _("This report is %(status)s: only a submitted report can be reviewed.")
                % {"status": report.get_status_display().lower()}
            )
        if decision not in ReviewDecision.values:
            raise DomainError(_("Accept the report or return it."), field="decision")
        if decision == ReviewDecision.RETURN and not comment:
            raise DomainError(
                _("Say what to change: a returned report needs a comment."), field="comment"
            )
        limit = Report._meta.get_field("review_comment").max_length
        if len(comment) > limit:
            raise DomainError(
                _("At most %(max)s characters (this has %(count)s).")
                % {"max": limit, "count": len(comment)},
                field="comment",
            )
        report.status = (
            Report.Status.ACCEPTED if decision == ReviewDecision.ACCEPT else Report.Status.RETURNED
        )
        report.reviewed_by = user
        report.reviewed_at = now or timezone.now()
        report.review_comment = comment
        report.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"]
        )
    return report
