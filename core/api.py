"""API plumbing shared by every app: errors as field-level 4xx bodies, never a 500 for bad input.

Error bodies have one of two shapes:

- input at fault (400, 422): `{"<field>": ["message", ...]}`, with `non_field_errors` for
  what belongs to no single field;
- anything else (403, 404, 409): `{"detail": "message"}`, as Django REST framework does.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request body is too large: at most %(max)s bytes.") % {"max": limit}
        return Response({"detail": message}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    elif isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status_code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.Throttled):
        return _throttled(exc)
    return drf_exception_handler(exc, context)


def _throttled(exc: exceptions.Throttled) -> Response:
    seconds = max(1, math.ceil(exc.wait or 1))
    message = ngettext(
        "Too many requests. Try again in %(seconds)s second.",
        "Too many requests. Try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}
    return Response(
        {"detail": message},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(seconds)},
    )


def _validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in exc.message_dict.items()
    }


def form_errors(form: forms.BaseForm) -> exceptions.ValidationError:
    """A page form's errors as the API's field-level 400 body."""
    return exceptions.ValidationError(
        {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in form.errors.items()
        }
    )


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    """A refusal naming a field, or any refusal of input, reads like a validation error."""
    if exc.field:
        return {exc.field: [str(exc.message)]}
    if exc.status_code in (status.HTTP_400_BAD_REQUEST, status.HTTP_422_UNPROCESSABLE_ENTITY):
        return {api_settings.NON_FIELD_ERRORS_KEY: [str(exc.message)]}
    return {"detail": str(exc.message)}


# Schemas of the error bodies, for `extend_schema(responses=...)`.


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Why the request was refused."))


# Messages per field, or a `detail` for a body that cannot be read at all (core.schema).
FIELD_ERRORS_SCHEMA: dict[str, Any] = {"$ref": "#/components/schemas/ValidationErrors"}


def field_errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=FIELD_ERRORS_SCHEMA, description=str(description))


def detail_error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorDetailSerializer, description=str(description))


__all__ = [
    "ErrorDetailSerializer",
    "detail_error",
    "domain_error_body",
    "exception_handler",
    "field_errors",
    "form_errors",
    "status",
]
