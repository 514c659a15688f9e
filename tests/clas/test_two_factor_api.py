"""POST /api/v1/auth/token/ for an account with two-step sign-in: the code as `otp`, checked
as the sign-in page checks it."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from clas.models import Role
from clas.two_factor import recovery_codes_replace
from tests import factories as f
from tests.clas.two_factor_support import (
    ADDRESS,
    PASSWORD,
    code,
    device_for,
    no_wait_after_wrong_codes,
    require_for_hq_and_admins,
    wrong,
)

URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    require_for_hq_and_admins(settings)


def _take(client: Client, username: str, **extra: str) -> Any:
    data = {"username": username, "password": PASSWORD, **extra}
    return client.post(URL, data, REMOTE_ADDR=ADDRESS)


def test_without_its_code_an_hq_user_gets_no_token(client: Client, db) -> None:
    device_for(f.UserFactory(username="hq", role=Role.HQ, language="en"))

    response = _take(client, "hq")

    assert response.status_code == 400
    assert list(response.json()) == ["otp"]
    assert not AuthToken.objects.exists()


def test_a_wrong_code_is_refused_at_its_field_and_counted(client: Client, db) -> None:
    device = device_for(f.UserFactory(username="hq", role=Role.HQ))

    response = _take(client, "hq", otp=wrong(device))

    assert response.status_code == 400
    assert "not right" in response.json()["otp"][0]
    assert AccessAttempt.objects.get(username="hq").failures_since_start == 1
    assert not AuthToken.objects.exists()


def test_the_right_code_gives_a_token(client: Client, db) -> None:
    device = device_for(f.UserFactory(username="hq", role=Role.HQ))

    response = _take(client, "hq", otp=code(device))

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    assert AuthToken.objects.count() == 1


def test_a_code_is_accepted_once(client: Client, db) -> None:
    device = device_for(f.UserFactory(username="hq", role=Role.HQ))
    value = code(device)
    _take(client, "hq", otp=value)

    again = _take(client, "hq", otp=value)

    assert again.status_code == 400 and "otp" in again.json()


def test_a_recovery_code_gives_a_token_once(client: Client, db, settings: Any) -> None:
    no_wait_after_wrong_codes(settings)
    user = f.UserFactory(username="hq", role=Role.HQ)
    device_for(user)
    first = recovery_codes_replace(user=user)[0]

    assert _take(client, "hq", otp=first).status_code == 200
    assert _take(client, "hq", otp=first).status_code == 400


def test_a_wrong_password_is_refused_before_the_code_is_looked_at(client: Client, db) -> None:
    device = device_for(f.UserFactory(username="hq", role=Role.HQ))

    response = client.post(
        URL, {"username": "hq", "password": "wrong", "otp": code(device)}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    device.refresh_from_db()
    assert device.last_t == -1


def test_wrong_codes_lock_the_username_out(client: Client, db, settings: Any) -> None:
    no_wait_after_wrong_codes(settings)
    settings.AXES_FAILURE_LIMIT = 3
    device = device_for(f.UserFactory(username="hq", role=Role.HQ))

    _take(client, "hq", otp=wrong(device))
    _take(client, "hq", otp=wrong(device))
    locked = _take(client, "hq", otp=wrong(device))

    assert locked.status_code == 429
    assert "paused" in locked.json()["detail"]
    assert _take(client, "hq", otp=code(device)).status_code == 429
    assert not AuthToken.objects.exists()


def test_an_hq_user_without_a_device_is_told_to_set_it_up_in_the_browser(
    client: Client, db
) -> None:
    f.UserFactory(username="hq", role=Role.HQ, language="en")

    response = _take(client, "hq", otp="123456")

    assert response.status_code == 400
    assert "browser" in response.json()["otp"][0]
    assert not AuthToken.objects.exists()


def test_a_cla_without_a_device_needs_no_code(client: Client, db) -> None:
    f.UserFactory(username="cla", role=Role.CLA)

    assert _take(client, "cla").status_code == 200


def test_a_cla_who_turned_it_on_must_send_the_code(client: Client, db) -> None:
    device = device_for(f.UserFactory(username="cla", role=Role.CLA))

    assert _take(client, "cla").status_code == 400
    assert _take(client, "cla", otp=code(device)).status_code == 200


def test_a_token_opens_the_api_without_the_browsers_second_step(db) -> None:
    user = f.UserFactory(username="hq", role=Role.HQ)
    device = device_for(user)
    token = _take(Client(), "hq", otp=code(device)).json()["token"]
    # The same browser has a session that has not given its code yet.
    browser = Client()
    browser.post(reverse("login"), {"username": "hq", "password": PASSWORD})

    response = browser.get(reverse("sector-list"), headers={"Authorization": f"Token {token}"})

    assert response.status_code == 200


def test_the_schema_documents_the_otp_field(client: Client, db) -> None:
    client.force_login(f.UserFactory())

    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    fields = schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    assert "otp" in fields
