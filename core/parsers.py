"""JSON for the API no deeper than MAX_JSON_DEPTH levels, so that a body nested too deeply is
a 400 that says why, never a 500 (Python's JSON decoder gives up with a RecursionError
somewhere under a thousand levels). The size of a body is limited by Django itself
(DATA_UPLOAD_MAX_MEMORY_SIZE, a 413 from core.api.exception_handler)."""

from __future__ import annotations

import io
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No payload of this API nests deeper than a few levels.
MAX_JSON_DEPTH = 20


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing more than MAX_JSON_DEPTH levels of nesting."""

    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        body = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        # Only a body with enough brackets can nest too deeply: count only then.
        brackets = text.count("[") + text.count("{")
        if brackets > MAX_JSON_DEPTH and json_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(
                _("The JSON is nested too deeply: at most %(max)s levels.")
                % {"max": MAX_JSON_DEPTH}
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)
