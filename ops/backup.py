"""Backups of the database and the generated files, and their restore.

A backup is one folder under the backup directory, named after its time in UTC
(`20260610T021500Z`), holding:

- `database.dump`: `pg_dump --format=custom` of the PostgreSQL database, or
  `database.sqlite3`: a copy made with SQLite's online backup API;
- `media.tar.gz`: every file under MEDIA_ROOT (the PDF and CSV of the compiled reports);
- `manifest.json`: when, which database, the last applied migration of each app, the number
  of alerts, alert events and reports in the copy, and the sha256 of each file above.

The counts and the migrations are read from the very snapshot that is copied (an exported
snapshot on PostgreSQL, the copy itself on SQLite), so a restore can be checked against them
while the system keeps taking alerts during the backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FORMAT_VERSION = 1
FOLDER_FORMAT = "%Y%m%dT%H%M%SZ"
FOLDER_NAME = re.compile(r"^\d{8}T\d{6}Z$")

# What a restore is checked against: name in the manifest -> model whose rows are counted.
COUNTED = {
    "alerts": "alerts.Alert",
    "alert_events": "alerts.AlertEvent",
    "reports": "reporting.Report",
}

# Connection parameters of a Django DATABASES entry's OPTIONS that libpq understands.
_LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "passfile",
    "service",
}

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or a restore could not be made or did not check out; the message says why."""


@dataclass
class RestoreResult:
    folder: Path
    counts: dict[str, int]
    media_files: int
    warnings: list[str] = field(default_factory=list)


# --- shared -----------------------------------------------------------------------------------


def _is_postgresql(database: Mapping[str, Any]) -> bool:
    return "postgresql" in database["ENGINE"]


def _is_sqlite(database: Mapping[str, Any]) -> bool:
    return database["ENGINE"].endswith("sqlite3")


def _check_engine(database: Mapping[str, Any]) -> None:
    if not (_is_postgresql(database) or _is_sqlite(database)):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {database['ENGINE']}.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> dict[str, str]:
    return {name: apps.get_model(label)._meta.db_table for name, label in COUNTED.items()}


