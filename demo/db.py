"""Bulk writes for the demo data: alert references, primary keys, and rows by COPY or INSERT.

Rows are plain tuples in the order of the field names given, with the values the model
fields hold (aware datetimes, Decimals, dicts for JSON). On PostgreSQL they go in with COPY;
elsewhere with one executemany per batch. Model instances, signals and `save()` are skipped
on purpose: this writes a million alerts in minutes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from alerts.models import Alert, ReferenceCounter
from core.encryption import EncryptedCharField, encrypt_for_storage

REFERENCE_PREFIX = "ALT"


class RawJson(str):
    """A JSON document already encoded: written as is, not encoded again."""

    @functools.cached_property
    def jsonb(self) -> bytes:
        """The binary COPY form of jsonb: a version byte, then the text."""
        return _JSONB_VERSION + self.encode()


_JSONB_VERSION = b"\x01"


def reference_format(year: int, number: int) -> str:
    """The alert reference: ALT-<year>-<number on at least six digits>."""
    return f"{REFERENCE_PREFIX}-{year}-{number:06d}"


def _highest_reference_number(year: int) -> int:
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    # Six-digit numbers sort as strings; the unique index on reference answers this.
    last = (
        Alert.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    return int(last.removeprefix(prefix)) if last else 0


def references_reserve(*, year: int, count: int) -> int:
    """Reserve `count` consecutive alert numbers in `year` and return the first.

    The counter row is locked, so alerts logged meanwhile take numbers after the reserved
    ones. A counter behind the references already used (imported data) is moved past them.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(year=year)
        counter = ReferenceCounter.objects.select_for_update().get(year=year)
        first = max(counter.last, _highest_reference_number(year)) + 1
        counter.last = first + count - 1
        counter.save(update_fields=["last"])
    return first


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken from the table's sequence.

    On SQLite the caller must hold the write lock (be inside transaction.atomic, which
    BEGINs IMMEDIATE here) so nobody else takes the same ids.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX({connection.ops.quote_name(pk_column)}) "
            f"FROM {connection.ops.quote_name(table)}"
        )
        start = (cursor.fetchone()[0] or 0) + 1
    return list(range(start, start + count))


# PostgreSQL column types -> the psycopg type names binary COPY sends them as.
_BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "text": "text",
    "jsonb": "jsonb",
}


def _binary_type(db_type: str) -> str | None:
    if db_type.startswith("varchar"):
        return "text"
    if db_type.startswith("numeric"):
        return "numeric"
    return _BINARY_TYPES.get(db_type)


def rows_insert(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert rows of values for `field_names` into the model's table. Returns the count."""
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(field.column) for field in fields)
    if connection.vendor == "postgresql":
        return _copy(fields, table, columns, rows)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    prepared = [
        [
            field.get_db_prep_save(
                json.loads(value) if isinstance(value, RawJson) else value, connection
            )
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
    return len(prepared)


def _copy(
    fields: list[models.Field], table: str, columns: str, rows: Iterable[Sequence[Any]]
) -> int:
    """COPY, in the binary format when every column type allows (less work on both sides)."""
    types = [_binary_type(field.db_type(connection) or "") for field in fields]
    binary = all(types)
    json_at = [i for i, field in enumerate(fields) if isinstance(field, models.JSONField)]
    if binary:
        # jsonb goes as the bytes jsonb_recv reads, encoded once per distinct document.
        types = ["bytea" if i in json_at else t for i, t in enumerate(types)]

    def encode(value: Any) -> Any:
        if binary:
            if isinstance(value, RawJson):
                return value.jsonb
            return _JSONB_VERSION + json.dumps(value).encode()
        return value if isinstance(value, RawJson) else json.dumps(value)

    # COPY skips the fields' own preparation: encrypted columns get their tokens here (a value
    # already encrypted, a Ciphertext, goes as it is), so no plain text ever reaches them.
    secret_at = [i for i, field in enumerate(fields) if isinstance(field, EncryptedCharField)]
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: COPY is not in Django's API
        options = " (FORMAT BINARY)" if binary else ""
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN{options}") as copy:
            if binary:
                copy.set_types(types)
            for row in rows:
                if json_at or secret_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = encode(row[i])
                    for i in secret_at:
                        if row[i]:
                            row[i] = str(encrypt_for_storage(row[i]))
                copy.write_row(row)
                count += 1
    return count


@contextmanager
def foreign_key_checks_skipped() -> Iterator[bool]:
    """Skip the foreign key triggers inside the block, if allowed; yields whether they are.

    Only for rows whose references were read from the database in the same run (the bulk
    demo alerts): checking millions of references one by one takes most of the time.
    PostgreSQL allows it to superusers only (as pg_restore --disable-triggers does);
    elsewhere, or without the privilege, the checks stay. Use it inside a transaction:
    an error rolls the setting back with the rest.
    """
    skipped = False
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            skipped = True
        except DatabaseError:
            skipped = False
    yield skipped
    if skipped:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
