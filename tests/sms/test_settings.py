"""The SMS settings come from the environment and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def start(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KANNEL_", "SMS_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings.local")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.KANNEL_CALLBACK_URL)",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_gateway_the_system_starts_as_before() -> None:
    result = start()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8000"  # SITE_URL


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"KANNEL_SECRET": "short"}, "KANNEL_SECRET"),
        ({"SMS_DEFAULT_REGION": "XX"}, "SMS_DEFAULT_REGION"),
        ({"KANNEL_SENDSMS_URL": "ftp://kannel/sendsms"}, "KANNEL_SENDSMS_URL"),
        (
            {"KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms"},
            "KANNEL_SENDSMS_USERNAME",
        ),
        ({"SMS_RATE_LIMIT": "0"}, "SMS_RATE_LIMIT"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(env: dict[str, str], named: str) -> None:
    result = start(**env)

    assert result.returncode != 0
    assert named in result.stderr
