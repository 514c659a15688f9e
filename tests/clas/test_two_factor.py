"""Two-step sign-in on the pages: setting it up, the code after the password, wrong codes,
recovery codes, and a session that owes a code kept away from every other page."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clas.models import Role
from tests import factories as f
from tests.clas.two_factor_support import (
    ADDRESS,
    code,
    device_for,
    enter,
    no_wait_after_wrong_codes,
    require_for_hq_and_admins,
    sign_in,
    wrong,
)
from tests.core.html import parse

VERIFY = "/accounts/two-step/code/"
SETUP = "/accounts/two-step/set-up/"


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    require_for_hq_and_admins(settings)


def _user(username: str, **fields: Any) -> Any:
    """Pages in English: the factory's users prefer French, which signing in switches to."""
    return f.UserFactory(username=username, **{"language": "en", **fields})


def _codes(content: bytes) -> list[str]:
    page = parse(content)
    [listing] = page.find_all("ol", class_="recovery-codes")
    return [c.text for c in page.find_all("code", within=listing)]


def _set_up(client: Client, *, address: str = ADDRESS) -> tuple[TOTPDevice, Any]:
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(SETUP, {"otp": code(device)}, REMOTE_ADDR=address)
    return device, done


def test_the_urls_are_the_documented_ones() -> None:
    assert reverse("clas:two_step_verify") == VERIFY
    assert reverse("clas:two_step_setup") == SETUP


def test_an_hq_user_without_a_device_is_sent_to_set_one_up_after_the_password(
    client: Client, db
) -> None:
    _user("hq", role=Role.HQ)
    sectors = reverse("clas:sector_list")

    sign_in(client, "hq")
    asked = client.get(sectors)
    assert asked.status_code == 302 and asked["Location"].startswith(VERIFY)
    verify = client.get(asked["Location"])

    assert verify.status_code == 302 and verify["Location"].startswith(SETUP)
    assert "next=%2Fsectors%2F" in verify["Location"]


def test_the_setup_page_shows_a_qr_code_and_the_secret_to_type(client: Client, db) -> None:
    user = _user("hq", role=Role.HQ)
    sign_in(client, "hq")

    response = client.get(SETUP)

    page = parse(response.content)
    [device] = TOTPDevice.objects.filter(user=user, confirmed=False)
    [svg] = page.find_all("svg", class_="qr")
    assert page.find_all("path", within=svg)
    [secret] = page.find_all("code", class_="otp-secret")
    expected = base64.b32encode(device.bin_key).decode()
    assert secret.text.replace(" ", "") == expected
    assert page.find_all("input", name="otp", autocomplete="one-time-code")
    # Shown again, the page keeps the same secret.
    [again] = parse(client.get(SETUP).content).find_all("code", class_="otp-secret")
    assert again.text == secret.text
    # Nothing but the QR code's own drawing: no inline style nor script.
    assert "style=" not in response.content.decode() and "<script>" not in response.content.decode()


def test_a_right_first_code_turns_it_on_shows_recovery_codes_once_and_opens_the_pages(
    client: Client, db
) -> None:
    user = _user("hq", role=Role.HQ)
    sign_in(client, "hq")

    device, done = _set_up(client)

    assert done.status_code == 200
    codes = _codes(done.content)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("clas:sector_list")).status_code == 200
    # They are shown in that answer only.
    assert not parse(client.get(reverse("clas:two_step")).content).find_all(
        "ol", class_="recovery-codes"
    )


def test_a_wrong_first_code_is_named_at_its_field_and_turns_nothing_on(client: Client, db) -> None:
    user = _user("hq", role=Role.HQ)
    sign_in(client, "hq")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"otp": wrong(device)})

    assert response.status_code == 200
    page = parse(response.content)
    [error] = page.find_all("span", class_="field-error", id="id_otp_error_1")
    assert "not right" in error.text
    assert page.find_all("a", href="#id_otp")
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert client.get(reverse("clas:sector_list")).status_code == 302


