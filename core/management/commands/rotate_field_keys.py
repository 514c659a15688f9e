"""Re-encrypt every value encrypted at rest with the newest key of FIELD_ENCRYPTION_KEYS.

`manage.py rotate_field_keys [--batch-size N]`. Put the new key first, keep the old ones after
it, restart the processes, run this, then drop the old keys. It can be stopped and run again:
values already under the newest key are skipped. Each batch is its own transaction, and a
value is replaced only if nobody changed it meanwhile (a conditional UPDATE).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction

from core.encryption import EncryptedCharField, is_current, rotate


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedCharField]]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            found.append((model, fields))
    return found


def rotate_model(
    model: type[models.Model], fields: list[EncryptedCharField], *, batch_size: int
) -> dict[str, int]:
    """Rotate one table's encrypted columns, by ranges of primary keys. Raw SQL: the model's
    fields would hand back the decrypted text."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    counts = {"rows": 0, "rotated": 0, "changed_meanwhile": 0}
    last: Any = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            where = f"WHERE {pk} > %s " if last is not None else ""
            columns = ", ".join(qn(f.column) for f in fields)
            cursor.execute(
                f"SELECT {pk}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT %s",
                ([last] if last is not None else []) + [batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return counts
            for row in rows:
                key, values = row[0], row[1:]
                for field, token in zip(fields, values, strict=True):
                    if not token or is_current(token):
                        continue
                    column = qn(field.column)
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",
                        [str(rotate(token)), key, token],
                    )
                    if cursor.rowcount == 1:
                        counts["rotated"] += 1
                    else:
                        counts["changed_meanwhile"] += 1
            counts["rows"] += len(rows)
            last = rows[-1][0]


class Command(BaseCommand):
    help = (
        "Re-encrypt every value encrypted at rest (sources' names and contacts) with the first "
        "key of FIELD_ENCRYPTION_KEYS. Safe to stop and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, options["batch_size"])
        for model, fields in encrypted_columns():
            counts = rotate_model(model, fields, batch_size=batch_size)
            names = ", ".join(f.name for f in fields)
            self.stdout.write(
                f"{model._meta.label} ({names}): {counts['rows']} rows read, "
                f"{counts['rotated']} values re-encrypted, "
                f"{counts['changed_meanwhile']} changed meanwhile (already under the new key)."
            )
