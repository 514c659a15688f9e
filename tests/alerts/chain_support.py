"""Forging a timeline in tests: the database refuses any change of a line on PostgreSQL
(alerts 0010), so a test that stages an edit, a removal or an old data migration lifts the
guard for a block, as only the table's owner can."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

TRIGGER = "alerts_alertevent_append_only"


@contextmanager
def timeline_writable() -> Iterator[None]:
    """Lines may be changed and removed inside the block. In a transaction of its own: the
    guard is back when the block ends, even on an error."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred foreign key checks pending (rows the test
        # wrote): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE alerts_alertevent DISABLE TRIGGER {TRIGGER}")
        yield
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE alerts_alertevent ENABLE ALWAYS TRIGGER {TRIGGER}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
