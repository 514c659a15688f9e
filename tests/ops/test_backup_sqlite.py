"""backup_data and restore_data on the embedded default (SQLite): every command in a process
of its own, as an operator runs them, on a database of its own."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.backup import MANIFEST, MEDIA_ARCHIVE, SQLITE_FILE, backups_prune, sha256_of
from tests.ops.seed import ALERTS, EVENTS_PER_ALERT, decrypted_sources
from tests.ops.support import checked, manage


@dataclass
class Made:
    source: Path  # the VAR_DIR backed up
    folder: Path  # the backup


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    source = tmp_path_factory.mktemp("source")
    checked(manage("migrate", "--noinput", var_dir=source))
    checked(
        manage(
            "shell",
            "-c",
            "from tests.ops.seed import backup_data_seed; backup_data_seed()",
            var_dir=source,
        )
    )
    backups = tmp_path_factory.mktemp("backups")
    checked(manage("backup_data", "--backup-dir", str(backups), var_dir=source))
    (folder,) = backups.iterdir()
    return Made(source=source, folder=folder)


def _rows(database: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _media(var_dir: Path) -> dict[str, bytes]:
    root = var_dir / "media"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_manifest_names_the_database_migrations_counts_and_checksums(made: Made) -> None:
    manifest = json.loads((made.folder / MANIFEST).read_text())

    assert manifest["engine"] == "sqlite"
    assert manifest["database"] == str(made.source / "db.sqlite3")
    assert manifest["counts"] == {
        "alerts": ALERTS,
        "alert_events": ALERTS * EVENTS_PER_ALERT,
        "reports": 1,
    }
    last = _rows(
        made.source / "db.sqlite3",
        "SELECT name FROM django_migrations WHERE app = 'alerts' ORDER BY id DESC LIMIT 1",
    )
    assert manifest["migrations"]["alerts"] == last[0][0]
    assert set(manifest["files"]) == {SQLITE_FILE, MEDIA_ARCHIVE}
    for name, described in manifest["files"].items():
        assert described["sha256"] == sha256_of(made.folder / name)
    assert manifest["media"]["files"] == 2  # the report's PDF and CSV
    assert (made.folder.stat().st_mode & 0o077) == 0  # readable by its owner only


def test_a_restore_brings_back_every_alert_event_report_and_file(
    made: Made, tmp_path: Path
) -> None:
    done = checked(manage("restore_data", str(made.folder), var_dir=tmp_path))

    assert "all match the manifest" in done.stdout
    database = tmp_path / "db.sqlite3"
    assert decrypted_sources(
        _rows(
            database,
            "SELECT reference, source_name, source_contact FROM alerts_alert ORDER BY reference",
        )
    ) == [
        (f"ALT-2026-{n + 1:06d}", f"Informant {n}", f"+236 7000 00{n:02d}") for n in range(ALERTS)
    ]
    assert _rows(
        database,
        "SELECT COUNT(*) FROM alerts_alertevent WHERE note LIKE 'Checked with the chief %'",
    ) == [(ALERTS,)]
    ((kind, pdf, csv),) = _rows(database, "SELECT kind, pdf, csv FROM reporting_report")
    assert kind == "weekly"
    assert pdf.startswith("reports/pdf/") and csv.startswith("reports/csv/")
    restored = _media(tmp_path)
    assert restored == _media(made.source)
    assert restored[pdf].startswith(b"%PDF")


def test_a_corrupted_file_is_refused_before_anything_is_restored(
    made: Made, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    shutil.copytree(made.folder, folder)
    with (folder / MEDIA_ARCHIVE).open("r+b") as archive:
        archive.seek(100)
        byte = archive.read(1)
        archive.seek(100)
        archive.write(bytes([byte[0] ^ 0xFF]))
    target = tmp_path / "target"

    done = manage("restore_data", str(folder), var_dir=target)

    assert done.returncode == 1
    assert f"{MEDIA_ARCHIVE} is corrupted: sha256" in done.stderr
    assert not (target / "db.sqlite3").exists()


def test_a_target_that_is_not_empty_is_refused_unless_forced(made: Made, tmp_path: Path) -> None:
    checked(manage("restore_data", str(made.folder), var_dir=tmp_path))
    (tmp_path / "media" / "added-since.txt").write_text("not in the backup")

    refused = manage("restore_data", str(made.folder), var_dir=tmp_path)
    forced = manage("restore_data", str(made.folder), "--force", var_dir=tmp_path)

    assert refused.returncode == 1
    assert "The target is not empty: the database" in refused.stderr
    assert "FORCE=1" in refused.stderr
    checked(forced)
    assert _media(tmp_path) == _media(made.source)  # the file added since is gone


def test_a_folder_without_a_manifest_is_refused(tmp_path: Path) -> None:
    done = manage("restore_data", str(tmp_path), var_dir=tmp_path / "target")

    assert done.returncode == 1
    assert f"holds no {MANIFEST}" in done.stderr


def test_a_backup_removes_the_oldest_beyond_keep(made: Made, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    for name in ("20200101T000000Z", "20200102T000000Z", "20200103T000000Z"):
        shutil.copytree(made.folder, backups / name)
    (backups / "not-a-backup").mkdir()

    checked(manage("backup_data", "--backup-dir", str(backups), "--keep", "2", var_dir=made.source))

    names = sorted(path.name for path in backups.iterdir())
    assert len(names) == 3
    assert names[:2] == ["20200103T000000Z", names[1]]
    assert names[1] not in {"20200101T000000Z", "20200102T000000Z"}
    assert names[2] == "not-a-backup"


def test_pruning_never_removes_the_backup_just_made(tmp_path: Path) -> None:
    # A clock set back: the new backup sorts before the others.
    for name in ("20300101T000000Z", "20300102T000000Z", "20200101T000000Z"):
        (tmp_path / name).mkdir()

    removed = backups_prune(backup_dir=tmp_path, keep=2, current=tmp_path / "20200101T000000Z")

    assert sorted(path.name for path in removed) == ["20300101T000000Z"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "20200101T000000Z",
        "20300102T000000Z",
    ]
