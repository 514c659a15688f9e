"""Pages and endpoints of the SMS channel.

Kannel's two endpoints (an incoming message, a delivery report) answer at once: the first
stores the message and leaves the reading to a worker. They take no session: Kannel proves
itself with the shared secret (basic auth), a delivery report with its message's token;
anything else is a 403 and nothing is stored.

The people's pages: the coordinators' review inbox, the admins' dead letters, the syntax card.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError, PermissionRefused
from core.pages import PAGE_SIZE
from sms import gateway, permissions, services
from sms.card import card_content, card_language, card_pdf
from sms.forms import ConvertForm, DiscardForm, PreferencesForm
from sms.models import IncomingMessage
from sms.selectors import dead_letter_list, has_alert_news, inbox_list, own_alerts_by_sms

MAX_ID_LENGTH = 64
MAX_TEXT_BYTES = 20_000  # far beyond any SMS; more is cut (and refused as too long)


def _plain(status: int, body: str = "") -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


# --- Kannel's endpoints -------------------------------------------------------------------


def _raw_params(request: HttpRequest) -> dict[str, bytes]:
    """The query parameters as bytes: %b hands over the message's bytes as they came (UCS-2,
    8-bit data), which decoding the query string as UTF-8 would mangle."""
    parsed = parse_qs(request.META.get("QUERY_STRING", ""), encoding="latin-1")
    return {name: values[0].encode("latin-1") for name, values in parsed.items()}


def _int(value: bytes, default: int = 0) -> int:
    try:
        return int(value.decode("ascii").strip() or default)
    except (UnicodeDecodeError, ValueError):
        return default


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_incoming(request: HttpRequest) -> HttpResponse:
    """An SMS from Kannel's sms-service (get-url, or post-url with the text as the body)."""
    if not gateway.secret_matches(request.headers.get("Authorization", "")):
        return _plain(403, "Forbidden\n")
    params = _raw_params(request)
    gateway_id = params.get("id", b"").decode("ascii", "replace").strip()
    sender = params.get("from", b"").decode("utf-8", "replace").strip()
    if not gateway_id or len(gateway_id) > MAX_ID_LENGTH or not gateway_id.isprintable():
        return _plain(400, "id and from are required\n")
    if not sender:
        return _plain(400, "id and from are required\n")
    raw = params.get("text")
    if raw is None and request.method == "POST":
        raw = request.body
    raw = (raw or b"")[:MAX_TEXT_BYTES]
    coding = _int(params.get("coding", request.headers.get("X-Kannel-Coding", "0").encode()))
    charset = params.get("charset", b"").decode("ascii", "replace").strip()
    text, _binary = gateway.decode_text(raw, coding=coding, charset=charset)
    sent = _int(params.get("time", b""))
    services.incoming_receive(
        gateway_id=gateway_id,
        sender=sender,
        text=text,
        receiver=params.get("to", b"").decode("utf-8", "replace"),
        coding=coding,
        smsc=params.get("smsc", b"").decode("utf-8", "replace"),
        sent_at=dt.datetime.fromtimestamp(sent, tz=dt.UTC) if sent > 0 else None,
    )
    # Empty: Kannel sends no SMS back from this answer (max-messages = 0); the reply goes out
    # through sendsms once a worker has read the message.
    return _plain(200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery report of an outgoing message (the dlr-url given with it to sendsms)."""
    if not gateway.report_token_matches(pk, request.GET.get("token", "")):
        return _plain(403, "Forbidden\n")
    try:
        status = int(request.GET.get("status", ""))
    except ValueError:
        return _plain(400, "status is required\n")
    services.delivery_report_record(
        message_id=pk, status=status, answer=request.GET.get("answer", "")
    )
    return _plain(200)


# --- the review inbox ---------------------------------------------------------------------

INBOX_FILTERS = {
    "review": (IncomingMessage.State.REVIEW,),
    "done": (
        IncomingMessage.State.CONVERTED,
        IncomingMessage.State.DISCARDED,
        IncomingMessage.State.ALERTED,
        IncomingMessage.State.ACKNOWLEDGED,
    ),
}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not permissions.may_review(request.user):
        raise PermissionDenied
    shown = request.GET.get("show", "review")
    qs = inbox_list(user=request.user)
    if shown in INBOX_FILTERS:
        qs = qs.filter(state__in=INBOX_FILTERS[shown])
    page = Paginator(qs.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sms/inbox.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "shown": shown,
            "waiting": inbox_list(user=request.user)
            .filter(state=IncomingMessage.State.REVIEW)
            .count(),
        },
    )


def _reviewable(request: HttpRequest, pk: int) -> IncomingMessage:
    if not permissions.may_review(request.user):
        raise PermissionDenied
    return get_object_or_404(inbox_list(user=request.user), pk=pk)


def _render_message(
    request: HttpRequest,
    message: IncomingMessage,
    *,
    convert_form: ConvertForm | None = None,
    discard_form: DiscardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"message": message}
    if message.state == IncomingMessage.State.REVIEW:
        context["convert_form"] = convert_form or ConvertForm(user=request.user, message=message)
        context["discard_form"] = discard_form or DiscardForm()
    context["replies"] = message.replies.order_by("created_at")
    return render(request, "sms/message_detail.html", context, status=status)


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_message(request, _reviewable(request, pk))


@login_required
@require_POST
def message_convert(request: HttpRequest, pk: int) -> HttpResponse:
    message = _reviewable(request, pk)
    form = ConvertForm(request.POST, user=request.user, message=message)
    if form.is_valid():
        try:
            alert = services.incoming_convert(
                message_id=message.pk, user=request.user, data=form.to_input()
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("sms:message_detail", pk=message.pk)
        else:
            messages.success(
                request,
                _("Alert %(reference)s logged from the SMS.") % {"reference": alert.reference},
            )
            return redirect("alerts:alert_detail", pk=alert.pk)
    return _render_message(request, message, convert_form=form, status=400)


@login_required
@require_POST
def message_discard(request: HttpRequest, pk: int) -> HttpResponse:
    message = _reviewable(request, pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            services.incoming_discard(
                message_id=message.pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            if exc.field == "reason":
                form.add_error("reason", exc.message)
                return _render_message(request, message, discard_form=form, status=400)
            messages.error(request, exc.message)
            return redirect("sms:message_detail", pk=message.pk)
        messages.success(request, _("Message discarded."))
        return redirect("sms:inbox")
    return _render_message(request, message, discard_form=form, status=400)


# --- the admins' dead letters -------------------------------------------------------------


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    if not permissions.may_see_dead_letters(request.user):
        raise PermissionDenied
    page = Paginator(dead_letter_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sms/dead_letters.html",
        {"page_obj": page, "rows": page.object_list, "gateway": gateway.is_configured()},
    )


@login_required
@require_POST
def dead_letter_retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.may_see_dead_letters(request.user):
        raise PermissionDenied
    try:
        message = services.outgoing_retry(message_id=pk, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The SMS to %(to)s is queued again.") % {"to": message.to})
    return redirect("sms:dead_letters")


# --- the syntax card ----------------------------------------------------------------------


@login_required
def card(request: HttpRequest) -> HttpResponse:
    language = card_language(request.GET.get("lang"))
    return render(
        request,
        "sms/card.html",
        {"card": card_content(user=request.user, language=language), "other": _other(language)},
    )


@login_required
def card_download(request: HttpRequest) -> HttpResponse:
    language = card_language(request.GET.get("lang"))
    response = HttpResponse(card_pdf(user=request.user, language=language), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="sms-card-{language}.pdf"'
    return response


def _other(language: str) -> str:
    return "en" if language == "fr" else "fr"


# --- opting in to SMS ---------------------------------------------------------------------


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The user's own choices: SMS for urgent alerts and escalations, and (for those who follow
    alerts, the CLAs) SMS about what happens to their alerts; to the registered phone."""
    user = request.user
    status = 200
    follows = has_alert_news(user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, follows_alerts=follows)
        if form.is_valid():
            try:
                services.user_sms_alerts_set(user=user, enabled=form.cleaned_data["sms_alerts"])
                if follows:
                    services.user_sms_own_alerts_set(
                        user=user, enabled=form.cleaned_data["sms_own_alerts"]
                    )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 400
            else:
                messages.success(request, _("Your SMS choice is saved."))
                return redirect("sms:preferences")
    else:
        form = PreferencesForm(
            initial={"sms_alerts": user.sms_alerts, "sms_own_alerts": own_alerts_by_sms(user)},
            follows_alerts=follows,
        )
    return render(request, "sms/preferences.html", {"form": form}, status=status)
