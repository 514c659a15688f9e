"""Two-step sign-in: after the password, a code from an authenticator app (TOTP, django-otp).

Who owes a second step: the roles of `OTP_REQUIRED_ROLES` (and staff, who reach the admin
site, when "admin" is among them) always, and anyone else who turned it on. A session owes it
until a code is given (`django_otp.login` marks the session; `clas.middleware` keeps an owing
session away from everything else).

Each account has at most one authenticator device and one set of recovery codes (django-otp's
static device: each code works once). A wrong code counts as a failed sign-in for django-axes,
like a wrong password, so guessing is locked out as passwords are; each device also makes the
next attempt wait longer after every wrong code (django-otp's throttling), however often the
password step is passed again.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from dataclasses import dataclass

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import SESSION_KEY, user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_otp.models import Device
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clas.models import Role, User
from core.exceptions import DomainError, PermissionRefused
from core.lockout import lockout_message

# The demo logins' secret (README "Demo logins"): public, so a newcomer can add it to an
# authenticator app. `manage.py demo_code` prints codes for this secret only.
DEMO_SECRET = "EARLYWARNINGDEMOEARLYWARNINGDEMO"
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
STATIC_DEVICE_NAME = "Recovery codes"
# In the session: whether the user had a device when they signed in (read on every request,
# so the check costs no query).
SESSION_HAS_DEVICE = "two_factor_device"

_SIX_DIGITS = re.compile(r"^\d{6}$")


class CodeRefused(DomainError):
    """A wrong code, or one tried too soon after wrong ones."""

    def __init__(self, message: str, *, counted: bool) -> None:
        super().__init__(message, field="otp")
        # Counted as a failed sign-in (a code was checked and was wrong).
        self.counted = counted


def demo_key() -> str:
    """The demo secret as django-otp stores keys: hexadecimal."""
    return base64.b32decode(DEMO_SECRET).hex()


# --- who owes a second step ---------------------------------------------------------------


def two_factor_required(user: User) -> bool:
    roles = settings.OTP_REQUIRED_ROLES
    if not user.is_authenticated:
        return False
    if user.role in roles:
        return True
    return Role.ADMIN in roles and (user.is_staff or user.is_superuser)


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def session_has_device(request: HttpRequest, user: User) -> bool:
    """Whether the signed-in session's user had a device when they signed in; asked once per
    session when the sign-in did not record it (sessions older than two-step sign-in)."""
    value = request.session.get(SESSION_HAS_DEVICE)
    if value is None:
        value = two_factor_enabled(user)
        request.session[SESSION_HAS_DEVICE] = value
    return bool(value)


def session_device_note(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """user_logged_in: record in a new session whether it owes a code. Not for the API's
    token sign-in, which checks the code itself and starts no session."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == str(user.pk):
        session[SESSION_HAS_DEVICE] = two_factor_enabled(user)


# --- codes --------------------------------------------------------------------------------


def code_normalise(code: str) -> str:
    """What people type: spaces and dashes in a code, capitals in a recovery code."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _throttled_message(device: Device, until: object) -> str:
    wait = 1
    if until is not None:
        wait = max(1, int((until - timezone.now()).total_seconds() + 0.999))  # type: ignore[operator]
    return ngettext(
        "Too many wrong codes. Wait %(seconds)s second, then try again.",
        "Too many wrong codes. Wait %(seconds)s seconds, then try again.",
        wait,
    ) % {"seconds": wait}


def _devices_for(user: User, code: str, *, confirmed: bool = True) -> list[Device]:
    """A six-digit code is the app's; anything else can only be a recovery code."""
    if _SIX_DIGITS.match(code):
        return list(TOTPDevice.objects.filter(user=user, confirmed=confirmed).select_for_update())
    return list(StaticDevice.objects.filter(user=user, confirmed=confirmed).select_for_update())


