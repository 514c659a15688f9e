"""Fail when a translation catalogue is incomplete, fuzzy, or not compiled from its .po."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.catalogues import catalogue_check, po_files

_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Check that the catalogues of every language other than the source language have no "
        "untranslated or fuzzy entries and that their .mo matches the .po."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--locale-dir",
            action="append",
            type=Path,
            dest="locale_dirs",
            help="Directory holding <language>/LC_MESSAGES/ (default: settings.LOCALE_PATHS).",
        )
        parser.add_argument(
            "-l",
            "--locale",
            action="append",
            dest="languages",
            help="Language to check (default: every language of settings.LANGUAGES but the source).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dirs = options["locale_dirs"] or [Path(p) for p in settings.LOCALE_PATHS]
        languages = options["languages"] or [
            code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        ]
        failures = []
        for language in languages:
            paths = list(po_files(locale_dirs, languages=[language]))
            if not paths:
                failures.append(f"{language}: no django.po catalogue")
                continue
            for po_path in paths:
                report = catalogue_check(po_path=po_path)
                if report.ok:
                    self.stdout.write(f"OK {po_path}")
                    continue
                failures.extend(f"{po_path}: {problem}" for problem in report.problems)
                for kind, msgids in (
                    ("untranslated", report.untranslated),
                    ("fuzzy", report.fuzzy),
                ):
                    if msgids:
                        shown = "; ".join(repr(m) for m in msgids[:_SHOWN])
                        more = f" and {len(msgids) - _SHOWN} more" if len(msgids) > _SHOWN else ""
                        failures.append(f"{po_path}: {len(msgids)} {kind}: {shown}{more}")
        if failures:
            raise CommandError("Translation catalogues are not ready:\n" + "\n".join(failures))
