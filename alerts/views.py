"""Pages of the early warning chain: the CLA's alert form, the lists, the alert page, the
Force's triangulation queue and the triage actions.

Every read starts from alerts.selectors (an alert outside the user's scope is a 404) and
every write goes through alerts.services; domain errors become field errors or messages.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import get_template
from django.templatetags.static import PrefixNode, static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import kept_copy, permissions, services
from alerts.case_forms import DuplicateConfirmForm, case_context
from alerts.follow_up_forms import CommunityInformedForm, FollowUpForm, FollowUpNoteForm
from alerts.forms import (
    ACTION_FORMS,
    FORM_VERSION,
    ActionForm,
    AlertFilterForm,
    AlertForm,
    QueueFilterForm,
    form_owner_key,
)
from alerts.geo import filter_near_base
from alerts.list_links import list_links_render
from alerts.models import Alert, AlertEvent, IdentityView
from alerts.selectors import (
    alert_list,
    duty_now,
    identity_view_list,
    my_alert_list,
    queue_list,
    queue_order,
)
from alerts.timing import response_time_rows
from alerts.transitions import OPEN_STATES
from alerts.verification_forms import verification_panel
from clas.models import User
from core.exceptions import (
    ConcurrentUpdate,
    DomainError,
    IdempotencyConflict,
    InvalidTransition,
    PermissionRefused,
)
from core.keyset import CursorInvalid, KeysetPage, keyset_page
from core.pages import PAGE_SIZE
from core.views import (
    hold_post,
    keeps_refused_posts,
    refused_post_page,
    take_held_post,
    wants_json,
)

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
# The form works as a plain HTML form; its script (static/alerts/offline.js) posts the same
# fields asking for JSON and keeps the alert on the device until the server has it:
#   201 created · 200 already received (same client key, same content) · 400 invalid, with
#   the errors per field · 401 signed out, with the login address · 403 not allowed (or the
#   CSRF token refused, core.views.csrf_failure) · 409 the client key belongs to another
#   alert. Every answer carries `status` and a `message` to show.
# A plain post refused because the session expired (or its CSRF token did) is held in the
# session (core.views.hold_post) and comes back here after login as ?held=<token>.

FOLLOW_HEADER = "X-Alert-Follow"  # the script opens the alert page next: say it was saved there
NOT_SAVED_MESSAGE = gettext_lazy(
    "The alert is not saved yet. Correct what is marked and send it again."
)


@keeps_refused_posts
@mission_time
def alert_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return _signed_out(request)
    if not permissions.may_log_alerts(user):
        if wants_json(request):
            message = _("You cannot log alerts.")
            return JsonResponse({"status": "forbidden", "message": message}, status=403)
        raise PermissionDenied
    if request.method == "POST":
        return _alert_submit(request, AlertForm(request.POST, user=user))
    token = request.GET.get("held")
    if token:
        owner = form_owner_key(user)
        held = take_held_post(request, token, accept=lambda data: data.get("owner") == owner)
        if held is not None:
            form = AlertForm(held.data, user=user)
            if held.verified:
                # Posted by this user with a valid CSRF token while signed out: save it now,
                # so signing in again is all it takes (nothing to check and send a second time).
                return _alert_submit(request, form, resumed=True)
            messages.warning(
                request,
                _(
                    "The page had expired, so the alert was not sent. What you typed is below:"
                    " check it and send it."
                ),
            )
            return render(request, "alerts/alert_form.html", _form_context(form))
    page = render(request, "alerts/alert_form.html", _form_context(AlertForm(user=user)))
    return kept_copy.answer(request, page)


def _form_context(form: AlertForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "form_version": FORM_VERSION, **extra}


def _alert_submit(request: HttpRequest, form: AlertForm, *, resumed: bool = False) -> HttpResponse:
    user = request.user
    first_alert: Alert | None = None
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
            first_alert = (
                alert_list(user=user)
                .filter(client_key=form.cleaned_data["client_key"], logged_by=user)
                .first()
            )
            if wants_json(request):
                return _conflict_json(exc.message, first_alert)
            form = _form_with_new_key(form.data, user)
            form.add_error(None, exc.message)
        else:
            return _saved(request, alert, created, resumed=resumed)
    if wants_json(request):
        return JsonResponse(
            {
                "status": "invalid",
                "message": str(NOT_SAVED_MESSAGE),
                "errors": {name: [str(m) for m in errors] for name, errors in form.errors.items()},
                "summary": form.error_summary(),
            },
            status=400,
        )
    if resumed:
        messages.warning(
            request,
            _("What you typed was kept while you logged in again. It is not saved yet: see below."),
        )
    return render(request, "alerts/alert_form.html", _form_context(form, first_alert=first_alert))


def _conflict_json(message: str, first_alert: Alert | None) -> JsonResponse:
    body: dict[str, Any] = {"status": "conflict", "message": message}
    if first_alert is not None:
        body["first"] = {
            "reference": first_alert.reference,
            "url": reverse("alerts:alert_detail", args=[first_alert.pk]),
        }
    return JsonResponse(body, status=409)


def _signed_out(request: HttpRequest) -> HttpResponse:
    """Signed out (the session expired): nothing that was typed is lost."""
    form_url = reverse("alerts:alert_create")
    if wants_json(request):
        # The script keeps the alert on the device and sends it once the CLA is signed in.
        return JsonResponse(
            {
                "status": "signed-out",
                "message": _(
                    "You are logged out. Log in again: the alert is kept on this device until then."
                ),
                "login_url": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': form_url})}",
            },
            status=401,
        )
    if request.method == "POST":
        # Held only with the mark of whose form it is (checked after login); what cannot be
        # held (no mark: a page of an older release; too big) is shown to be copied.
        token = hold_post(request, verified=True) if request.POST.get("owner") else None
        if token is None:
            return refused_post_page(request)
        messages.warning(
            request,
            _(
                "Your session had expired. What you typed is kept: log in again and the"
                " alert will be sent."
            ),
        )
        return redirect_to_login(f"{form_url}?{urlencode({'held': token})}")
    return redirect_to_login(request.get_full_path())


def _form_with_new_key(data: QueryDict, user: User) -> AlertForm:
    """The posted content under a new client key: sent again, it is a new alert."""
    data = data.copy()
    data["client_key"] = uuid.uuid4().hex
    form = AlertForm(data, user=user)
    form.is_valid()
    return form


def _saved(request: HttpRequest, alert: Alert, created: bool, *, resumed: bool) -> HttpResponse:
    values = {"reference": alert.reference}
    if created and resumed:
        message = _(
            "You are logged in again and alert %(reference)s is saved, as you typed it. "
            "It goes to the Force's triangulation queue now."
        )
    elif created:
        message = _("Alert %(reference)s saved. It goes to the Force's triangulation queue now.")
    else:
        message = _("%(reference)s was already received: it was not logged twice.")
    message %= values
    if not created:
        _forget_messages_about(request, alert.reference)
    url = reverse("alerts:alert_detail", args=[alert.pk])
    if wants_json(request):
        if request.headers.get(FOLLOW_HEADER):
            messages.add_message(request, messages.SUCCESS if created else messages.INFO, message)
        body = {
            "status": "created" if created else "received",
            "reference": alert.reference,
            "url": url,
            "message": message,
        }
        return JsonResponse(body, status=201 if created else 200)
    messages.add_message(request, messages.SUCCESS if created else messages.INFO, message)
    return redirect(url)


def _forget_messages_about(request: HttpRequest, reference: str) -> None:
    """The "saved" message of a first send whose answer was lost may still wait to be shown:
    "already received" says it all, so the CLA reads one message, not two."""
    storage = messages.get_messages(request)
    others = [m for m in storage if reference not in str(m.message)]
    for message in others:  # iterating marked every message as shown: put the others back
        messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)


# --- the installable form: service worker, manifest, offline page --------------------------

# Static files the form needs with no link; the worker also keeps whatever the form page
# itself loads (it reads them from the page), so a change of the layout is followed.
PWA_STATIC_FILES = (
    "css/app.css",
    "js/app.js",
    "alerts/alerts.css",
    "alerts/offline.css",
    "alerts/offline.js",
)


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so that it may serve the form's address. Its text
    changes with every release of the files it keeps, which makes browsers install it anew."""
    files = [static(name) for name in PWA_STATIC_FILES]
    digest = hashlib.sha256("\n".join(files).encode())
    for name in PWA_STATIC_FILES:
        path = finders.find(name)
        if path:
            digest.update(Path(path).read_bytes())
    context = {
        "cache_name": json.dumps(f"ew-form-{digest.hexdigest()[:16]}"),
        "form_url": json.dumps(reverse("alerts:alert_create")),
        "offline_url": json.dumps(reverse("alerts:offline")),
        "static_prefix": json.dumps(PrefixNode.handle_simple("STATIC_URL")),
        "files": json.dumps(files),
    }
    response = render(
        request, "alerts/pwa/sw.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the alert form installed on the phone's home screen."""
    data = {
        "name": f"{settings.MISSION_NAME} · {_('Early warning')}",
        "short_name": _("Alerts"),
        "description": _(
            "Log an alert, even with no connection: it is sent when the link is back."
        ),
        "lang": get_language(),
        "start_url": reverse("alerts:alert_create"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#003f7f",
        "icons": [
            {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pwa/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a page that cannot be reached with no link. Kept on the
    device, so it names nobody."""
    return render(request, "alerts/pwa/offline.html")


# --- lists --------------------------------------------------------------------------------


@login_required
@mission_time
def my_alerts(request: HttpRequest) -> HttpResponse:
    qs = _with_last_update(my_alert_list(user=request.user))
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
    filters = request.GET.copy()
    filters.pop("cursor", None)
    filters.pop("page", None)
    cursor_error = None
    try:
        page = keyset_page(
            qs.order_by("-reported_at", "-pk"),
            cursor=request.GET.get("cursor") or None,
            size=PAGE_SIZE,
        )
    except CursorInvalid as exc:
        cursor_error = exc.messages[0]
        page = KeysetPage([], None, None)
    return render(
        request,
        "alerts/alert_list.html",
        {
            "filter_form": form,
            "page": page,
            "rows": page.rows,
            "cursor_error": cursor_error,
            "filters_query": filters.urlencode(),
            "list_links": list_links_render(request=request, query=filters.urlencode()),
        },
        status=400 if cursor_error else 200,
    )


# --- the alert page and its actions -------------------------------------------------------


@login_required
@mission_time
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(alert_list(user=request.user), pk=pk)
    return _render_detail(request, alert)


def _render_detail(
    request: HttpRequest,
    alert: Alert,
    *,
    bound: ActionForm | None = None,
    follow_up: FollowUpForm | None = None,
    case_form: DuplicateConfirmForm | None = None,
    verification: dict[str, Any] | None = None,
    status: int = 200,
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
    show_source = permissions.may_see_source_identity(user, alert)
    if show_source:
        services.identity_view_record(user=user, alert=alert, where=IdentityView.Where.PAGE)
    context = {
        "alert": alert,
        "show_source": show_source,
        "show_relay": permissions.may_see_relay_identity(user, alert),
        "events": alert.events.select_related("actor"),
        "triangulations": alert.triangulations.select_related("requested_by"),
        "links": [(other, link) for other, link in links if other.pk in visible],
        "times": response_time_rows(alert),
        "actions": actions,
        "follow_up": _follow_up_forms(user, alert, follow_up),
        **case_context(user, alert, bound=case_form),
        "verification": verification or verification_panel(user, alert),
    }
    return render(request, "alerts/alert_detail.html", context, status=status)


# --- the record of who was shown whose identity (mission admins) --------------------------


@login_required
@mission_time
def identity_views(request: HttpRequest) -> HttpResponse:
    if not permissions.may_see_identity_views(request.user):
        raise PermissionDenied
    shown_to = request.GET.get("user", "")[:150]
    alert = request.GET.get("alert", "")[:30]
    qs = identity_view_list(user=request.user, shown_to=shown_to, alert=alert)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/identity_views.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "shown_to": shown_to,
            "alert": alert,
        },
    )


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


# --- the CLA's follow-up: notes and "community informed" ------------------------------------

# The two forms of the follow-up, by the name of their page address: (form, prefix, message).
FOLLOW_UP_FORMS: dict[str, tuple[type[FollowUpForm], str, Any]] = {
    "community-informed": (
        CommunityInformedForm,
        "informed",
        gettext_lazy("Recorded: the community of %(reference)s was informed."),
    ),
    "note": (FollowUpNoteForm, "follow", gettext_lazy("Note added to %(reference)s.")),
}


def _follow_up_forms(
    user: User, alert: Alert, bound: FollowUpForm | None
) -> list[tuple[str, FollowUpForm]]:
    """The follow-up forms the user may send on this alert, the one just sent kept bound."""
    if not permissions.may_follow_up(user, alert):
        return []
    forms = []
    for name, (form_class, prefix, _done) in FOLLOW_UP_FORMS.items():
        keep = bound is not None and isinstance(bound, form_class)
        forms.append((name, bound if keep else form_class(prefix=prefix)))
    return forms


@login_required
@require_POST
@mission_time
def alert_follow_up(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    if what not in FOLLOW_UP_FORMS:
        raise Http404
    form_class, prefix, done = FOLLOW_UP_FORMS[what]
    user = request.user
    alert = get_object_or_404(alert_list(user=user), pk=pk)
    if not permissions.may_follow_up(user, alert):
        raise PermissionDenied
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            if what == "note":
                services.alert_add_follow_up_note(alert_id=alert.pk, user=user, **form.cleaned_data)
            else:
                services.alert_record_community_informed(
                    alert_id=alert.pk, user=user, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, str(done) % {"reference": alert.reference})
            return redirect(f"{reverse('alerts:alert_detail', args=[alert.pk])}#timeline")
    return _render_detail(request, alert, follow_up=form, status=400)


# --- the Force's triangulation queue ------------------------------------------------------


def _queue_rows_query(request: HttpRequest) -> tuple[QueueFilterForm, QuerySet[Alert]]:
    user = request.user
    queues = queue_list(user=user)
    form = QueueFilterForm(request.GET or None, queues=queues)
    # An alert merged into another's case is worked through its lead: the lead's row says
    # how many reports were merged into it.
    merged = Alert.objects.filter(case_lead=OuterRef("pk")).order_by().values("case_lead")
    qs = (
        alert_list(user=user)
        .filter(status__in=OPEN_STATES, case_lead__isnull=True)
        .annotate(merged_count=Subquery(merged.annotate(n=Count("pk")).values("n")[:1]))
    )
    if form.is_valid() and form.cleaned_data.get("queue"):
        qs = qs.filter(queue=form.cleaned_data["queue"])
    if form.is_valid() and form.cleaned_data.get("near_base"):
        qs = filter_near_base(qs, near=True)
    # Most urgent first, near a base first among the same urgency, then most severe; among
    # equals, the one waiting longest.
    return form, qs.order_by(*queue_order())


@cache
def _rows_template_fingerprint() -> str:
    """Changes with the rows' markup, so a new release never answers 304 to an old page."""
    source = get_template("alerts/_queue_rows.html").template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def _rows_etag(request: HttpRequest, state: list[tuple[int, ...]], total: int) -> str:
    """What the rows show, as a validator: which alerts, in which order, at which version
    (every transition and assignment bumps it) and escalation step, and the reader and
    language.
    Waiting times are counted in the browser from timestamps, so time alone changes
    nothing. (A renamed category or place shows at the next change or page load.)"""
    parts = [
        _rows_template_fingerprint(),
        str(request.user.pk),
        get_language() or "",
        str(total),
        *(".".join(map(str, row)) for row in state),
    ]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:32]


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    form, qs = _queue_rows_query(request)
    rows = list(qs[:QUEUE_LIMIT])
    total = qs.count()
    return {
        "filter_form": form,
        "rows": rows,
        "total": total,
        "limit": QUEUE_LIMIT,
        "now": timezone.now(),
        "etag": _rows_etag(request, [(a.pk, a.version, a.escalation_step) for a in rows], total),
    }


@login_required
@mission_time
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.may_triage(request.user):
        raise PermissionDenied
    context = _queue_context(request)
    context["queue_count"] = len(context["filter_form"].fields["queue"].queryset)
    # Who is on duty on each queue now (alerts.services.rota), with a link to its rota.
    duty_queues = list(context["filter_form"].fields["queue"].queryset)
    on_duty = duty_now(duty_queues, at=context["now"])
    context["duty_lines"] = [(q, on_duty.get(q.pk)) for q in duty_queues]
    context["may_log"] = permissions.may_log_alerts(request.user)
    # The words of core.formatting.duration_text, for the page's script to count waiting times.
    context["duration_formats"] = {
        "s": _("%(n)d s"),
        "min": _("%(n)d min"),
        "h": _("%(h)d h %(m)02d min"),
        "d": _("%(d)d d %(h)d h"),
    }
    return render(request, "alerts/queue.html", context)


@mission_time
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The rows of the queue, polled by the queue page every few seconds: 304 Not Modified
    (a few hundred bytes of headers) while nothing has changed, the rows when something has."""
    if not request.user.is_authenticated:
        if request.headers.get("HX-Request"):
            # Signed out while the page polled: reload it, which leads to the login page.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect_to_login(request.get_full_path())
    if not permissions.may_triage(request.user):
        raise PermissionDenied
    if request.headers.get("If-None-Match"):
        _form, qs = _queue_rows_query(request)
        state = list(qs.values_list("pk", "version", "escalation_step")[:QUEUE_LIMIT])
        etag = _rows_etag(request, state, qs.count())
        not_modified = get_conditional_response(request, etag=quote_etag(etag))
        if not_modified is not None:
            not_modified["ETag"] = quote_etag(etag)
            patch_cache_control(not_modified, private=True, no_cache=True)
            return not_modified
    context = _queue_context(request)
    response = render(request, "alerts/_queue_rows.html", context)
    response["ETag"] = quote_etag(context["etag"])
    patch_cache_control(response, private=True, no_cache=True)
    return response
