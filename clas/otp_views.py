"""Pages of two-step sign-in: the code after the password, setting it up, turning it off, and
new recovery codes. The rules live in clas.two_factor; the API's twin is the `otp` field of
the token endpoint (clas.token_api)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from clas import two_factor
from clas.two_factor import CodeRefused
from core.exceptions import PermissionRefused
from core.lockout import locked_out


class CodeForm(forms.Form):
    otp = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class FirstCodeForm(forms.Form):
    otp = forms.CharField(
        label=_("Code from the app"),
        max_length=32,
        help_text=_("The 6 digits the app shows for this account, without spaces."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


@never_cache
@login_required
def two_step_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    target = _next_url(request)
    if user.is_verified():
        return redirect(target)
    if not two_factor.two_factor_enabled(user):
        if two_factor.two_factor_required(user):
            return redirect(_with_next("clas:two_step_setup", target))
        request.session[two_factor.SESSION_HAS_DEVICE] = False
        return redirect(target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.code_check_counted(
                request=request, user=user, code=form.cleaned_data["otp"]
            )
        except CodeRefused as exc:
            if getattr(request, "axes_locked_out", False):
                credentials = {"username": user.get_username()}
                logout(request)
                return locked_out(request, credentials=credentials)
            form.add_error("otp", exc.message)
        else:
            otp_login(request, device)
            return redirect(target)
    return render(request, "clas/two_step_verify.html", {"form": form, "next": target})


@never_cache
@login_required
def two_step_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code and secret, then its first code."""
    user = request.user
    target = _next_url(request)
    if two_factor.two_factor_enabled(user):
        return redirect("clas:two_step" if user.is_verified() else "clas:two_step_verify")
    device = two_factor.enrolment_device(user=user)
    form = FirstCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.two_factor_confirm(user=user, code=form.cleaned_data["otp"])
        except CodeRefused as exc:
            form.add_error("otp", exc.message)
        except PermissionRefused as exc:
            messages.error(request, exc.message)
            return redirect("clas:two_step")
        else:
            otp_login(request, device)
            request.session[two_factor.SESSION_HAS_DEVICE] = True
            return _recovery_codes_page(request, codes, target=target, first=True)
    context = {
        "form": form,
        "next": target,
        "required": two_factor.two_factor_required(user),
        "qr_svg": two_factor.qr_svg(device, title=gettext("QR code to scan with the app")),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "clas/two_step_setup.html", context)


def _recovery_codes_page(
    request: HttpRequest, codes: list[str], *, target: str, first: bool
) -> HttpResponse:
    """Shown once, in the answer to the request that made them: they are not kept to be
    shown again."""
    context = {"codes": codes, "next": target, "first": first}
    return render(request, "clas/two_step_recovery_codes.html", context)


@never_cache
@login_required
def two_step(request: HttpRequest, form: CodeForm | None = None) -> HttpResponse:
    """The account's two-step sign-in: on or off, recovery codes left, turning it off."""
    user = request.user
    context = {
        "enabled": two_factor.two_factor_enabled(user),
        "required": two_factor.two_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "form": form or CodeForm(),
    }
    return render(request, "clas/two_step.html", context)


@never_cache
@login_required
@require_POST
def two_step_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(user=request.user, code=form.cleaned_data["otp"])
        except CodeRefused as exc:
            form.add_error("otp", exc.message)
        except PermissionRefused as exc:
            messages.error(request, exc.message)
            return redirect("clas:two_step")
        else:
            request.session[two_factor.SESSION_HAS_DEVICE] = False
            messages.success(request, gettext("Two-step sign-in is off."))
            return redirect("clas:two_step")
    return two_step(request, form=form)


@never_cache
@login_required
@require_POST
def two_step_recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes for a verified session (the middleware has asked for a code)."""
    if not two_factor.two_factor_enabled(request.user):
        return redirect("clas:two_step")
    if not request.user.is_verified():
        return redirect(_with_next("clas:two_step_verify", reverse("clas:two_step")))
    codes = two_factor.recovery_codes_replace(user=request.user)
    return _recovery_codes_page(request, codes, target=reverse("clas:two_step"), first=False)
