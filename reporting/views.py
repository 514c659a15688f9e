"""Pages of the reports: the archive, the CLA's daily and weekly reports and flash reports,
the coordinator's review, the downloads of compiled reports and the late reports.

Every read starts from reporting.selectors.report_list (outside the user's scope is a 404)
and every write goes through reporting.services; domain errors become form errors or
messages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts.selectors import alert_list
from clas.models import User
from clas.selectors import open_deployment_for
from core.exceptions import DomainError, InvalidTransition, PermissionRefused
from core.pages import render_list_page
from reporting import selectors, services
from reporting.copies import reader_copy
from reporting.filters import ReportFilter
from reporting.forms import DayForm, ReportForm, ReviewForm, last_week_monday
from reporting.models import Report
from reporting.permissions import (
    EDITABLE_STATUSES,
    is_report_author,
    may_compile_reports,
    may_edit_report,
    may_review_report,
    may_track_reports,
    may_write_reports,
)

DOWNLOADS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


# --- the archive --------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = selectors.report_list(user=user)
    context: dict[str, Any] = {
        "now": timezone.now(),
        "may_track": may_track_reports(user),
        "may_compile": may_compile_reports(user),
    }
    if may_write_reports(user):
        context["deployment"] = open_deployment_for(user)
        context["pending"] = selectors.reports_pending(user=user, day=selectors.mission_today())
        context["returned"] = list(
            queryset.filter(author=user, status=Report.Status.RETURNED).order_by("-period_start")
        )
    return render_list_page(
        request,
        "reporting/report_list.html",
        queryset=queryset.order_by("-period_start", "kind", "-pk"),
        filterset_class=ReportFilter,
        context=context,
    )


# --- writing ------------------------------------------------------------------------------


def _initial_period(request: HttpRequest, kind: str) -> dict[str, Any]:
    today = selectors.mission_today()
    default = today if kind == Report.Kind.DAILY else last_week_monday(today)
    try:
        asked = dt.date.fromisoformat(request.GET.get("period_start", ""))
    except ValueError:
        asked = None
    return {"period_start": asked or default}


@login_required
def report_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in services.WRITTEN_KINDS:
        raise Http404
    user = request.user
    if not may_write_reports(user):
        raise PermissionDenied
    deployment = open_deployment_for(user)
    context: dict[str, Any] = {"kind": kind, "kind_label": Report.Kind(kind).label}
    if deployment is None:
        context["no_deployment"] = True
        return render(request, "reporting/report_form.html", context)
    context["location"] = deployment.location
    if request.method == "POST":
        form = ReportForm(request.POST, kind=kind, with_period=True)
        if form.is_valid():
            period_start = form.cleaned_data["period_start"]
            try:
                report = services.report_create(
                    user=user,
                    kind=kind,
                    location_id=deployment.location_id,
                    period_start=period_start,
                    **form.content(),
                )
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                _add_service_error(form, exc)
                # Most likely the report of that day exists already: offer to open it.
                context["existing"] = (
                    selectors.report_list(user=user)
                    .filter(kind=kind, location=deployment.location_id, period_start=period_start)
                    .filter(origin=Report.Origin.WRITTEN)
                    .first()
                )
            else:
                return _saved(request, report)
    else:
        form = ReportForm(initial=_initial_period(request, kind), kind=kind, with_period=True)
    context["form"] = form
    return render(request, "reporting/report_form.html", context)


def _add_service_error(form: ReportForm | ReviewForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _saved(request: HttpRequest, report: Report) -> HttpResponse:
    """After a save: submit at once if the author asked for it, else show the draft."""
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved. Submit it when it is complete."))
        return redirect("reporting:report_detail", pk=report.pk)
    return _submit(request, report.pk)


def _submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.report_submit(user=request.user, report_id=pk)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:report_edit", pk=pk)
    else:
        messages.success(request, _("Report submitted to your coordinator."))
    return redirect("reporting:report_detail", pk=pk)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = get_object_or_404(selectors.report_list(user=user), pk=pk)
    if not is_report_author(user, report):
        raise PermissionDenied
    if not may_edit_report(user, report):
        messages.info(request, _("This report was submitted: it can no longer be changed."))
        return redirect("reporting:report_detail", pk=pk)
    if request.method == "POST":
        form = ReportForm(request.POST, kind=report.kind, with_period=False)
        if form.is_valid():
            try:
                report = services.report_update(user=user, report_id=pk, **form.content())
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            except InvalidTransition as exc:
                messages.error(request, exc.message)
                return redirect("reporting:report_detail", pk=pk)
            except DomainError as exc:
                _add_service_error(form, exc)
            else:
                return _saved(request, report)
    else:
        initial = {name: getattr(report, name) for name in ReportForm.base_fields}
        form = ReportForm(initial=initial, kind=report.kind, with_period=False)
    context = {
        "form": form,
        "report": report,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "location": report.location,
        "is_late": selectors.report_is_late(report),
    }
    return render(request, "reporting/report_form.html", context)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(request, pk)


# --- reading and reviewing ----------------------------------------------------------------


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    return _render_detail(request, report)


def _report_alerts(user: User, report: Report) -> QuerySet:
    """Attached alerts once submitted; while the author still writes, those that will be."""
    if report.status in EDITABLE_STATUSES:
        ids = selectors.report_period_alerts(report).values("pk")
    else:
        ids = report.alerts.values("pk")
    return alert_list(user=user).filter(pk__in=ids).order_by("reported_at", "pk")


def _render_detail(
    request: HttpRequest, report: Report, *, review_form: ReviewForm | None = None
) -> HttpResponse:
    user = request.user
    copy = reader_copy(user=user, report=report)
    context: dict[str, Any] = {"report": report, "html": copy.html if copy else report.html}
    if report.origin == Report.Origin.WRITTEN:
        may_review = report.status == Report.Status.SUBMITTED and may_review_report(user, report)
        context.update(
            {
                "alerts": _report_alerts(user, report),
                "may_edit": may_edit_report(user, report),
                "may_review": may_review,
                "review_form": review_form or (ReviewForm() if may_review else None),
                "is_late": selectors.report_is_late(report),
                "flash_alert": alert_list(user=user).filter(pk=report.alert_id).first()
                if report.alert_id
                else None,
            }
        )
    return render(request, "reporting/report_detail.html", context)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = get_object_or_404(selectors.report_list(user=user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, review_form=form)
    try:
        report = services.report_review(user=user, report_id=pk, **form.cleaned_data)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        _add_service_error(form, exc)
        return _render_detail(request, report, review_form=form)
    else:
        if report.status == Report.Status.ACCEPTED:
            messages.success(request, _("Report accepted."))
        else:
            messages.success(request, _("Report returned to its author with your comment."))
    return redirect("reporting:report_detail", pk=pk)


# --- downloads of compiled reports --------------------------------------------------------


def _download(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The stored file to whom may see all of it, else the report compiled for the reader's
    scope (reporting.copies)."""
    report = get_object_or_404(selectors.report_list(user=request.user), pk=pk)
    if field == "pdf" and not report.pdf and report.origin == Report.Origin.COMPILED:
        report = services.compiled_pdf_ensure(report_id=report.pk)
    stored = getattr(report, field)
    if not stored:
        raise Http404
    copy = reader_copy(user=request.user, report=report)
    if copy is not None:
        body = copy.pdf() if field == "pdf" else copy.csv()
        response = HttpResponse(body, content_type=DOWNLOADS[field])
        response["Content-Disposition"] = f'attachment; filename="{Path(stored.name).name}"'
        return response
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=Path(stored.name).name, content_type=DOWNLOADS[field]
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf")


@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "csv")


# --- late and missing reports -------------------------------------------------------------


@login_required
def reports_overdue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_track_reports(user):
        raise PermissionDenied
    form = DayForm(request.GET or None)
    today = selectors.mission_today()
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or today
    rows = selectors.reports_overdue(user=user, day=day)
    context = {"form": form, "day": day, "today": today, "rows": rows, "now": timezone.now()}
    return render(request, "reporting/reports_overdue.html", context)