def test_a_user_with_a_device_enters_the_code_and_reaches_the_page_asked_for(
    client: Client, db
) -> None:
    user = _user("hq", role=Role.HQ)
    device = device_for(user)
    sectors = reverse("clas:sector_list")

    login = client.post(
        reverse("login"), {"username": "hq", "password": "pass-word-123", "next": sectors}
    )
    asked = client.get(login["Location"])
    assert asked["Location"] == f"{VERIFY}?next=%2Fsectors%2F"
    page = parse(client.get(asked["Location"]).content)
    assert page.find_all("input", name="otp")
    assert page.find_all("input", name="next", value=sectors)

    response = enter(client, code(device), next_url=sectors)

    assert response.status_code == 302 and response["Location"] == sectors
    assert client.get(sectors).status_code == 200


def test_a_wrong_code_is_named_in_french_and_counted_as_a_failed_sign_in(db) -> None:
    user = _user("hq", role=Role.HQ, language="fr")
    device = device_for(user)
    client = Client(headers={"Accept-Language": "fr"})
    sign_in(client, "hq")

    response = enter(client, wrong(device))

    assert response.status_code == 200
    [error] = parse(response.content).find_all("span", class_="field-error", id="id_otp_error_1")
    assert "Ce code n\u2019est pas le bon" in error.text
    [attempt] = AccessAttempt.objects.filter(username="hq")
    assert attempt.failures_since_start == 1
    assert client.get(reverse("clas:sector_list")).status_code == 302


def test_a_right_code_clears_the_failures(client: Client, db, settings: Any) -> None:
    no_wait_after_wrong_codes(settings)
    user = _user("hq", role=Role.HQ)
    device = device_for(user)
    sign_in(client, "hq")
    enter(client, wrong(device))

    enter(client, code(device))

    assert not AccessAttempt.objects.filter(username="hq").exists()


def test_wrong_codes_lock_the_username_out_as_wrong_passwords_do(
    client: Client, db, settings: Any
) -> None:
    no_wait_after_wrong_codes(settings)
    settings.AXES_FAILURE_LIMIT = 3
    user = _user("hq", role=Role.HQ)
    device = device_for(user)
    sign_in(client, "hq")

    enter(client, wrong(device))
    enter(client, wrong(device))
    locked = enter(client, wrong(device))

    assert locked.status_code == 429
    [alert] = parse(locked.content).find_all("div", class_="errors", role="alert")
    assert "paused for 15 minutes" in alert.text
    assert "_auth_user_id" not in client.session
    # Neither the password nor the right code opens the account now.
    assert sign_in(client, "hq").status_code == 429
    assert "_auth_user_id" not in client.session


def test_after_a_wrong_code_the_next_one_must_wait(client: Client, db) -> None:
    user = _user("hq", role=Role.HQ)
    device = device_for(user)
    sign_in(client, "hq")
    enter(client, wrong(device))

    response = enter(client, code(device))

    assert response.status_code == 200
    [error] = parse(response.content).find_all("span", class_="field-error", id="id_otp_error_1")
    assert "Wait 1 second" in error.text
    assert client.get(reverse("clas:sector_list")).status_code == 302


