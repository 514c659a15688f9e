"""The demo logins' devices and `manage.py demo_code`, which prints their codes and no other."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from clas.models import Role
from clas.two_factor import DEMO_SECRET, code_check, demo_device_set
from tests import factories as f
from tests.clas.two_factor_support import device_for, enter, sign_in


def _demo_code(username: str) -> str:
    out = StringIO()
    call_command("demo_code", username, stdout=out)
    return out.getvalue().strip()


def test_the_demo_secret_is_a_twenty_byte_key() -> None:
    assert len(base64.b32decode(DEMO_SECRET)) == 20


def test_the_printed_code_signs_the_demo_user_in(client: Client, db, settings) -> None:
    settings.OTP_REQUIRED_ROLES = ("hq", "admin")
    user = f.UserFactory(username="demo-hq", role=Role.HQ)
    demo_device_set(user=user)
    sign_in(client, "demo-hq")

    value = _demo_code("demo-hq")

    assert len(value) == 6 and value.isdigit()
    assert enter(client, value).status_code == 302
    assert client.session.get("otp_device_id")


def test_after_a_sign_in_it_prints_a_code_not_used_yet(db) -> None:
    user = f.UserFactory(username="demo-hq", role=Role.HQ)
    demo_device_set(user=user)
    code_check(user=user, code=_demo_code("demo-hq"))

    assert code_check(user=user, code=_demo_code("demo-hq"))


def test_it_refuses_a_device_that_is_not_the_demos(db) -> None:
    user = f.UserFactory(username="amina", role=Role.HQ)
    device_for(user)

    with pytest.raises(CommandError, match="demo secret"):
        _demo_code("amina")


def test_it_refuses_an_unknown_user_and_one_without_a_device(db) -> None:
    f.UserFactory(username="bob")

    with pytest.raises(CommandError, match="No user"):
        _demo_code("nobody")
    with pytest.raises(CommandError, match="no two-step"):
        _demo_code("bob")


def test_setting_the_demo_device_again_replaces_the_former(db) -> None:
    user = f.UserFactory(username="demo-admin", role=Role.ADMIN)
    demo_device_set(user=user)
    demo_device_set(user=user)

    [device] = TOTPDevice.objects.filter(user=user)
    assert device.confirmed
