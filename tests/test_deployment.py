"""docker-compose.yml describes the production deployment: PostgreSQL, Redis, a gunicorn web,
one Celery worker per queue and one beat, from one image, each waiting for what it needs."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from celery.app.utils import find_app
from django.conf import settings
from django.http.request import validate_host
from django.urls import resolve

BASE_DIR = Path(settings.BASE_DIR)
SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(command: list[str], short: str, long: str) -> str | None:
    for index, part in enumerate(command):
        if part in (short, long) and index + 1 < len(command):
            return command[index + 1]
        if part.startswith(f"{long}="):
            return part.split("=", 1)[1]
    return None


def celery_services(services: dict[str, dict[str, Any]], kind: str) -> dict[str, list[str]]:
    """The services whose command is `celery ... <kind>` (worker or beat)."""
    found = {}
    for name, service in services.items():
        command = command_of(service)
        if command[:1] == ["celery"] and kind in command:
            found[name] = command
    return found


def app_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services that run the project's own code (built from the Dockerfile at the root;
    the Kannel gateway is built from an image of its own, deploy/kannel)."""
    return {
        name: service
        for name, service in services.items()
        if "build" in service and service["build"].get("context") == "."
    }


def routed_queues() -> set[str]:
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return queues | {settings.CELERY_TASK_DEFAULT_QUEUE}


def test_compose_names_the_database_the_broker_the_web_and_beat(
    services: dict[str, dict[str, Any]],
) -> None:
    assert {"postgres", "redis", "web", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_the_routes_name_an_alerts_queue_a_reports_queue_and_an_sms_queue() -> None:
    assert routed_queues() == {"alerts", "reports", "sms"}


def test_every_queue_has_a_worker_of_its_own(services: dict[str, dict[str, Any]]) -> None:
    workers = celery_services(services, "worker")
    served_alone = set()
    for name, command in workers.items():
        queues = (option(command, "-Q", "--queues") or "").split(",")
        assert set(queues) <= routed_queues(), f"{name} consumes a queue no task is routed to"
        if len(queues) == 1:
            served_alone.add(queues[0])

    # Alert routing must never wait behind report generation.
    assert served_alone == routed_queues()


def test_exactly_one_beat_runs(services: dict[str, dict[str, Any]]) -> None:
    assert list(celery_services(services, "beat")) == ["beat"]


def test_celery_commands_load_the_project_app_with_its_routes(
    services: dict[str, dict[str, Any]],
) -> None:
    from config.celery import app

    commands = {**celery_services(services, "worker"), **celery_services(services, "beat")}
    assert commands
    for name, command in commands.items():
        loaded = find_app(option(command, "-A", "--app"))
        assert loaded is app, name
    queues = {route["queue"] for route in app.conf.task_routes.values()}
    assert queues == routed_queues()


def test_web_serves_the_wsgi_application_with_gunicorn(
    services: dict[str, dict[str, Any]],
) -> None:
    command = command_of(services["web"])
    assert command[0] == "gunicorn"
    targets = [
        part
        for part in command[1:]
        if re.fullmatch(r"[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?", part) and not part.startswith("-")
    ]
    assert targets == ["config.wsgi"] or targets == ["config.wsgi:application"]
    module_name, _, attribute = targets[0].partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute or "application"))


def test_programs_the_image_runs_are_runtime_dependencies(
    services: dict[str, dict[str, Any]],
) -> None:
    # The image installs the project without its dev extra.
    pyproject = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    installed = {
        re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower()
        for requirement in pyproject["project"]["dependencies"]
    }
    programs = {command_of(service)[0] for service in app_services(services).values()}
    assert programs == {"python", "gunicorn", "celery"}
    assert {"gunicorn", "celery"} <= installed
    for program in ("gunicorn", "celery"):
        assert importlib.util.find_spec(program) is not None


def test_postgres_and_redis_are_healthchecked(services: dict[str, dict[str, Any]]) -> None:
    postgres_check = " ".join(services["postgres"]["healthcheck"]["test"])
    redis_check = " ".join(services["redis"]["healthcheck"]["test"])

    assert "pg_isready" in postgres_check
    assert "redis-cli ping" in redis_check