def test_until_the_code_is_given_no_page_the_admin_or_the_api_is_reached(
    client: Client, db
) -> None:
    user = _user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    device_for(user)
    sign_in(client, "admin")

    for url in (reverse("clas:sector_list"), "/admin/", "/admin/clas/user/", reverse("home")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    posted = client.post(reverse("clas:two_step_disable"), {"otp": "123456"})
    assert posted.status_code == 302 and posted["Location"] == VERIFY
    api = client.get(reverse("sector-list"))
    assert api.status_code == 403
    assert "two-step" in api.json()["detail"]
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_refusal_is_in_french(db) -> None:
    user = _user("hq", role=Role.HQ, language="fr")
    device_for(user)
    client = Client(headers={"Accept-Language": "fr"})
    sign_in(client, "hq")

    response = client.get(reverse("sector-list"))

    assert response.status_code == 403
    assert "connexion en deux étapes" in response.json()["detail"]


def test_the_admin_opens_once_the_code_is_given(client: Client, db) -> None:
    user = _user("admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    device = device_for(user)
    sign_in(client, "admin")

    enter(client, code(device))

    assert client.get("/admin/").status_code == 200


def test_a_user_with_a_device_cannot_set_up_another_before_the_code(client: Client, db) -> None:
    user = _user("hq", role=Role.HQ)
    device_for(user)
    sign_in(client, "hq")

    response = client.get(SETUP)

    assert response.status_code == 302 and response["Location"] == VERIFY
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_recovery_code_signs_in_once(client: Client, db) -> None:
    _user("hq", role=Role.HQ)
    sign_in(client, "hq")
    _device, done = _set_up(client)
    first = _codes(done.content)[0]
    client.post(reverse("logout"))

    sign_in(client, "hq")
    used = enter(client, first.upper())
    assert used.status_code == 302
    assert client.get(reverse("clas:sector_list")).status_code == 200
    client.post(reverse("logout"))

    sign_in(client, "hq", address="10.0.0.8")
    again = enter(client, first, address="10.0.0.8")
    assert again.status_code == 200
    assert client.get(reverse("clas:sector_list")).status_code == 302
    assert StaticToken.objects.count() == 9


def test_new_recovery_codes_replace_the_former_ones(client: Client, db) -> None:
    _user("hq", role=Role.HQ)
    sign_in(client, "hq")
    _device, done = _set_up(client)
    former = set(_codes(done.content))

    response = client.post(reverse("clas:two_step_recovery_codes_new"))

    assert response.status_code == 200
    new = set(_codes(response.content))
    assert len(new) == 10 and not new & former
    assert set(StaticToken.objects.values_list("token", flat=True)) == new


def test_other_roles_are_not_asked_for_a_code(client: Client, db) -> None:
    _user("cla", role=Role.CLA)

    sign_in(client, "cla")

    assert client.get(reverse("clas:network_list")).status_code == 200


def test_a_cla_turns_it_on_from_the_account_page_and_is_asked_for_a_code_next_time(
    client: Client, db
) -> None:
    _user("cla", role=Role.CLA)
    sign_in(client, "cla")
    account = parse(client.get(reverse("clas:two_step")).content)
    assert account.find_all("a", href=SETUP)

    device, done = _set_up(client)
    assert done.status_code == 200
    client.post(reverse("logout"))
    sign_in(client, "cla")

    assert client.get(reverse("clas:network_list"))["Location"].startswith(VERIFY)
    enter(client, code(device, ahead=1))
    assert client.get(reverse("clas:network_list")).status_code == 200


def test_a_cla_turns_it_off_with_a_current_code(client: Client, db, settings: Any) -> None:
    no_wait_after_wrong_codes(settings)
    user = _user("cla", role=Role.CLA)
    device = device_for(user)
    sign_in(client, "cla")
    enter(client, code(device))

    refused = client.post(reverse("clas:two_step_disable"), {"otp": wrong(device)})
    assert refused.status_code == 200
    assert parse(refused.content).find_all("span", class_="field-error", id="id_otp_error_1")
    assert TOTPDevice.objects.filter(user=user).exists()

    done = client.post(reverse("clas:two_step_disable"), {"otp": code(device, ahead=1)})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("logout"))
    sign_in(client, "cla")
    assert client.get(reverse("clas:network_list")).status_code == 200


def test_an_hq_user_cannot_turn_it_off(client: Client, db) -> None:
    user = _user("hq", role=Role.HQ)
    device = device_for(user)
    sign_in(client, "hq")
    enter(client, code(device))

    page = parse(client.get(reverse("clas:two_step")).content)
    assert not page.find_all("form", action=reverse("clas:two_step_disable"))
    response = client.post(reverse("clas:two_step_disable"), {"otp": code(device, ahead=1)})

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists()


def test_an_admin_resets_a_users_devices_and_the_admin_log_says_so(client: Client, db) -> None:
    admin_user = _user(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    admin_device = device_for(admin_user)
    hq = _user("hq", role=Role.HQ)
    device_for(hq)
    sign_in(client, "admin")
    enter(client, code(admin_device))

    response = client.post(
        reverse("admin:clas_user_changelist"),
        {"action": "two_step_reset", "_selected_action": [hq.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=hq).exists()
    [entry] = LogEntry.objects.filter(object_id=str(hq.pk))
    assert entry.user == admin_user and "two-step" in entry.get_change_message()
    # The next sign-in asks to set up again.
    other = Client()
    sign_in(other, "hq")
    assert other.get(VERIFY)["Location"].startswith(SETUP)
