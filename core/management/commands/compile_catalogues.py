"""Compile every locale/<language>/LC_MESSAGES/*.po to .mo with polib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.catalogues import catalogue_compile, po_files


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po to .mo) without the gettext tools."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--locale-dir",
            action="append",
            type=Path,
            dest="locale_dirs",
            help="Directory holding <language>/LC_MESSAGES/ (default: settings.LOCALE_PATHS).",
        )
        parser.add_argument(
            "-l", "--locale", action="append", dest="languages", help="Only this language."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dirs = options["locale_dirs"] or [Path(p) for p in settings.LOCALE_PATHS]
        paths = list(po_files(locale_dirs, languages=options["languages"]))
        if not paths:
            # Not an error: a checkout without catalogues still runs, in English.
            # check_catalogues is the gate that a catalogue is missing.
            where = ", ".join(str(d) for d in locale_dirs)
            self.stderr.write(f"No .po files under {where}: nothing to compile.")
            return
        for po_path in paths:
            mo_path = catalogue_compile(po_path=po_path)
            self.stdout.write(f"Compiled {po_path} -> {mo_path.name}")
