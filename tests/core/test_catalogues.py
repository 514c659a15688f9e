from __future__ import annotations

import gettext
import re
import shutil
from io import StringIO
from pathlib import Path

import django.contrib.auth
import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

PLURAL_FORMS = "nplurals=2; plural=(n > 1);"


def _write_po(locale_dir: Path, language: str, entries: list[polib.POEntry]) -> Path:
    folder = locale_dir / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": PLURAL_FORMS,
    }
    for entry in entries:
        catalogue.append(entry)
    path = folder / "django.po"
    catalogue.save(str(path))
    return path


def _complete_entries() -> list[polib.POEntry]:
    return [
        polib.POEntry(msgid="New alert", msgstr="Nouvelle alerte"),
        polib.POEntry(msgctxt="queue", msgid="Open", msgstr="Ouverte"),
        polib.POEntry(
            msgid="%(n)s alert",
            msgid_plural="%(n)s alerts",
            msgstr_plural={0: "%(n)s alerte", 1: "%(n)s alertes"},
        ),
    ]


def _run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def _check(tmp_path: Path) -> str:
    return _run("check_catalogues", "--locale-dir", str(tmp_path), "--locale", "fr")


def _compile(tmp_path: Path) -> str:
    return _run("compile_catalogues", "--locale-dir", str(tmp_path))


def _load(po_path: Path) -> gettext.GNUTranslations:
    with po_path.with_suffix(".mo").open("rb") as fp:
        return gettext.GNUTranslations(fp)


def test_compile_catalogues_writes_a_mo_that_gettext_reads(tmp_path: Path) -> None:
    entries = [
        *_complete_entries(),
        polib.POEntry(msgid="Draft", msgstr="Brouillon", flags=["fuzzy"]),
        polib.POEntry(msgid="Closed", msgstr=""),
    ]
    po_path = _write_po(tmp_path, "fr", entries)

    _compile(tmp_path)

    translations = _load(po_path)
    assert translations.gettext("New alert") == "Nouvelle alerte"
    assert translations.pgettext("queue", "Open") == "Ouverte"
    assert translations.ngettext("%(n)s alert", "%(n)s alerts", 1) == "%(n)s alerte"
    assert translations.ngettext("%(n)s alert", "%(n)s alerts", 3) == "%(n)s alertes"
    # Like msgfmt, fuzzy and untranslated entries are left out.
    assert translations.gettext("Draft") == "Draft"
    assert translations.gettext("Closed") == "Closed"


def test_compile_catalogues_compiles_every_language(tmp_path: Path) -> None:
    fr = _write_po(tmp_path, "fr", _complete_entries())
    pt = _write_po(tmp_path, "pt", [polib.POEntry(msgid="New alert", msgstr="Novo alerta")])

    _compile(tmp_path)

    assert _load(fr).gettext("New alert") == "Nouvelle alerte"
    assert _load(pt).gettext("New alert") == "Novo alerta"
    assert not list(tmp_path.rglob("*.tmp"))


def test_compile_catalogues_says_so_when_there_is_nothing_to_compile(tmp_path: Path) -> None:
    err = StringIO()

    call_command("compile_catalogues", "--locale-dir", str(tmp_path), stdout=StringIO(), stderr=err)

    assert "nothing to compile" in err.getvalue()
    assert not list(tmp_path.rglob("*.mo"))


def test_check_catalogues_accepts_a_complete_compiled_catalogue(tmp_path: Path) -> None:
    _write_po(tmp_path, "fr", _complete_entries())
    _compile(tmp_path)

    assert "OK" in _check(tmp_path)


def test_check_catalogues_reports_untranslated_entries(tmp_path: Path) -> None:
    _write_po(tmp_path, "fr", [*_complete_entries(), polib.POEntry(msgid="Closed", msgstr="")])
    _compile(tmp_path)

    with pytest.raises(CommandError, match=re.escape("1 untranslated: 'Closed'")):
        _check(tmp_path)


def test_check_catalogues_reports_untranslated_plural_forms(tmp_path: Path) -> None:
    plural = polib.POEntry(
        msgid="%(n)s report",
        msgid_plural="%(n)s reports",
        msgstr_plural={0: "%(n)s rapport", 1: ""},
    )
    _write_po(tmp_path, "fr", [*_complete_entries(), plural])
    _compile(tmp_path)

    with pytest.raises(CommandError, match=re.escape("untranslated")):
        _check(tmp_path)


def test_check_catalogues_reports_fuzzy_entries(tmp_path: Path) -> None:
    fuzzy = polib.POEntry(msgid="Draft", msgstr="Brouillon", flags=["fuzzy"])
    _write_po(tmp_path, "fr", [*_complete_entries(), fuzzy])
    _compile(tmp_path)

    with pytest.raises(CommandError, match=re.escape("1 fuzzy: 'Draft'")):
        _check(tmp_path)


def test_check_catalogues_ignores_obsolete_entries(tmp_path: Path) -> None:
    gone = polib.POEntry(msgid="Old page", msgstr="", obsolete=True)
    _write_po(tmp_path, "fr", [*_complete_entries(), gone])
    _compile(tmp_path)

    assert "OK" in _check(tmp_path)


def test_check_catalogues_reports_a_missing_mo(tmp_path: Path) -> None:
    _write_po(tmp_path, "fr", _complete_entries())

    with pytest.raises(CommandError, match=re.escape("django.mo is missing")):
        _check(tmp_path)


def test_check_catalogues_reports_a_mo_compiled_from_an_older_po(tmp_path: Path) -> None:
    po_path = _write_po(tmp_path, "fr", _complete_entries())
    _compile(tmp_path)
    catalogue = polib.pofile(str(po_path))
    catalogue.find("New alert").msgstr = "Alerte nouvelle"
    catalogue.save()

    with pytest.raises(CommandError, match=re.escape("django.mo differs from django.po")):
        _check(tmp_path)


def test_check_catalogues_reports_a_missing_french_catalogue(tmp_path: Path) -> None:
    _write_po(tmp_path, "pt", _complete_entries())

    with pytest.raises(CommandError, match=re.escape("fr: no django.po catalogue")):
        _check(tmp_path)


FRENCH_PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(not FRENCH_PO.exists(), reason="the French catalogue is not written yet")
def test_project_french_catalogue_is_complete_and_compiled() -> None:
    assert "OK" in _run("check_catalogues")


def test_check_catalogues_reports_a_header_still_marked_fuzzy(tmp_path: Path) -> None:
    po_path = _write_po(tmp_path, "fr", _complete_entries())
    catalogue = polib.pofile(str(po_path))
    catalogue.metadata_is_fuzzy = True
    catalogue.save()
    _compile(tmp_path)

    with pytest.raises(CommandError, match=re.escape("header entry is marked fuzzy")):
        _check(tmp_path)


def test_compiled_catalogue_reads_like_the_one_msgfmt_made(tmp_path: Path) -> None:
    # Django ships its French auth catalogue with a .mo compiled by GNU msgfmt.
    shipped = Path(django.contrib.auth.__file__).parent / "locale" / "fr" / "LC_MESSAGES"
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(shipped / "django.po", folder / "django.po")

    _compile(tmp_path)

    ours = _load(folder / "django.po")
    theirs = _load(shipped / "django.po")
    # Headers differ (the shipped .mo is built by Django's release tooling); entries must not.
    assert {k: v for k, v in ours._catalog.items() if k != ""} == {
        k: v for k, v in theirs._catalog.items() if k != ""
    }
    assert ours.gettext("Password") == "Mot de passe"