def test_every_process_waits_for_a_healthy_database_and_broker(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in app_services(services).items():
        depends_on = service["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_the_web_workers_and_beat_start_after_the_migrations(
    services: dict[str, dict[str, Any]],
) -> None:
    assert command_of(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    processes = [name for name in app_services(services) if name != "migrate"]
    assert set(processes) >= {"web", "beat", *celery_services(services, "worker")}
    for name in processes:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_every_process_runs_one_image_built_from_the_dockerfile(
    services: dict[str, dict[str, Any]],
) -> None:
    built = app_services(services)
    assert {"web", "beat", "migrate"} <= set(built)
    assert len({service["image"] for service in built.values()}) == 1
    assert len({repr(service["build"]) for service in built.values()}) == 1
    build = next(iter(built.values()))["build"]
    context = BASE_DIR / build["context"]
    assert (context / build.get("dockerfile", "Dockerfile")).is_file()


def test_every_process_runs_the_production_settings(services: dict[str, dict[str, Any]]) -> None:
    for name, service in app_services(services).items():
        environment = service["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["REDIS_URL"].startswith("redis://redis:"), name
    assert importlib.util.find_spec("config.settings.production") is not None


def test_no_secret_has_a_default(services: dict[str, dict[str, Any]]) -> None:
    text = (BASE_DIR / "docker-compose.yml").read_text()
    for secret in SECRETS:
        assert not re.search(r"\$\{" + secret + r":?-", text), secret
    for name, service in app_services(services).items():
        assert service["env_file"] == ".env", name
        assert "SECRET_KEY" not in service["environment"], name
        assert "FIELD_ENCRYPTION_KEYS" not in service["environment"], name
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]


def test_the_example_env_file_leaves_every_secret_empty() -> None:
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))

    assert values == {
        "SECRET_KEY": "",
        "FIELD_ENCRYPTION_KEYS": "",
        "ALLOWED_HOSTS": "",
        "SITE_URL": "",
        "POSTGRES_PASSWORD": "",
    }


def test_secrets_stay_out_of_the_image() -> None:
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()

    assert ".env" in ignored
    assert ".venv" in ignored


def test_the_dockerfile_builds_a_slim_image_that_runs_as_a_plain_user() -> None:
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)

    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    # WeasyPrint's system libraries, for the PDF reports.
    assert "libpango-1.0-0" in dockerfile
    assert "libpangoft2-1.0-0" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "compile_catalogues" in dockerfile


def test_web_runs_gunicorn_with_the_project_config(services: dict[str, dict[str, Any]]) -> None:
    command = command_of(services["web"])
    path = option(command, "-c", "--config")

    assert path == "config/gunicorn.py"
    assert (BASE_DIR / path).is_file()
    config = importlib.import_module("config.gunicorn")
    assert callable(config.child_exit)
    port = config.bind.rsplit(":", 1)[1]
    assert any(str(mapping).endswith(f":{port}") for mapping in services["web"]["ports"])


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [(".example.org,early-warning.example.org", "example.org"), ("*", "localhost")],
)
def test_web_is_healthchecked_on_healthz_with_a_host_django_accepts(
    services: dict[str, dict[str, Any]], allowed_hosts: str, host: str
) -> None:
    healthcheck = services["web"]["healthcheck"]
    test = healthcheck["test"]
    assert test[:3] == ["CMD", "python", "-c"]

    # Run the check's own code, with the request captured instead of sent.
    sent = []
    with (
        mock.patch.dict(os.environ, {"ALLOWED_HOSTS": allowed_hosts}),
        mock.patch(
            "urllib.request.urlopen", side_effect=lambda request, **kw: sent.append(request)
        ),
    ):
        exec(compile(test[3], "healthcheck", "exec"), {})

    [request] = sent
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    assert request.get_header("Host") == host
    assert validate_host(host, allowed_hosts.split(","))
    assert resolve("/healthz").url_name == "healthz"
    assert healthcheck["retries"] >= 1


def test_every_process_writes_its_metrics_to_one_shared_directory(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    processes = app_services(services)
    assert {"web", *celery_services(services, "worker")} <= set(processes)
    for name, service in processes.items():
        directory = service["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        sources = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
        assert sources.get(directory) == "metrics", name

    # In memory, and writable by the image's user: a new volume is root's otherwise.
    options = compose["volumes"]["metrics"]["driver_opts"]
    uid = re.search(r"--uid\s+(\d+)", (BASE_DIR / "Dockerfile").read_text())
    assert options["type"] == "tmpfs"
    assert uid is not None
    assert f"uid={uid.group(1)}" in options["o"].split(",")

    pyproject = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    assert any(
        requirement.startswith("prometheus-client")
        for requirement in pyproject["project"]["dependencies"]
    )
