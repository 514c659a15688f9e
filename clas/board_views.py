"""Pages of the deployment board: the board, assign, rotate, end, leave, import and export.

Mission admins and CLA coordinators (their area) change deployments; HQ staff read the board.
Each page calls the service and the selector its API twin (clas.board_api) calls.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clas import deployment_import, selectors, services
from clas.forms import (
    BoardFilterForm,
    DeploymentAssignForm,
    DeploymentEndForm,
    DeploymentImportForm,
    DeploymentLeaveForm,
    DeploymentRotateForm,
)
from clas.models import Deployment, User
from clas.permissions import may_manage_deployments, may_see_board
from core.exceptions import DomainError

# How long an uploaded sheet waits between its dry run and the import.
UPLOAD_KEEP_SECONDS = 3600
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _board_user(request: HttpRequest) -> User:
    if not may_see_board(request.user):
        raise PermissionDenied
    return request.user


def _manager(request: HttpRequest) -> User:
    if not may_manage_deployments(request.user):
        raise PermissionDenied
    return request.user


def board_for(user: User, data: Any) -> tuple[BoardFilterForm, selectors.Board]:
    """The board as the filters (query string) ask; invalid filters show no rows."""
    form = BoardFilterForm(data or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    board = selectors.board_rows(user=user, today=timezone.localdate(), **filters)
    if form.is_bound and not form.is_valid():
        board.rows = []
    return form, board


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = _board_user(request)
    form, result = board_for(user, request.GET)
    context = {
        "filter": form,
        "board": result,
        "gap_links": [
            (gap, form.GAP_LABELS[gap], result.gap_counts[gap]) for gap in selectors.GAPS
        ],
        "row_gap_labels": list(form.ROW_GAP_LABELS.items()),
        "may_manage": may_manage_deployments(user),
        "ending_days": selectors.ENDING_SOON_DAYS,
        "query": request.GET.urlencode(),
    }
    return render(request, "clas/board.html", context)


def _format(fmt: str) -> str:
    if fmt not in EXPORT_TYPES:
        raise Http404
    return fmt


def _file_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def export_content(user: User, data: Any, fmt: str) -> bytes:
    _form, result = board_for(user, data)
    lines = deployment_import.board_export_rows(result.rows)
    if fmt == "xlsx":
        return deployment_import.xlsx_bytes(lines, title="board")
    return deployment_import.csv_bytes(lines)


@login_required
def board_export(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _board_user(request)
    content = export_content(user, request.GET, _format(fmt))
    return _file_response(content, fmt, f"deployment-board-{timezone.localdate().isoformat()}")


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _manager(request)
    _format(fmt)
    rows = deployment_import.template_rows()
    if fmt == "xlsx":
        content = deployment_import.xlsx_bytes(rows, title="deployments")
    else:
        content = deployment_import.csv_bytes(rows)
    return _file_response(content, fmt, "deployments-template")


@login_required
def assign(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = DeploymentAssignForm(request.POST or None, user=user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            deployment = services.deployment_assign(actor=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(cla)s is deployed at %(location)s.")
                % {"cla": deployment.cla, "location": deployment.location},
            )
            return redirect("clas:board")
    return render(request, "clas/deployment_form.html", {"form": form, "action": "assign"})


def _deployment(request: HttpRequest, pk: int) -> Deployment:
    return get_object_or_404(selectors.deployment_list(user=request.user), pk=pk)


def _versioned(
    request: HttpRequest, pk: int, form_class: type, action: str, apply: Any, done: str
) -> HttpResponse:
    deployment = _deployment(request, pk)
    user = _manager(request)
    form = form_class(request.POST or None, user=user, initial={"version": deployment.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            apply(actor=user, deployment=deployment, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done % {"cla": deployment.cla})
            return redirect("clas:board")
    context = {"form": form, "action": action, "deployment": deployment}
    return render(request, "clas/deployment_form.html", context)


@login_required
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    return _versioned(
        request,
        pk,
        DeploymentRotateForm,
        "rotate",
        services.deployment_rotate,
        _("%(cla)s is rotated."),
    )


@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(*, actor: User, deployment: Deployment, **data: Any) -> Deployment:
        return services.deployment_close(
            actor=actor,
            deployment=deployment,
            version=data["version"],
            end_date=data["end_date"],
            reason=data["end_reason"],
        )

    return _versioned(request, pk, DeploymentEndForm, "end", apply, _("%(cla)s's deployment ends."))


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(request, pk)
    user = _manager(request)
    form = DeploymentLeaveForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("clas:cla_detail", deployment.cla_id)
    try:
        services.deployment_leave_set(actor=user, deployment=deployment, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("clas:cla_detail", deployment.cla_id)


def _upload_key(user: User, digest: str) -> str:
    return f"clas:deployment-import:{user.pk}:{digest}"


@login_required
def import_sheet(request: HttpRequest) -> HttpResponse:
    """Upload: a dry run listing every change and bad row; then Import (the same file, kept
    for an hour under its digest) only when no row is bad."""
    user = _manager(request)
    form = DeploymentImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": deployment_import.TEMPLATE_COLUMNS}
    if request.method != "POST":
        return render(request, "clas/deployment_import.html", context)
    digest = request.POST.get("upload", "")
    stored = (
        cache.get(_upload_key(user, digest)) if digest and "file" not in request.FILES else None
    )
    if stored is not None:
        filename, content = stored
        dry_run = False
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > deployment_import.MAX_BYTES:
            form.add_error("file", _("The file is too large: at most 2 MB."))
            return render(request, "clas/deployment_import.html", context, status=400)
        filename, content = upload.name, upload.read()
        digest = hashlib.sha256(content).hexdigest()
        dry_run = True
    else:
        if digest:
            form.errors.clear()
            form.add_error(None, _("The uploaded file is no longer kept: upload it again."))
        return render(request, "clas/deployment_import.html", context, status=400)
    try:
        result = deployment_import.deployments_import(
            actor=user, filename=filename, content=content, dry_run=dry_run
        )
    except DomainError as exc:
        form.add_error("file" if exc.field == "file" else None, exc.message)
        return render(request, "clas/deployment_import.html", context, status=400)
    if result.imported:
        count = len(result.changes)
        cache.delete(_upload_key(user, digest))
        messages.success(
            request,
            ngettext("Imported: %(count)d change.", "Imported: %(count)d changes.", count)
            % {"count": count},
        )
        return redirect("clas:board")
    if dry_run and not result.problems:
        cache.set(_upload_key(user, digest), (filename, content), UPLOAD_KEEP_SECONDS)
    context.update({"result": result, "upload": digest, "filename": filename})
    return render(request, "clas/deployment_import.html", context)
