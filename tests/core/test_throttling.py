"""API request rates: 429 with a message in the reader's language and Retry-After."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from knox.models import AuthToken
from redis.exceptions import RedisError

from core import throttling


def _rates(**rates: str) -> override_settings:
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "user": "1000/min",
                "anon": "1000/min",
                "auth_token": "1000/min",
                **rates,
            },
        }
    )


def test_the_field_defaults_are_generous_but_bounded() -> None:
    from config.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"user": "120/min", "anon": "30/min", "auth_token": "10/min"}
    assert throttling.UserRateThrottle.scope == "user"


@_rates(user="3/min")
def test_a_user_past_the_rate_gets_429_with_retry_after(mission) -> None:
    _, token = AuthToken.objects.create(user=mission.hq)
    client = Client(headers={"Authorization": f"Token {token}"})

    answers = [client.get(reverse("location-list")) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests. Try again in ")


@_rates(user="2/min")
def test_the_rate_is_per_user(mission) -> None:
    first = Client()
    first.force_login(mission.hq)
    second = Client()
    second.force_login(mission.coordinator)

    assert [first.get(reverse("location-list")).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(reverse("location-list")).status_code == 200


@_rates(anon="2/min")
def test_anonymous_requests_are_counted_per_address(db) -> None:
    # Anonymous requests to an endpoint that needs a user are refused (401) before any rate
    # is counted; the anonymous rate applies where anyone may ask, such as the token endpoint.
    body = {"username": "nobody", "password": "wrong"}
    client = Client(REMOTE_ADDR="10.9.0.1")

    codes = [client.post(reverse("auth-token"), body).status_code for _ in range(3)]

    assert codes == [400, 400, 429]
    assert Client(REMOTE_ADDR="10.9.0.2").post(reverse("auth-token"), body).status_code == 400


@_rates(user="1/min")
def test_the_429_message_is_in_french_for_a_french_reader(mission) -> None:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(mission.hq)
    client.get(reverse("location-list"))

    refused = client.get(reverse("location-list"))

    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Trop de requêtes")


@pytest.mark.parametrize("rate", ["2/min"])
def test_the_token_endpoint_has_its_own_stricter_rate(db, rate: str) -> None:
    client = Client(REMOTE_ADDR="10.9.0.3")
    body = {"username": "nobody", "password": "wrong"}

    with _rates(auth_token=rate, anon="1000/min"):
        codes = [client.post(reverse("auth-token"), body).status_code for _ in range(3)]

    assert codes == [400, 400, 429]


class _CacheDown:
    def get(self, *args: object, **kwargs: object) -> None:
        raise RedisError("Connection refused")

    set = get


@_rates(user="1/min")
def test_requests_go_through_while_the_cache_is_down(mission, monkeypatch) -> None:
    monkeypatch.setattr(throttling.UserRateThrottle, "cache", _CacheDown())
    client = Client()
    client.force_login(mission.hq)

    codes = [client.get(reverse("location-list")).status_code for _ in range(3)]

    assert codes == [200, 200, 200]
