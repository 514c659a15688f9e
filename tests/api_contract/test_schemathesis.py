"""Every operation of /api/v1/ against the OpenAPI schema the API serves, fuzzed by
schemathesis as a CLA and as a Force officer: no 5xx, and every status code, content type,
header and body as documented; data that breaks the schema is refused with a 4xx.

Bounded for CI: a fixed number of examples per operation, derandomized, so a run is the same
every time (CONTRACT_MAX_EXAMPLES raises the bound for a longer local run). The requests go
in-process to Django's WSGI handler, inside the test's transaction: what the fuzzing writes is
rolled back with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from alerts import services
from alerts.models import Alert, Channel
from tests import factories as f
from tests.alerts.support import log
from tests.conftest import Mission

# Examples per operation and mode, and per existing object for the operations on one object.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "5"))
PER_OBJECT_EXAMPLES = max(1, MAX_EXAMPLES // 2)
OBJECTS_PER_OPERATION = 2

# Hypothesis keeps caches beside its examples database (off here): under var/, not the checkout.
set_hypothesis_home_dir(Path(django_settings.VAR_DIR) / "hypothesis")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = {
    GenerationMode.POSITIVE: CHECKS,
    GenerationMode.NEGATIVE: [*CHECKS, negative_data_rejection],
}


def _schema() -> dict[str, Any]:
    """The schema /api/schema/ serves (it is the same for every signed-in user)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


class App:
    """Django's WSGI handler, built in each test so that it sees the test's settings."""

    handler: WSGIHandler | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.handler is not None, "only inside a test (the `app` fixture)"
        return self.handler(environ, start_response)


APP = App()
SCHEMA = schemathesis.openapi.from_dict(_schema())
SCHEMA.app = APP
OPERATIONS = [
    op for op in (result.ok() for result in SCHEMA.get_all_operations()) if "/api/v1/" in op.path
]


@pytest.fixture
def app() -> Iterator[App]:
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    APP.handler = WSGIHandler()
    try:
        yield APP
    finally:
        APP.handler = None
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _seed(mission: Mission) -> None:
    """Rows in every state the API shows: alerts queued, acknowledged, with an outcome and a
    response, closed, one heard by phone from a focal point; networks, trainings, plans, a
    report."""
    network = f.NetworkFactory(location=mission.base_a, established_by=mission.cla_profile)
    point = f.FocalPointFactory(network=network)
    training = f.TrainingFactory(location=mission.base_a)
    training.participants.add(mission.cla_profile)
    f.MeasureFactory(plan=f.PlanFactory(location=mission.base_a))
    f.ReportFactory(location=mission.base_a, author=mission.cla)
    log(mission)
    acknowledged = log(mission)
    services.alert_acknowledge(alert_id=acknowledged.pk, user=mission.force)
    done = log(mission, received_via=Channel.PHONE, received_from_focal_point_id=point.pk)
    services.alert_acknowledge(alert_id=done.pk, user=mission.force)
    services.alert_record_outcome(alert_id=done.pk, user=mission.force, outcome="confirmed")
    services.alert_record_response(alert_id=done.pk, user=mission.force, response="patrol")
    services.alert_close(alert_id=done.pk, user=mission.force)
    assert Alert.objects.filter(outcome="").exists()


def _object_ids(headers: dict[str, str], path: str) -> list[int]:
    """Ids of a few objects the user may see, from the list of the operation's collection."""
    # Through the same handler as the fuzzing (Django's test client would connect again the
    # signal that closes the test's connection after each request).
    response = WerkzeugClient(APP).get(path.split("{", 1)[0], headers=headers)
    if response.status_code != 200 or response.content_type != "application/json":
        return []
    body = json.loads(response.get_data())
    rows = body["results"] if isinstance(body, dict) else body
    return [row["id"] for row in rows if isinstance(row, dict) and "id" in row][
        :OBJECTS_PER_OPERATION
    ]


def _run(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
    **fixed: Any,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,  # nothing written into the checkout
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=MODES[mode])

    try:
        call()
    except Unsatisfiable:
        # No negative data exists for an operation without parameters or body.
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.parametrize("role", ["cla", "force"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_operation_keeps_to_the_schema(
    role: str, operation: Any, mission: Mission, app: App
) -> None:
    _seed(mission)
    _, key = AuthToken.objects.create(user=mission.user(role))
    # Identity: the body is read as it is (the pages' gzip is for slow links, not for this).
    headers = {"Authorization": f"Token {key}", "Accept-Encoding": "identity"}
    has_id = "{id}" in operation.path
    ids = _object_ids(headers, operation.path) if has_id else []

    for mode in MODES:
        _run(operation, mode, headers, MAX_EXAMPLES)
        for pk in ids:
            _run(operation, mode, headers, PER_OBJECT_EXAMPLES, path_parameters={"id": pk})
