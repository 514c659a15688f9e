"""The officer's decision on a likely duplicate, from the alert page: confirm (merge the two
into one case) or reject. The API twin is alerts.api (`duplicates/<id>/confirm|reject/`)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import permissions, services
from alerts.case_forms import DuplicateConfirmForm
from alerts.selectors import alert_list
from alerts.views import _render_detail, mission_time
from core.exceptions import (
    ConcurrentUpdate,
    DomainError,
    InvalidTransition,
    PermissionRefused,
)

DECISIONS = ("confirm", "reject")


@login_required
@require_POST
@mission_time
def duplicate_decide(request: HttpRequest, pk: int, other: int, decision: str) -> HttpResponse:
    if decision not in DECISIONS:
        raise Http404
    user = request.user
    scoped = alert_list(user=user)
    alert = get_object_or_404(scoped, pk=pk)
    other_alert = get_object_or_404(scoped, pk=other)
    if not permissions.may_decide_duplicates(user, alert):
        raise PermissionDenied
    back = redirect("alerts:alert_detail", pk=alert.pk)
    form = None
    try:
        if decision == "reject":
            version = request.POST.get("version", "")
            if not re.fullmatch(r"[0-9]{1,9}", version):
                # The page always sends the version it showed: without one, it is not known
                # what the officer saw.
                messages.error(request, ConcurrentUpdate.default_message)
                return back
            services.duplicate_reject(
                user=user, alert_id=alert.pk, other_id=other_alert.pk, version=int(version)
            )
            messages.success(
                request,
                _("%(other)s is recorded as not the same event as %(reference)s.")
                % {"other": other_alert.reference, "reference": alert.reference},
            )
            return back
        form = DuplicateConfirmForm(request.POST, alert=alert, other=other_alert)
        if not form.is_valid():
            if form.cleaned_data.get("version") != alert.version:
                messages.error(request, ConcurrentUpdate.default_message)
                return back
            return _render_detail(request, alert, case_form=form, status=400)
        lead = services.duplicate_confirm(
            user=user,
            alert_id=alert.pk,
            other_id=other_alert.pk,
            lead_id=form.cleaned_data["lead"],
            version=form.cleaned_data["version"],
        )
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except (ConcurrentUpdate, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return back
    except DomainError as exc:
        if form is not None and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _render_detail(request, alert, case_form=form, status=400)
        messages.error(request, exc.message)
        return back
    follower = other_alert if lead.pk == alert.pk else alert
    messages.success(
        request,
        _("%(follower)s merged into the case of %(lead)s.")
        % {"follower": follower.reference, "lead": lead.reference},
    )
    return back
