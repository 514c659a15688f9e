"""Helpers of the two-step sign-in tests: the roles that require it, devices and their codes."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clas.models import User

PASSWORD = "pass-word-123"
ADDRESS = "10.0.0.7"


def require_for_hq_and_admins(settings: Any) -> None:
    """Production's rule: HQ and admins must use it (the test settings turn it off)."""
    settings.OTP_REQUIRED_ROLES = ("hq", "admin")


def no_wait_after_wrong_codes(settings: Any) -> None:
    """For the tests that send several codes in a row."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def device_for(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def code(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The code the app shows now (`ahead`: steps later, for a second code in one test, as a
    code is accepted once only)."""
    device.refresh_from_db()
    return str(totp(device.bin_key, device.step, device.t0, device.digits, ahead)).zfill(6)


def wrong(device: TOTPDevice) -> str:
    right = {code(device, ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def sign_in(client: Client, username: str, *, address: str = ADDRESS) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=address
    )


def enter(client: Client, value: str, *, next_url: str = "", address: str = ADDRESS) -> Any:
    data = {"otp": value}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("clas:two_step_verify"), data, REMOTE_ADDR=address)
