"""Pages of escalation: the policies of the queues (mission admins), and the page an
escalation email links to, which acknowledges the alert in one tap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from alerts import permissions
from alerts.escalation_forms import add_policy_errors, policy_forms, policy_input
from alerts.forms import AcknowledgeForm
from alerts.models import TriangulationQueue
from alerts.selectors import alert_list
from alerts.services import escalation
from alerts.transitions import ACKNOWLEDGE
from alerts.views import mission_time
from core.exceptions import PermissionRefused


def _check_admin(request: HttpRequest) -> None:
    if not escalation.may_manage_escalation(request.user):
        raise PermissionDenied


def _queues() -> list[TriangulationQueue]:
    return list(TriangulationQueue.objects.select_related("sector", "senior_officer"))


@login_required
def escalation_policy_list(request: HttpRequest) -> HttpResponse:
    _check_admin(request)
    rows = [(queue, escalation.escalation_policy_of(queue)) for queue in _queues()]
    return render(request, "alerts/escalation_policy_list.html", {"rows": rows})


@login_required
def escalation_policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _check_admin(request)
    queue = get_object_or_404(TriangulationQueue.objects.select_related("sector"), pk=pk)
    policy = escalation.escalation_policy_of(queue)
    tier_errors: list[str] = []
    if request.method == "POST":
        form, formset = policy_forms(queue, policy, request.POST)
        if form.is_valid() and formset.is_valid():
            data, rows = policy_input(form, formset)
            try:
                escalation.escalation_policy_update(queue_id=queue.pk, user=request.user, data=data)
            except escalation.PolicyInvalid as exc:
                tier_errors = add_policy_errors(form, rows, exc)
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(
                    request, _("Escalation policy of %(queue)s saved.") % {"queue": queue.name}
                )
                return redirect("alerts:escalation_policies")
        status = 400
    else:
        form, formset = policy_forms(queue, policy)
        status = 200
    context = {
        "queue": queue,
        "policy": policy,
        "form": form,
        "formset": formset,
        "tier_errors": tier_errors,
        "has_errors": bool(form.errors or tier_errors or any(f.errors for f in formset.forms)),
    }
    return render(request, "alerts/escalation_policy_form.html", context, status=status)


@login_required
@mission_time
def alert_acknowledge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The link of an escalation email: the alert in brief and one large Acknowledge button,
    posted to the alert's acknowledge action. After signing in the user lands back here."""
    alert = get_object_or_404(alert_list(user=request.user), pk=pk)
    if not permissions.may_take(request.user, ACKNOWLEDGE):
        raise PermissionDenied
    context = {
        "alert": alert,
        "form": AcknowledgeForm(alert=alert) if ACKNOWLEDGE.allows(alert.status) else None,
        "state": escalation.escalation_states([alert]).get(alert.pk),
    }
    return render(request, "alerts/alert_acknowledge.html", context)
