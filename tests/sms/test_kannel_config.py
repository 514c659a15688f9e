"""Kannel's configuration: rendered from deploy/kannel/kannel.conf.template by the system's own
settings (manage.py kannel_config) and by the container's entrypoint (envsubst), the same."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pytest_django import Settings

from sms.kannel import config_values, incoming_url, render

BASE_DIR = Path(settings.BASE_DIR)
ENTRYPOINT = BASE_DIR / "deploy" / "kannel" / "entrypoint.sh"


@pytest.fixture
def kannel_settings(settings: Settings) -> Settings:
    settings.KANNEL_SECRET = "a-url-safe-secret_0123456789"
    settings.KANNEL_SENDSMS_URL = "http://127.0.0.1:13013/cgi-bin/sendsms"
    settings.KANNEL_SENDSMS_USERNAME = "earlywarning"
    settings.KANNEL_SENDSMS_PASSWORD = "sendsms-password"
    settings.SMS_NUMBER = "1313"
    return settings


def active(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_incoming_url_carries_the_secret_as_basic_auth() -> None:
    assert (
        incoming_url("http://web:8000/", "s3cret")
        == "http://kannel:s3cret@web:8000/sms/kannel/incoming/"
    )


def test_the_configuration_names_the_secret_the_account_and_the_sender(
    kannel_settings: Settings, tmp_path: Path
) -> None:
    output = tmp_path / "kannel.conf"
    call_command("kannel_config", "--output", str(output), "--web-url", "http://127.0.0.1:8000")

    text = output.read_text()
    assert oct(output.stat().st_mode & 0o777) == "0o600"
    assert (
        'get-url = "http://kannel:a-url-safe-secret_0123456789@127.0.0.1:8000/sms/kannel/incoming/'
        '?id=%I&from=%p&to=%P&coding=%c&charset=%C&text=%b&smsc=%i&time=%T"'
    ) in text
    assert 'username = "earlywarning"' in text
    assert 'password = "sendsms-password"' in text
    assert 'default-sender = "1313"' in text
    assert "max-messages = 0" in text
    assert "http-request-retry = 720" in text
    assert "${" not in "\n".join(active(text))


def test_a_configuration_without_secret_is_refused(settings: Settings) -> None:
    settings.KANNEL_SECRET = ""

    with pytest.raises(ImproperlyConfigured, match="KANNEL_SECRET"):
        render(config_values())


@pytest.mark.skipif(shutil.which("envsubst") is None, reason="envsubst (gettext-base) is missing")
def test_the_container_renders_the_same_configuration(
    kannel_settings: Settings, tmp_path: Path
) -> None:
    values = {
        "KANNEL_WEB_URL": "http://web:8000",
        "KANNEL_BIND": "0.0.0.0",
        "KANNEL_ALLOW_IP": "*.*.*.*",
        "KANNEL_VAR_DIR": str(tmp_path),
    }
    from_python = render(config_values(values))
    environment = {
        "PATH": os.environ["PATH"],
        "KANNEL_SECRET": kannel_settings.KANNEL_SECRET,
        "KANNEL_SENDSMS_USERNAME": "earlywarning",
        "KANNEL_SENDSMS_PASSWORD": "sendsms-password",
        "SMS_NUMBER": "1313",
        "KANNEL_RENDER_ONLY": "1",
        **values,
    }
    from_container = subprocess.run(
        ["bash", str(ENTRYPOINT)], env=environment, capture_output=True, text=True, check=True
    ).stdout

    assert active(from_container) == active(from_python)


def test_the_entrypoint_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ENTRYPOINT)],
        env={"PATH": os.environ["PATH"], "KANNEL_RENDER_ONLY": "1"},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "KANNEL_SECRET" in result.stderr
