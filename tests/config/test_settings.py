"""Settings come from the environment: a bad value stops the start-up with a message that
names the variable, and the embedded default needs no variable at all.

Each case starts a fresh interpreter, because settings are read once, at import."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Every variable the settings read: cleared so that the caller's environment (CI sets
# DATABASE_URL and REDIS_URL for the PostgreSQL run) does not leak into a case.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "VAR_DIR",
    "MISSION_TIME_ZONE",
    "MISSION_NAME",
    "MAP_TILE_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "CELERY_VISIBILITY_TIMEOUT",
    "LOG_LEVEL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SITE_URL",
    "ALLOW_PLAIN_HTTP",
    "LOG_FORMAT",
    "HEALTH_MAX_PENDING_SECONDS",
    "METRICS_ALLOWED_IPS",
    "METRICS_TOKEN",
    "PROMETHEUS_MULTIPROC_DIR",
)

PROBE = """
import json
import django
from django.conf import settings
django.setup()
from config.celery import app
database = settings.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"],
    "name": str(database["NAME"]),
    "host": database.get("HOST", ""),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "debug": settings.DEBUG,
    "time_zone": settings.TIME_ZONE,
}))
"""


def production_environment(**overrides: str) -> dict[str, str]:
    """All that config.settings.production requires, valid, with overrides applied."""
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "early-warning.example.org",
        "DATABASE_URL": "postgres://earlywarning:secret@db.example.org:5432/earlywarning",
        "REDIS_URL": "redis://redis.example.org:6379/0",
        "SITE_URL": "https://early-warning.example.org",
    }
    values.update(overrides)
    return values


def run_python(
    settings_module: str, variables: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def start(settings_module: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python(settings_module, variables, "-c", "import django; django.setup()")


def probe(settings_module: str, variables: dict[str, str]) -> dict[str, object]:
    result = run_python(settings_module, variables, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_starts_with_the_required_variables() -> None:
    result = start("config.settings.production", production_environment())

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", "too-short"),
        ("SECRET_KEY", "a" * 60),
        ("FIELD_ENCRYPTION_KEYS", None),
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("ALLOWED_HOSTS", None),
        ("DATABASE_URL", None),
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "sqlite:///var/db.sqlite3"),
        ("DATABASE_URL", "postgres://db.example.org:port/earlywarning"),
        ("REDIS_URL", None),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "redis://"),
        ("DEBUG", "maybe"),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_PORT", "0"),
        ("EMAIL_USE_TLS", "sometimes"),
        ("CELERY_VISIBILITY_TIMEOUT", "10"),
        ("MISSION_TIME_ZONE", "Africa/Atlantis"),
        ("LOG_LEVEL", "loud"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SITE_URL", None),
        ("SITE_URL", "http://early-warning.example.org"),
        ("SITE_URL", "early-warning.example.org"),
        ("SITE_URL", "https://"),
        ("ALLOW_PLAIN_HTTP", "perhaps"),
    ],
)
def test_production_refuses_to_start_naming_the_bad_variable(
    variable: str, value: str | None
) -> None:
    variables = production_environment()
    variables.pop(variable, None)
    if value is not None:
        variables[variable] = value

    result = start("config.settings.production", variables)

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert variable in last_line


def test_a_bad_value_stops_the_embedded_default_too() -> None:
    result = start("config.settings.local", {"DATABASE_URL": "mysql://x"})

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr.strip().splitlines()[-1]


def test_a_refused_url_is_shown_without_its_password() -> None:
    result = start(
        "config.settings.production",
        production_environment(DATABASE_URL="mysql://earlywarning:hunter2-secret@db/ew"),
    )

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "hunter2-secret" not in result.stderr


def test_deploy_checks_pass_with_the_required_variables() -> None:
    result = run_python(
        "config.settings.production",
        production_environment(),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_fail_without_hsts() -> None:
    result = run_python(
        "config.settings.production",
        production_environment(SECURE_HSTS_SECONDS="0"),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_plain_http_is_allowed_only_by_its_setting_and_deploy_checks_say_so() -> None:
    variables = production_environment(
        ALLOW_PLAIN_HTTP="true", SITE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS="127.0.0.1"
    )
    started = start("config.settings.production", variables)
    checked = run_python(
        "config.settings.production",
        variables,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert started.returncode == 0, started.stderr
    output = checked.stdout + checked.stderr
    assert checked.returncode != 0
    for warning in ("security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_embedded_default_uses_sqlite_under_var_and_runs_tasks_in_process() -> None:
    found = probe("config.settings.local", {})

    assert found["engine"] == "django.db.backends.sqlite3"
    assert Path(str(found["name"])) == BASE_DIR / "var" / "db.sqlite3"
    assert found["eager"] is True
    assert found["broker"] == "memory://"
    assert found["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["debug"] is True
    assert found["time_zone"] == "Africa/Bangui"


def test_var_dir_moves_the_embedded_database(tmp_path: Path) -> None:
    found = probe("config.settings.local", {"VAR_DIR": str(tmp_path)})

    assert Path(str(found["name"])) == tmp_path / "db.sqlite3"


def test_redis_url_switches_the_broker_and_the_cache() -> None:
    redis_url = "redis://redis.example.org:6379/3"

    found = probe("config.settings.local", {"REDIS_URL": redis_url})

    assert found["broker"] == redis_url
    assert found["eager"] is False
    assert found["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache_location"] == redis_url


def test_database_url_switches_to_postgresql() -> None:
    found = probe(
        "config.settings.local",
        {"DATABASE_URL": "postgres://earlywarning@db.example.org:5432/missions"},
    )

    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "missions"
    assert found["host"] == "db.example.org"


def test_production_never_runs_in_debug() -> None:
    found = probe("config.settings.production", production_environment(DEBUG="true"))

    assert found["debug"] is False
    assert found["eager"] is False


def test_an_unknown_report_language_stops_the_start_up() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "REPORT_LANGUAGE": "de", "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "REPORT_LANGUAGE" in result.stderr


def test_production_static_files_build_without_the_data_keys(tmp_path: Path) -> None:
    variables = production_environment(VAR_DIR=str(tmp_path))
    variables.pop("FIELD_ENCRYPTION_KEYS")

    built = run_python(
        "config.settings.production", variables, "manage.py", "collectstatic", "--noinput", "-v0"
    )
    started = run_python("config.settings.production", variables, "manage.py", "check")

    assert built.returncode == 0, built.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    assert started.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in started.stderr
