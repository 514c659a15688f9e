"""The baseline of the intake benchmark: the least a Django view can do to accept a POST.

It goes through the same middleware as the alert API, reads the same JSON body and inserts
one row; no authentication, no validation, no outbox, no broker.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

TABLE = "bench_row"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL)"
)


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def insert_one_row(request: HttpRequest) -> JsonResponse:
    payload = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (payload, created_at) VALUES (%s, now()) RETURNING id",
            [json.dumps(payload)],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