def _read_state(execute: Callable[[str], list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Counts and the last applied migration of each app, through `execute` (one SQL query
    to rows), so the same code reads a PostgreSQL snapshot and a SQLite file."""
    counts = {
        name: int(execute(f'SELECT COUNT(*) FROM "{table}"')[0][0])
        for name, table in _tables().items()
    }
    migrations: dict[str, str] = {}
    for app, name in execute("SELECT app, name FROM django_migrations ORDER BY id"):
        migrations[app] = name
    return {"counts": counts, "migrations": dict(sorted(migrations.items()))}


def _libpq_params(database: Mapping[str, Any]) -> dict[str, str]:
    params = {
        "dbname": database.get("NAME") or "",
        "user": database.get("USER") or "",
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
    }
    for key, value in (database.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS:
            params[key] = str(value)
    return {key: value for key, value in params.items() if value}


def _connect(database: Mapping[str, Any], **params: str) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(
            **{**_libpq_params(database), **params},
            password=database.get("PASSWORD") or None,
            autocommit=True,
        )
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot connect to the database {database.get('NAME')!r}: {error}".strip()
        ) from None


def _client_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment of pg_dump and pg_restore: the password there, never on a command line
    that `ps` shows."""
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _conninfo(database: Mapping[str, Any]) -> str:
    return psycopg.conninfo.make_conninfo(**_libpq_params(database))


def _server_major(connection: psycopg.Connection[Any]) -> int:
    return connection.info.server_version // 10000


def _client_tool(name: str, server_major: int) -> tuple[str, int]:
    """pg_dump or pg_restore of the server's major version (or newer), or a BackupError
    saying what to install."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name) or ""]
    fix = f"install postgresql-client-{server_major} (Debian: apt-get install postgresql-client-{server_major})"
    for path in candidates:
        if path and os.access(path, os.X_OK):
            output = subprocess.run(
                [path, "--version"], capture_output=True, text=True, check=False
            ).stdout
            found = re.search(r"(\d+)(?:\.\d+)?", output)
            major = int(found.group(1)) if found else 0
            if major >= server_major:
                return path, major
            raise BackupError(
                f"{path} is version {major} but the server is PostgreSQL {server_major}: {fix}."
            )
    raise BackupError(f"{name} was not found: {fix}.")


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()}")


@contextmanager
def _private_umask() -> Iterator[None]:
    # The copies hold informants' names and contacts: readable by their owner only.
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


# --- backup -----------------------------------------------------------------------------------


def backup_create(
    *,
    database: Mapping[str, Any],
    media_root: Path,
    backup_dir: Path,
    keep: int,
    now: dt.datetime | None = None,
    say: Say = lambda line: None,
) -> Path:
    """Copy the database and MEDIA_ROOT into a new folder of backup_dir, write its manifest,
    then remove the oldest folders beyond `keep`. Returns the new folder."""
    _check_engine(database)
    if keep < 1:
        raise BackupError("BACKUP_KEEP must be at least 1.")
    now = now or dt.datetime.now(dt.UTC)
    name = now.astimezone(dt.UTC).strftime(FOLDER_FORMAT)
    final = backup_dir / name
    if final.exists():
        raise BackupError(f"{final} already exists: one backup per second at most.")
    with _private_umask():
        backup_dir.mkdir(parents=True, exist_ok=True)
        partial = backup_dir / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        try:
            manifest = _write_backup(
                database=database, media_root=media_root, folder=partial, now=now, say=say
            )
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            partial.rename(final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    for removed in backups_prune(backup_dir=backup_dir, keep=keep, current=final):
        say(f"Removed the old backup {removed.name}")
    return final


def _write_backup(
    *, database: Mapping[str, Any], media_root: Path, folder: Path, now: dt.datetime, say: Say
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "database": str(database["NAME"]),
    }
    # The database first, then the files: a report compiled in between has its files in the
    # archive and no row, which is harmless; the other order would lose its files.
    if _is_postgresql(database):
        manifest |= _dump_postgresql(database, folder / PG_DUMP_FILE)
        database_file = PG_DUMP_FILE
    else:
        manifest |= _copy_sqlite(Path(database["NAME"]), folder / SQLITE_FILE)
        database_file = SQLITE_FILE
    say(f"Database {manifest['database']} copied ({manifest['engine']})")
    manifest["media"] = _archive_media(media_root, folder / MEDIA_ARCHIVE)
    say(f"{manifest['media']['files']} files of {media_root} archived")
    manifest["files"] = {
        name: {"sha256": sha256_of(folder / name), "bytes": (folder / name).stat().st_size}
        for name in (database_file, MEDIA_ARCHIVE)
    }
    return manifest


def _dump_postgresql(database: Mapping[str, Any], target: Path) -> dict[str, Any]:
    with _connect(database) as connection:
        server_major = _server_major(connection)
        pg_dump, client_major = _client_tool("pg_dump", server_major)
        connection.autocommit = False
        # pg_dump reads the snapshot this transaction exported, so the counts below are those
        # of the copy, whatever is written meanwhile.
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        state = _read_state(lambda sql: connection.execute(sql).fetchall())
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={_conninfo(database)}",
            ],
            env=_client_env(database),
            what="pg_dump",
        )
        connection.rollback()
        server_version = connection.info.parameter_status("server_version") or ""
    return {
        "engine": "postgresql",
        "server_version": server_version,
        "pg_dump_major": client_major,
        **state,
    }


def _copy_sqlite(source: Path, target: Path) -> dict[str, Any]:
    if not source.exists():
        raise BackupError(f"The SQLite database {source} does not exist.")
    with (
        _closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as origin,
        _closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy)
        state = _read_state(lambda sql: copy.execute(sql).fetchall())
    return {"engine": "sqlite", "sqlite_version": sqlite3.sqlite_version, **state}


@contextmanager
def _closing(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # sqlite3's own context manager ends a transaction but leaves the file open.
    try:
        yield connection
    finally:
        connection.close()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def _archive_media(media_root: Path, target: Path) -> dict[str, int]:
    files = _media_files(media_root)
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for path in files:
            archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def backups_prune(*, backup_dir: Path, keep: int, current: Path) -> list[Path]:
    """Remove the oldest backup folders beyond the `keep` newest; never `current`."""
    folders = sorted(
        (path for path in backup_dir.iterdir() if path.is_dir() and FOLDER_NAME.match(path.name)),
        key=lambda path: path.name,
        reverse=True,
    )
    kept = [current, *[path for path in folders if path != current][: keep - 1]]
    removed = [path for path in folders if path not in kept]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- restore ----------------------------------------------------------------------------------


def manifest_read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup, or an unfinished one.")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path} has format {manifest.get('format')!r}, not {FORMAT_VERSION}.")
    return manifest


def backup_verify(folder: Path, manifest: Mapping[str, Any]) -> None:
    """Raise a BackupError naming every file of the backup that is missing or whose sha256
    is not the manifest's."""
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif (actual := sha256_of(path)) != expected["sha256"]:
            problems.append(
                f"{name} is corrupted: sha256 {actual}, the manifest says {expected['sha256']}"
            )
    if problems:
        raise BackupError(
            f"The backup {folder} does not match its manifest: " + "; ".join(problems)
        )


def backup_restore(
    *,
    folder: Path,
    database: Mapping[str, Any],
    media_root: Path,
    force: bool = False,
    say: Say = lambda line: None,
) -> RestoreResult:
    """Check every file of the backup, restore the database into `database` (refused when it
    holds tables, unless force), restore MEDIA_ROOT, then check the counts and migrations of
    the restored database against the manifest."""
    _check_engine(database)
    manifest = manifest_read(folder)
    backup_verify(folder, manifest)
    say(f"Files of {folder.name} match their sha256")
    engine = "postgresql" if _is_postgresql(database) else "sqlite"
    if manifest["engine"] != engine:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; the target is {engine}."
        )
    _check_target_empty(database, media_root, force=force)
    if engine == "postgresql":
        _restore_postgresql(folder / PG_DUMP_FILE, database)
    else:
        _restore_sqlite(folder / SQLITE_FILE, Path(database["NAME"]))
    say(f"Database {database['NAME']} restored")
    media_files = _restore_media(folder / MEDIA_ARCHIVE, media_root)
    say(f"{media_files} files restored into {media_root}")
    state = _target_state(database)
    _check_against_manifest(manifest, state, media_files)
    warnings = _migration_warnings(state["migrations"])
    return RestoreResult(
        folder=folder, counts=state["counts"], media_files=media_files, warnings=warnings
    )


def _check_target_empty(database: Mapping[str, Any], media_root: Path, *, force: bool) -> None:
    tables = _target_tables(database)
    files = _media_files(media_root)
    if force or (not tables and not files):
        return
    problems = []
    if tables:
        problems.append(f"the database {database['NAME']!r} has {len(tables)} tables")
    if files:
        problems.append(f"{media_root} holds {len(files)} files")
    raise BackupError(
        "The target is not empty: "
        + " and ".join(problems)
        + ". Restore into an empty database, or replace everything with FORCE=1 (--force)."
    )


def _target_tables(database: Mapping[str, Any]) -> list[str]:
    if _is_sqlite(database):
        path = Path(database["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return []
        with _closing(sqlite3.connect(path)) as connection:
            rows = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        return [row[0] for row in rows]
    with _connect(database) as connection:
        rows = connection.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%'"
        ).fetchall()
    return [row[0] for row in rows]


def _restore_postgresql(dump: Path, database: Mapping[str, Any]) -> None:
    with _connect(database) as connection:
        server_major = _server_major(connection)
        pg_restore, _major = _client_tool("pg_restore", server_major)
        # FORCE: what the target holds goes first, so nothing of it survives beside the copy.
        connection.execute(
            "DO $$ DECLARE item record; BEGIN "
            "FOR item IN SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%' "
            # Sequences last: those of identity columns go with their table.
            "ORDER BY c.relkind = 'S' LOOP "
            "EXECUTE format(CASE item.kind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I.%I CASCADE' "
            "WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE' "
            "WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I.%I CASCADE' "
            "WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I.%I CASCADE' "
            "ELSE 'DROP TABLE IF EXISTS %I.%I CASCADE' END, item.schema, item.name); "
            "END LOOP; "
            # Functions too (those of triggers, such as the timeline's append-only guard): the
            # dump creates them again. Those of extensions stay with their extension.
            "FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.prokind = 'f' "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%' "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
            "AND d.objid = p.oid AND d.deptype = 'e') LOOP "
            "EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature); "
            "END LOOP; END $$"
        )
    # One transaction: a restore that fails leaves the target as empty as it was. The owner
    # and grants of the source are left out: the target's user owns what it restores.
    _run(
        [
            pg_restore,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_conninfo(database)}",
            str(dump),
        ],
        env=_client_env(database),
        what="pg_restore",
    )
    with _connect(database) as connection:
        # pg_restore leaves the planner without statistics until autovacuum comes by.
        connection.execute("ANALYZE")


def _restore_sqlite(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        _closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as origin,
        _closing(sqlite3.connect(target)) as destination,
    ):
        # The backup API replaces every page of the target: nothing of it survives.
        origin.backup(destination)


def _restore_media(archive: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    # Emptied, not removed: MEDIA_ROOT may be a mounted volume.
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(archive, "r:gz") as source:
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        source.extractall(media_root, filter="data")
    return len(_media_files(media_root))


def _target_state(database: Mapping[str, Any]) -> dict[str, Any]:
    if _is_sqlite(database):
        with _closing(sqlite3.connect(database["NAME"])) as connection:
            return _read_state(lambda sql: connection.execute(sql).fetchall())
    with _connect(database) as connection:
        return _read_state(lambda sql: connection.execute(sql).fetchall())


def _check_against_manifest(
    manifest: Mapping[str, Any], state: Mapping[str, Any], media_files: int
) -> None:
    problems = [
        f"{name}: {state['counts'].get(name)} restored, {expected} in the manifest"
        for name, expected in manifest["counts"].items()
        if state["counts"].get(name) != expected
    ]
    if state["migrations"] != manifest["migrations"]:
        problems.append("the migrations restored differ from the manifest's")
    if media_files != manifest["media"]["files"]:
        problems.append(
            f"files: {media_files} restored, {manifest['media']['files']} in the manifest"
        )
    if problems:
        raise BackupError("The restored data does not match the manifest: " + "; ".join(problems))


def _migration_warnings(restored: Mapping[str, str]) -> list[str]:
    """What an operator must know before starting the system on the restored database."""
    leaves: dict[str, set[str]] = {}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, name in graph.leaf_nodes():
        leaves.setdefault(app, set()).add(name)
    warnings = []
    for app, name in sorted(restored.items()):
        if app in leaves and (app, name) not in graph.nodes:
            warnings.append(
                f"{app}: the backup is at migration {name}, which this code does not have; "
                "restore with the code the backup was made with"
            )
    behind = [app for app, names in leaves.items() if restored.get(app) not in names]
    if behind and not warnings:
        warnings.append(
            "The backup is at older migrations than this code ("
            + ", ".join(sorted(behind))
            + "): run `manage.py migrate` before starting the system"
        )
    return warnings
