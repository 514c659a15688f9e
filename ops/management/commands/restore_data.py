"""Restore a backup of `backup_data`: `manage.py restore_data FOLDER` (`make restore`)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Check the sha256 of every file of a backup folder, restore its database into the "
        "configured database (DATABASE_URL) and its files into MEDIA_ROOT, then check the "
        "counts of alerts, alert events and reports against its manifest. Refuses a target "
        "that is not empty unless --force. Stop the web, workers and beat first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="The backup folder (BACKUP_DIR/<time>).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database and MEDIA_ROOT hold.",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = backup_restore(
                folder=Path(options["folder"]),
                database=settings.DATABASES[options["database"]],
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
                say=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        except (psycopg.Error, sqlite3.Error) as error:
            raise CommandError(f"The database refused: {error}") from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        counts = ", ".join(f"{count} {name}" for name, count in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.folder.name} in {time.monotonic() - started:.1f} s: {counts}, "
                f"{result.media_files} files; all match the manifest"
            )
        )