def code_check(*, user: User, code: str, unconfirmed: bool = False) -> Device:
    """The device that accepts `code`, or CodeRefused. `unconfirmed`: the device being set up.

    The failure counts of the devices are written before the refusal is raised: they must
    outlive the request that made them.
    """
    code = code_normalise(code)
    refusal: CodeRefused | None = None
    with transaction.atomic():
        devices = _devices_for(user, code, confirmed=not unconfirmed)
        for device in devices:
            allowed, why = device.verify_is_allowed()
            if not allowed:
                refusal = CodeRefused(
                    _throttled_message(device, (why or {}).get("locked_until")), counted=False
                )
                break
            if device.verify_token(code):
                return device
    if refusal is None:
        refusal = CodeRefused(
            gettext(
                "This code is not right. Enter the code your app shows now, or an unused recovery code."
            ),
            counted=True,
        )
    raise refusal


def code_check_counted(*, request: HttpRequest, user: User, code: str) -> Device:
    """code_check for a sign-in: refused at once while the username is locked out from this
    address; a wrong code is a failed sign-in for django-axes, which may lock it out
    (request.axes_locked_out), and a right one clears the failures, as a password does."""
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        raise CodeRefused(lockout_message(), counted=False)
    try:
        device = code_check(user=user, code=code)
    except CodeRefused as exc:
        if exc.counted:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise
    if settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.reset_attempts(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            username=user.get_username(),
        )
    return device


# --- setting up, turning off --------------------------------------------------------------


def enrolment_device(*, user: User) -> TOTPDevice:
    """The device being set up: kept between the page and the code, so the QR code does not
    change when the page is shown again; the same one until it is confirmed."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = totp_device(user, confirmed=False)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def two_factor_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """The first code from the app confirms the device being set up; new recovery codes come
    with it. Refused (PermissionRefused) when the user has a confirmed device already: a second
    one would let whoever has the password alone replace it."""
    if two_factor_enabled(user):
        raise PermissionRefused(gettext("Two-step sign-in is already set up for this account."))
    device = code_check(user=user, code=code, unconfirmed=True)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if two_factor_enabled(user):
            raise PermissionRefused(gettext("Two-step sign-in is already set up for this account."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = recovery_codes_replace(user=user)
    return device, codes  # type: ignore[return-value]


def recovery_codes_replace(*, user: User) -> list[str]:
    """New one-time codes; the former ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn it off with a current code; not for a role that must use it."""
    if two_factor_required(user):
        raise PermissionRefused(gettext("Your role must use two-step sign-in."))
    code_check(user=user, code=code)
    devices_delete(user=user)


def devices_delete(*, user: User) -> int:
    """Every device of the user (an admin's reset, or turning it off): the next sign-in asks
    to set up again when the role requires it. Returns how many were removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


# --- what the setup page shows ------------------------------------------------------------


def secret_text(device: TOTPDevice) -> str:
    """The secret for typing into an app, in groups of four letters."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> str:
    """The setup address as an inline SVG QR code (made here: nothing leaves the server)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, dark="#000", light="#fff", title=title, svgclass="qr")


# --- the demo -----------------------------------------------------------------------------


def demo_device_set(*, user: User) -> TOTPDevice:
    """A confirmed device with the public demo secret, replacing the user's devices."""
    with transaction.atomic():
        devices_delete(user=user)
        return TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=True, key=demo_key()
        )


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconds_left: int


def demo_code(device: TOTPDevice, *, now: float | None = None) -> DemoCode:
    """The code the demo device accepts now. The code of the current time step is refused once
    used (replay), so after a sign-in in the same step it is the next step's, which the
    device's tolerance accepts already."""
    try:
        key = device.bin_key
    except (binascii.Error, ValueError) as exc:
        raise DomainError(gettext("This device's secret cannot be read.")) from exc
    totp = TOTP(key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if now is None else now
    counter = totp.t()
    if device.last_t >= counter:
        counter = device.last_t + 1
        if counter > totp.t() + device.tolerance:
            raise DomainError(gettext("The codes for the coming seconds are used: wait a minute."))
    step_end = device.t0 + (counter - device.drift + 1) * device.step
    value = hotp(key, counter, device.digits)
    return DemoCode(
        code=str(value).zfill(device.digits), seconds_left=max(0, int(step_end - totp.time))
    )
