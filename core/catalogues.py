"""Translation catalogues: compile .po to .mo with polib (no gettext tools needed) and check
that a catalogue is complete and that its compiled .mo matches it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib

CatalogueKey = tuple[str | None, str, str | None]
CatalogueValue = str | tuple[str, ...]


@dataclass
class CatalogueReport:
    po_path: Path
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.problems)


def po_files(
    locale_dirs: Iterable[Path], *, languages: Iterable[str] | None = None
) -> Iterator[Path]:
    """Every <locale_dir>/<language>/LC_MESSAGES/*.po, optionally only for some languages."""
    wanted = set(languages) if languages is not None else None
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            if wanted is None or po_path.parent.parent.name in wanted:
                yield po_path


def catalogue_compile(*, po_path: Path) -> Path:
    """Write the .mo next to the .po. Fuzzy and untranslated entries are left out, as msgfmt does."""
    mo_path = po_path.with_suffix(".mo")
    catalogue = polib.pofile(str(po_path))
    # Write aside and rename, so a running server never reads half a file.
    fd, tmp_name = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
    os.close(fd)
    try:
        catalogue.save_as_mofile(tmp_name)
        os.replace(tmp_name, mo_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return mo_path


def _entry_key(entry: polib._BaseEntry) -> CatalogueKey:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def _entry_value(entry: polib._BaseEntry) -> CatalogueValue:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def _translations(entries: Iterable[polib._BaseEntry]) -> dict[CatalogueKey, CatalogueValue]:
    return {_entry_key(e): _entry_value(e) for e in entries if e.msgid}


def catalogue_check(*, po_path: Path) -> CatalogueReport:
    """Report untranslated and fuzzy entries, and a .mo that is missing or differs from the .po."""
    report = CatalogueReport(po_path=po_path)
    catalogue = polib.pofile(str(po_path))
    if catalogue.metadata_is_fuzzy:
        report.problems.append("the header entry is marked fuzzy")
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            report.fuzzy.append(entry.msgid)
        elif not entry.translated():
            report.untranslated.append(entry.msgid)

    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        report.problems.append(f"{mo_path.name} is missing: run compile_catalogues")
        return report
    # Compare contents, not modification times: a fresh checkout gives every file the same age.
    compiled = polib.mofile(str(mo_path))
    if _translations(compiled) != _translations(catalogue.translated_entries()):
        report.problems.append(
            f"{mo_path.name} differs from {po_path.name}: run compile_catalogues"
        )
    elif compiled.metadata.get("Plural-Forms") != catalogue.metadata.get("Plural-Forms"):
        report.problems.append(f"{mo_path.name} has other plural forms: run compile_catalogues")
    return report
