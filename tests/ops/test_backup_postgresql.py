"""A backup of PostgreSQL restored into a fresh database of the same server: every alert,
event and report is found there, and the report's files beside it."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from ops.backup import MANIFEST, PG_DUMP_FILE, BackupError, backup_create, backup_restore
from tests.ops.seed import ALERTS, EVENTS_PER_ALERT, backup_data_seed, decrypted_sources

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="pg_dump and pg_restore need PostgreSQL: set DATABASE_URL=postgres://...",
)


def _server(settings_dict: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname="postgres",
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture
def fresh_database() -> Iterator[dict[str, Any]]:
    """A database of its own on the test server, named after the test database."""
    source = connection.settings_dict
    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _server(source) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        with _server(source) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _target(database: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    )


def _rows(database: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    with _target(database) as target:
        return target.execute(sql).fetchall()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# Committed rows: pg_dump reads them from a process of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_into_a_fresh_database_finds_everything(
    settings, tmp_path: Path, fresh_database: dict[str, Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    report = backup_data_seed()
    folder = backup_create(
        database=connection.settings_dict,
        media_root=tmp_path / "media",
        backup_dir=tmp_path / "backups",
        keep=14,
    )
    restored_media = tmp_path / "restored"

    result = backup_restore(folder=folder, database=fresh_database, media_root=restored_media)

    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["database"] == connection.settings_dict["NAME"]
    expected = {"alerts": ALERTS, "alert_events": ALERTS * EVENTS_PER_ALERT, "reports": 1}
    assert manifest["counts"] == expected
    assert result.counts == expected
    assert decrypted_sources(
        _rows(
            fresh_database,
            "SELECT reference, source_name, source_contact FROM alerts_alert ORDER BY reference",
        )
    ) == [
        (f"ALT-2026-{n + 1:06d}", f"Informant {n}", f"+236 7000 00{n:02d}") for n in range(ALERTS)
    ]
    assert _rows(
        fresh_database,
        "SELECT COUNT(*) FROM alerts_alertevent WHERE note LIKE 'Checked with the chief %'",
    ) == [(ALERTS,)]
    assert _rows(fresh_database, "SELECT id, kind, pdf, csv FROM reporting_report") == [
        (report.pk, "weekly", report.pdf.name, report.csv.name)
    ]
    assert _rows(
        fresh_database,
        "SELECT name FROM django_migrations WHERE app = 'reporting' ORDER BY id DESC LIMIT 1",
    ) == [(manifest["migrations"]["reporting"],)]
    assert _files(restored_media) == _files(tmp_path / "media")
    assert _files(restored_media)[report.pdf.name].startswith(b"%PDF")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_tables_or_a_corrupted_dump_is_refused(
    settings, tmp_path: Path, fresh_database: dict[str, Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    backup_data_seed()
    folder = backup_create(
        database=connection.settings_dict,
        media_root=tmp_path / "media",
        backup_dir=tmp_path / "backups",
        keep=14,
    )
    # A database restored once: its identity columns own sequences.
    backup_restore(folder=folder, database=fresh_database, media_root=tmp_path / "restored")
    with _target(fresh_database) as target:
        target.execute("CREATE TABLE kept_by_someone (id int)")

    with pytest.raises(
        BackupError, match=r"The target is not empty: the database '\w+' has \d+ tables"
    ):
        backup_restore(folder=folder, database=fresh_database, media_root=tmp_path / "restored")
    forced = backup_restore(
        folder=folder, database=fresh_database, media_root=tmp_path / "restored", force=True
    )
    with (folder / PG_DUMP_FILE).open("ab") as dump:
        dump.write(b"\0")
    with pytest.raises(BackupError, match=f"{PG_DUMP_FILE} is corrupted: sha256"):
        backup_restore(
            folder=folder, database=fresh_database, media_root=tmp_path / "other", force=True
        )

    assert forced.counts["alerts"] == ALERTS
    assert _rows(
        fresh_database, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'kept_by_someone'"
    ) == [(0,)]
    assert not (tmp_path / "other").exists()
