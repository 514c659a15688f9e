"""French typography in the French catalogue: a non-breaking space before : ; ? ! (as in
"Urgence : Immédiate"), so the mark never starts a line of a page, an email or a PDF."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings

NO_BREAK = "\u00a0\u202f"
PLAIN_SPACE_BEFORE = re.compile(r"[ \t\n][:;?!]")
NO_SPACE_BEFORE = re.compile(rf"[^\s{NO_BREAK}][:;?!](?=\s|$)")


def _french_msgstrs() -> list[tuple[str, str]]:
    [locale] = [Path(p) for p in settings.LOCALE_PATHS]
    catalogue = polib.pofile(str(locale / "fr" / "LC_MESSAGES" / "django.po"))
    pairs = []
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        pairs += [(entry.msgid, value) for value in values]
    return pairs


def test_french_puts_a_non_breaking_space_before_colons_semicolons_and_marks() -> None:
    wrong = [
        (msgid, msgstr)
        for msgid, msgstr in _french_msgstrs()
        if PLAIN_SPACE_BEFORE.search(msgstr) or NO_SPACE_BEFORE.search(msgstr)
    ]

    assert wrong == [], (
        f"Write a non-breaking space (U+00A0) before : ; ? ! in these French entries: {wrong[:10]}"
    )
