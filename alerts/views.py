"""Pages of the early warning chain: the CLA's alert form, the lists, the alert page, the
Force's triangulation queue and the triage actions.

Every read starts from alerts.selectors (an alert outside the user's scope is a 404) and
every write goes through alerts.services; domain errors become field errors or messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import permissions, services
from alerts.forms import ACTION_FORMS, ActionForm, AlertFilterForm, AlertForm, QueueFilterForm
from alerts.models import Alert, AlertEvent
from alerts.selectors import alert_list, queue_list
from alerts.timing import response_time_rows
from alerts.transitions import OPEN_STATES
from clas.models import User
from core.exceptions import (
    ConcurrentUpdate,
    DomainError,
    IdempotencyConflict,
    InvalidTransition,
    PermissionRefused,
)
from core.pages import PAGE_SIZE

# The queue page shows the most urgent alerts first; beyond this the officer filters by queue.
QUEUE_LIMIT = 200


def mission_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Dates typed in and shown by the view are in the mission's time zone."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(settings.TIME_ZONE):
            return view(request, *args, **kwargs)

    return wrapped


def _with_last_update(qs: QuerySet[Alert]) -> QuerySet[Alert]:
    latest = AlertEvent.objects.filter(alert=OuterRef("pk")).order_by("-at", "-pk")
    return qs.annotate(
        last_update_at=Subquery(latest.values("at")[:1]),
        last_update_kind=Subquery(latest.values("kind")[:1]),
    )


# --- the CLA's alert form -----------------------------------------------------------------


@login_required
@mission_time
def alert_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.may_log_alerts(user):
        raise PermissionDenied
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = AlertForm(request.POST, user=user)
        if form.is_valid():
            try:
                alert, created = services.alert_create(
                    user=user,
                    data=form.to_input(),
                    client_key=form.cleaned_data["client_key"] or None,
                    channel="web",
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                form.add_service_errors(errors)
            except PermissionRefused as exc:
                raise PermissionDenied(exc.message) from exc
            except IdempotencyConflict as exc:
                context["first_alert"] = (
                    alert_list(user=user)
                    .filter(client_key=form.cleaned_data["client_key"], logged_by=user)
                    .first()
                )
                form = _form_with_new_key(request, user)
                form.add_error(None, exc.message)
            else:
                return _created_redirect(request, alert, created)
    else:
        form = AlertForm(user=user)
    context["form"] = form
    return render(request, "alerts/alert_form.html", context)


def _form_with_new_key(request: HttpRequest, user: User) -> AlertForm:
    """The posted content under a new client key: sent again, it is a new alert."""
    data = request.POST.copy()
    data["client_key"] = uuid.uuid4().hex
    form = AlertForm(data, user=user)
    form.is_valid()
    return form


def _created_redirect(request: HttpRequest, alert: Alert, created: bool) -> HttpResponse:
    values = {"reference": alert.reference}
    if created:
        messages.success(
            request,
            _("Alert %(reference)s saved. It goes to the Force's triangulation queue now.")
            % values,
        )
    else:
        messages.info(
            request, _("%(reference)s was already received: it was not logged twice.") % values
        )
    return redirect("alerts:alert_detail", pk=alert.pk)


# --- lists --------------------------------------------------------------------------------


@login_required
@mission_time
def my_alerts(request: HttpRequest) -> HttpResponse:
    qs = _with_last_update(alert_list(user=request.user).filter(logged_by=request.user))
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/my_alerts.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "may_log": permissions.may_log_alerts(request.user),
        },
    )


@login_required
@mission_time
def alert_list_view(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None, user=request.user)
    qs = alert_list(user=request.user)
    if form.is_bound:
        form.is_valid()
        qs = form.filter(qs)
    page = Paginator(qs.order_by("-reported_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "alerts/alert_list.html",
        {"filter_form": form, "page_obj": page, "rows": page.object_list},
    )


# --- the alert page and its actions -------------------------------------------------------


@login_required
@mission_time
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(alert_list(user=request.user), pk=pk)
    return _render_detail(request, alert)


def _render_detail(
    request: HttpRequest, alert: Alert, *, bound: ActionForm | None = None
) -> HttpResponse:
    user = request.user
    actions: list[tuple[str, ActionForm]] = []
    for name, form_class in ACTION_FORMS.items():
        if not permissions.may_take(user, form_class.transition):
            continue
        if bound is not None and isinstance(bound, form_class):
            actions.append((name, bound))
        elif form_class.applies_to(alert):
            actions.append((name, form_class(alert=alert)))
    links = [(link.to_alert, link) for link in alert.links_out.select_related("to_alert")]
    links += [(link.from_alert, link) for link in alert.links_in.select_related("from_alert")]
    visible = set(
        alert_list(user=user)
        .filter(pk__in=[a.pk for a, _link in links])
        .values_list("pk", flat=True)
    )
    context = {
        "alert": alert,
        "show_source": permissions.may_see_source_identity(user, alert),
        "events": alert.events.select_related("actor"),
        "triangulations": alert.triangulations.select_related("requested_by"),
        "links": [(other, link) for other, link in links if other.pk in visible],
        "times": response_time_rows(alert),
        "actions": actions,
    }
    return render(request, "alerts/alert_detail.html", context)


@login_required
@require_POST
@mission_time
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    user = request.user
    alert = get_object_or_404(alert_list(user=user), pk=pk)
    transition = form_class.transition
    if not permissions.may_take(user, transition):
        raise PermissionDenied
    back = (
        redirect("alerts:queue")
        if request.POST.get("next") == "queue"
        else redirect("alerts:alert_detail", pk=alert.pk)
    )
    form = form_class(request.POST, alert=alert)
    if not form.is_valid():
        if form.cleaned_data.get("version") == alert.version and form_class.applies_to(alert):
            return _render_detail(request, alert, bound=form)
        # The page was out of date: the action was meant for another state of the alert.
        messages.error(request, ConcurrentUpdate.default_message)
        return back
    try:
        services.ACTION_SERVICES[action](alert_id=alert.pk, user=user, **form.service_kwargs())
    except (ConcurrentUpdate, InvalidTransition) as exc:
        messages.error(request, exc.message)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _render_detail(request, alert, bound=form)
        messages.error(request, exc.message)
    else:
        messages.success(request, transition.done_message(alert))
    return back


# --- the Force's triangulation queue ------------------------------------------------------


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    queues = queue_list(user=user)
    form = QueueFilterForm(request.GET or None, queues=queues)
    qs = alert_list(user=user).filter(status__in=OPEN_STATES)
    if form.is_valid() and form.cleaned_data.get("queue"):
        qs = qs.filter(queue=form.cleaned_data["queue"])
    # Most urgent and most severe first; among equals, the one waiting longest.
    qs = qs.order_by("urgency_rank", "severity_rank", "reported_at", "pk")
    return {
        "filter_form": form,
        "rows": list(qs[:QUEUE_LIMIT]),
        "total": qs.count(),
        "limit": QUEUE_LIMIT,
        "now": timezone.now(),
    }


@login_required
@mission_time
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.may_triage(request.user):
        raise PermissionDenied
    context = _queue_context(request)
    context["queue_count"] = len(context["filter_form"].fields["queue"].queryset)
    return render(request, "alerts/queue.html", context)


@mission_time
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The rows of the queue, polled by the queue page."""
    if not request.user.is_authenticated:
        if request.headers.get("HX-Request"):
            # Signed out while the page polled: reload it, which leads to the login page.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect_to_login(request.get_full_path())
    if not permissions.may_triage(request.user):
        raise PermissionDenied
    return render(request, "alerts/_queue_rows.html", _queue_context(request))
