"""Pages of the digests compiled on demand: ask for one, follow it, open the report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core.exceptions import DomainError, PermissionRefused
from reporting.on_demand import services
from reporting.on_demand.forms import CompileForm, initial_values
from reporting.on_demand.selectors import compile_request_list, progress_step
from reporting.permissions import may_compile_reports
from reporting.selectors import mission_today

RECENT = 10


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def compile_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_compile_reports(user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CompileForm(request.POST, user=user)
        if form.is_valid():
            try:
                asked = services.compile_request_create(
                    user=user,
                    kind=form.cleaned_data["kind"],
                    period_start=form.cleaned_data["period_start"],
                    sector_id=form.sector_id(),
                    distribute=form.cleaned_data["distribute"],
                )
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                for notice in asked.notices:
                    messages.info(request, notice)
                return redirect("reporting:compile_detail", pk=asked.request.pk)
        status = 400
    else:
        form = CompileForm(initial=initial_values(today=mission_today()), user=user)
    recent = compile_request_list(user=user).filter(requested_by=user)[:RECENT]
    return render(
        request, "reporting/compile_form.html", {"form": form, "recent": recent}, status=status
    )


@login_required
@require_safe
def compile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asked = get_object_or_404(compile_request_list(user=request.user), pk=pk)
    context = {"asked": asked, "step": progress_step(asked)}
    return render(request, "reporting/compile_detail.html", context)
