"""Back up the database and the generated files: `manage.py backup_data` (`make backup`)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.env import env_int, env_str
from ops.backup import MANIFEST, BackupError, backup_create

DEFAULT_KEEP = 14


class Command(BaseCommand):
    help = (
        "Copy the database (pg_dump in custom format, or SQLite's online backup) and every "
        "file under MEDIA_ROOT into a new timestamped folder of BACKUP_DIR (default "
        "VAR_DIR/backups) with a manifest, then remove the oldest folders beyond BACKUP_KEEP "
        "(default 14)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backup-dir", help="Folder of the backups (default: BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, help="How many backups to keep (default: BACKUP_KEEP)."
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        backup_dir = Path(
            options["backup_dir"] or env_str("BACKUP_DIR", str(Path(settings.VAR_DIR) / "backups"))
        )
        keep = (
            options["keep"]
            if options["keep"] is not None
            else env_int("BACKUP_KEEP", DEFAULT_KEEP, minimum=1)
        )
        started = time.monotonic()
        try:
            folder = backup_create(
                database=settings.DATABASES[options["database"]],
                media_root=Path(settings.MEDIA_ROOT),
                backup_dir=backup_dir,
                keep=keep,
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        except (psycopg.Error, sqlite3.Error) as error:
            raise CommandError(f"The database refused: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {folder} in {time.monotonic() - started:.1f} s "
                f"(see {folder / MANIFEST})"
            )
        )
