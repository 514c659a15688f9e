"""Keyset (cursor) pages of an ordered list: any depth at the cost of the first page, no count.

A page is read from where the previous one stopped, by the values of its ordering keys (the
last of them the primary key, so the order is total), never by an offset: a row that arrives
while someone reads never shifts the pages, so nothing is skipped or shown twice. The cursor
carries the keys of the row it starts after (or before, going back) and the ordering it was made
for, signed: one that was edited, cut or made for another ordering is refused, not guessed at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

SALT = "core.keyset"
CURSOR_MAX_LENGTH = 500


class CursorInvalid(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This page link cannot be read (changed or out of date): start again from the first page."
            ),
            code="invalid_cursor",
        )


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool

    @classmethod
    def parse(cls, term: str) -> Key:
        return cls(term.lstrip("-"), term.startswith("-"))

    @property
    def term(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def keys_of(queryset: QuerySet) -> list[Key]:
    """The ordering of `queryset` as keys, the primary key last (added when missing)."""
    terms = [str(term) for term in (queryset.query.order_by or queryset.model._meta.ordering)]
    pk = queryset.model._meta.pk.name
    # "pk" and the primary key's name are one key: a cursor reads the same either way.
    keys = [Key(pk, key.descending) if key.field == "pk" else key for key in map(Key.parse, terms)]
    if not any(key.field == pk for key in keys):
        keys.append(Key(pk, keys[-1].descending if keys else True))
    return keys


def keyset_page(queryset: QuerySet, *, cursor: str | None, size: int) -> KeysetPage:
    """The page of `queryset` (ordered, the order of its `order_by`) that `cursor` points to;
    the first page without one. Raises CursorInvalid for a cursor it did not make."""
    keys = keys_of(queryset)
    ordering = [key.term for key in keys]
    queryset = queryset.order_by(*ordering)
    backwards = False
    if cursor:
        values, backwards = _decode(cursor, ordering, keys)
        queryset = queryset.filter(_after(keys, values, reverse=backwards))
        if backwards:
            queryset = queryset.order_by(*[Key(k.field, not k.descending).term for k in keys])
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    has_next = more if not backwards else True
    has_previous = bool(cursor) if not backwards else more
    return KeysetPage(
        rows,
        _encode(rows[-1], keys, ordering, backwards=False) if has_next else None,
        _encode(rows[0], keys, ordering, backwards=True) if has_previous else None,
    )


def _after(keys: Sequence[Key], values: Sequence[Any], *, reverse: bool) -> Q:
    """Rows strictly after `values` in the order of `keys` (before them when `reverse`).

    Written as a bound on the first key AND the lexicographic comparison, so the database can
    read the first key's index from the cursor on instead of from the top."""

    def beyond(key: Key) -> str:
        return "lt" if key.descending != reverse else "gt"

    def bound(key: Key) -> str:
        return "lte" if key.descending != reverse else "gte"

    first = keys[0]
    comparison = Q()
    for index, key in enumerate(keys):
        equal = {k.field: v for k, v in zip(keys[:index], values[:index], strict=True)}
        comparison |= Q(**equal, **{f"{key.field}__{beyond(key)}": values[index]})
    return Q(**{f"{first.field}__{bound(first)}": values[0]}) & comparison


def _value(row: Model, field: str) -> Any:
    value = getattr(row, "pk" if field == "pk" else field)
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    return value


def _encode(row: Model, keys: Sequence[Key], ordering: list[str], *, backwards: bool) -> str:
    payload = {"o": ordering, "k": [_value(row, key.field) for key in keys]}
    if backwards:
        payload["b"] = 1
    return signing.dumps(payload, salt=SALT, compress=True)


def _decode(cursor: str, ordering: list[str], keys: Sequence[Key]) -> tuple[list[Any], bool]:
    if len(cursor) > CURSOR_MAX_LENGTH:
        raise CursorInvalid
    try:
        payload = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise CursorInvalid from None
    if not isinstance(payload, dict) or payload.get("o") != ordering:
        raise CursorInvalid
    raw = payload.get("k")
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise CursorInvalid
    values = []
    for value in raw:
        if isinstance(value, dict) and "t" in value:
            parsed = parse_datetime(str(value["t"]))
            if parsed is None:
                raise CursorInvalid
            values.append(parsed)
        elif isinstance(value, dict) and "d" in value:
            values.append(Decimal(str(value["d"])))
        elif value is None or isinstance(value, int | str | float):
            values.append(value)
        else:
            raise CursorInvalid
    return values, bool(payload.get("b"))


class KeysetPagination(BasePagination):
    """Django REST framework pages by cursor (keyset_page): `{next, previous, results}`, no
    count; `cursor` and `page_size` in the query. A cursor that cannot be read is a 400 on
    `cursor`."""

    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: APIView | None = None
    ) -> list:
        self.request = request
        cursor = request.query_params.get(self.cursor_query_param) or None
        try:
            self.page = keyset_page(queryset, cursor=cursor, size=self.get_page_size(request))
        except CursorInvalid as exc:
            raise exceptions.ValidationError({self.cursor_query_param: exc.messages}) from None
        return self.page.rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Where the page starts: the `next` or `previous` link's.")),
                "schema": {"type": "string", "maxLength": CURSOR_MAX_LENGTH},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Rows per page (default 50).")),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
