"""The alert page's verification actions: record a check, give the Admiralty grade.

The same services as the API (alerts.services.verification), the same scope (an alert out of
reach is a 404) and the same rule on who may (a 403 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from alerts import services
from alerts.models import Alert
from alerts.selectors import alert_list
from alerts.services.verification import CHECK, GRADE, may_verify
from alerts.transitions import Transition
from alerts.verification_forms import CheckForm, GradeForm, VerificationForm, verification_panel
from alerts.views import _render_detail, mission_time
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused


def _submit(
    request: HttpRequest,
    pk: int,
    form_class: type[VerificationForm],
    transition: Transition,
    service: Callable[..., Any],
) -> HttpResponse:
    user = request.user
    alert = get_object_or_404(alert_list(user=user), pk=pk)
    if not may_verify(user, alert):
        raise PermissionDenied
    back = redirect(f"{reverse('alerts:alert_detail', args=[alert.pk])}#verification")
    form = form_class(request.POST, alert=alert)
    if not form.is_valid():
        if form.cleaned_data.get("version") == alert.version:
            return _bound_page(request, alert, form)
        # The page was out of date: what was meant may no longer hold.
        messages.error(request, ConcurrentUpdate.default_message)
        return back
    try:
        service(alert_id=alert.pk, user=user, **form.cleaned_data)
    except (ConcurrentUpdate, InvalidTransition) as exc:
        messages.error(request, exc.message)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _bound_page(request, alert, form)
        messages.error(request, exc.message)
    else:
        messages.success(request, transition.done_message(alert))
    return back


def _bound_page(request: HttpRequest, alert: Alert, form: VerificationForm) -> HttpResponse:
    panel = verification_panel(request.user, alert, bound=form)
    return _render_detail(request, alert, verification=panel, status=400)


@login_required
@require_POST
@mission_time
def alert_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(request, pk, CheckForm, CHECK, services.alert_record_check)


@login_required
@require_POST
@mission_time
def alert_grade(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(request, pk, GradeForm, GRADE, services.alert_grade)
