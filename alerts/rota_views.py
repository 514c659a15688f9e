"""The rota page of a triangulation queue: who is on duty now with the hand-over note, the
shifts coming and those of the last week, and the form that adds or changes a shift.

Anyone who sees the queue sees its rota (alerts.selectors.queue_list); its officers, its
senior officer and mission admins plan it (alerts.services.rota.may_edit_rota)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import permissions
from alerts.models import DutyShift, TriangulationQueue
from alerts.rota_forms import ShiftForm
from alerts.selectors import queue_list, shift_list
from alerts.services import rota
from alerts.views import mission_time
from core.exceptions import PermissionRefused


def _queue(request: HttpRequest, queue_id: int) -> TriangulationQueue:
    """A queue the user sees, else 404 (a Force officer of another sector included)."""
    qs = queue_list(user=request.user).select_related("senior_officer")
    return get_object_or_404(qs, pk=queue_id)


def _shift(queue: TriangulationQueue, shift_id: int) -> DutyShift:
    return get_object_or_404(
        DutyShift.objects.select_related("officer", "queue"), pk=shift_id, queue=queue
    )


def _rota_context(queue: TriangulationQueue, now: dt.datetime) -> dict[str, Any]:
    shifts = list(shift_list(queue=queue, since=now - dt.timedelta(days=rota.PAST_DAYS)))
    current = rota.current_shift(queue, at=now)
    return {
        "queue": queue,
        "now": now,
        "current": current,
        # The note the officer on duty was handed: that of the shift ending as theirs began.
        "previous": next((s for s in shifts if current and s.ends_at == current.starts_at), None),
        # With the coming shifts, one running now whose officer left the queue (nobody is on
        # duty, but the shift is there to change).
        "upcoming": [s for s in shifts if s.ends_at > now and s != current],
        "past": [s for s in reversed(shifts) if s.ends_at <= now],
    }


@login_required
@mission_time
def rota_page(request: HttpRequest, queue_id: int) -> HttpResponse:
    queue = _queue(request, queue_id)
    may_edit = rota.may_edit_rota(request.user, queue)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = ShiftForm(request.POST, queue=queue)
        if form.is_valid():
            try:
                rota.shift_create(user=request.user, queue_id=queue.pk, data=form.shift_input())
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("Shift added to the rota."))
                return redirect("alerts:rota", queue_id=queue.pk)
        status = 400
    else:
        form = ShiftForm(queue=queue)
    context = _rota_context(queue, timezone.now())
    context.update(
        {"form": form, "may_edit": may_edit, "may_triage": permissions.may_triage(request.user)}
    )
    return render(request, "alerts/rota.html", context, status=status)


@login_required
@mission_time
def rota_shift_edit(request: HttpRequest, queue_id: int, shift_id: int) -> HttpResponse:
    queue = _queue(request, queue_id)
    shift = _shift(queue, shift_id)
    if not rota.may_edit_rota(request.user, queue):
        raise PermissionDenied
    now = timezone.now()
    status = 200
    if request.method == "POST":
        form = ShiftForm.for_shift(shift, request.POST, now=now)
        if form.is_valid():
            try:
                rota.shift_update(user=request.user, shift_id=shift.pk, data=form.shift_input())
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("Shift saved."))
                return redirect("alerts:rota", queue_id=queue.pk)
        status = 400
    else:
        form = ShiftForm.for_shift(shift, now=now)
    context = {
        "queue": queue,
        "shift": shift,
        "form": form,
        "may_delete": shift.starts_at > now,
    }
    return render(request, "alerts/rota_shift_form.html", context, status=status)


@login_required
@require_POST
@mission_time
def rota_shift_delete(request: HttpRequest, queue_id: int, shift_id: int) -> HttpResponse:
    queue = _queue(request, queue_id)
    shift = _shift(queue, shift_id)
    if not rota.may_edit_rota(request.user, queue):
        raise PermissionDenied
    try:
        rota.shift_delete(user=request.user, shift_id=shift.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        messages.success(request, _("Shift taken off the rota."))
    return redirect("alerts:rota", queue_id=queue.pk)
