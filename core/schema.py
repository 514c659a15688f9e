"""The OpenAPI schema's error responses, documented in one place for every operation.

Views document what is particular to them (a 409 of a state machine, a 403 of a role, with
their own words); this schema class adds the refusals any operation may meet, in the shapes
core.api gives them, unless the view has already described that status code. An empty query parameter is
documented as allowed: it reads as one not given. The refusals:

- 400 where there is input (query parameters or a body): messages per field, or a `detail`
  for a body that cannot be parsed at all;
- 401 and 403 where a user must be signed in;
- 404 where the path names an object, or a page of a list;
- 413 and 415 where there is a body;
- 429 everywhere (the throttles), with Retry-After.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from core.api import ErrorDetailSerializer

FIELD_ERRORS = "FieldErrors"
ERROR_DETAIL = "ErrorDetail"  # core.api.ErrorDetailSerializer
VALIDATION_ERRORS = "ValidationErrors"

COMPONENTS: dict[str, dict[str, Any]] = {
    FIELD_ERRORS: {
        "type": "object",
        "description": "Messages per input field; `non_field_errors` for the request as a whole. "
        "An object or a list of objects in the input has its own messages, nested.",
        "additionalProperties": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {"type": "string"},
                            {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
                        ]
                    },
                },
                {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
            ]
        },
        "example": {"occurred_at": ["The time it happened cannot be in the future."]},
    },
    VALIDATION_ERRORS: {
        "description": "Messages per input field or, for a body that cannot be read at all "
        "(not JSON, nested too deeply), a single `detail`.",
        "anyOf": [
            {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
            {"$ref": f"#/components/schemas/{ERROR_DETAIL}"},
        ],
    },
}

VALIDATION_ERRORS_REF = {"$ref": f"#/components/schemas/{VALIDATION_ERRORS}"}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # An empty query parameter reads as one not given, as django-filter, DRF's
            # serializers and pagination all read it.
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        for code, response in self._error_responses(operation).items():
            responses.setdefault(code, response)
        return operation

    def _map_serializer_field(
        self, field: serializers.Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A method field typed `-> X | None` may give null, even when extend_schema_field
        # names its type without saying so.
        if (
            isinstance(field, serializers.SerializerMethodField)
            and "$ref" not in schema
            and _may_return_none(field)
        ):
            schema["nullable"] = True
        return schema

    def _error_responses(self, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        has_query = any(p.get("in") == "query" for p in parameters)
        has_path = any(p.get("in") == "path" for p in parameters)
        errors: dict[str, dict[str, Any]] = {}
        if has_body or has_query:
            errors["400"] = self._response(
                VALIDATION_ERRORS_REF, _("Invalid input; messages per field.")
            )
        if self._needs_sign_in():
            errors["401"] = self._detail(_("No valid token or session: sign in first."))
            errors["403"] = self._detail(_("The user may not do this."))
        if has_path:
            errors["404"] = self._detail(_("No such object in the user's scope."))
        elif any(p.get("in") == "query" and p["name"] == "page" for p in parameters):
            errors["404"] = self._detail(_("No such page."))
        if has_body:
            errors["413"] = self._detail(_("The request body is too large."))
            errors["415"] = self._detail(_("The body is not in a format the endpoint reads."))
        if self.view.get_throttles():
            errors["429"] = {
                **self._detail(_("Too many requests: wait as Retry-After says.")),
                "headers": RETRY_AFTER,
            }
        return errors

    def _needs_sign_in(self) -> bool:
        return not all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _detail(self, description: str) -> dict[str, Any]:
        return self._get_response_for_code(ErrorDetailSerializer, "4XX") | {
            "description": str(description)
        }

    def _response(self, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {
            "description": str(description),
            "content": {"application/json": {"schema": schema}},
        }


def _may_return_none(field: serializers.SerializerMethodField) -> bool:
    method = getattr(field.parent, field.method_name, None)
    if method is None:
        return False
    try:
        returned = typing.get_type_hints(method).get("return")
    except Exception:  # a name the module imports only for type checking
        return "None" in str(getattr(method, "__annotations__", {}).get("return", ""))
    if isinstance(returned, types.UnionType) or typing.get_origin(returned) is typing.Union:
        return type(None) in typing.get_args(returned)
    return False


def add_error_components(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the components the error responses refer to."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in COMPONENTS.items():
        schemas.setdefault(name, component)
    # Referred to by ValidationErrors even in a schema where no response names it.
    schemas.setdefault(
        ERROR_DETAIL,
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    )
    return result
