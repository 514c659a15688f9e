"""The SMS syntax, case by case: French and English, accents, spaces, wrong codes, too long,
binary. No database: the vocabulary is built from plain rows."""

from __future__ import annotations

import pytest

from alerts.models import Urgency
from sms.parser import (
    MAX_TEXT_LENGTH,
    ParsedAck,
    ParsedAlert,
    ParseError,
    Vocabulary,
    fold,
    parse,
)

IPPY, BAMBARI, KAGA, BANGUI = 1, 2, 3, 4
KILLING, LOOTING, MOVEMENT, SEXUAL, CHILD = 10, 11, 12, 13, 14

VOCABULARY = Vocabulary.build(
    locations=[
        (IPPY, "CF43-IPY", "Ippy"),
        (BAMBARI, "CF43-BBR", "Bambari"),
        (KAGA, "CF42-KGB", "Kaga-Bandoro"),
        (BANGUI, "CF71-BGI", "Bangui"),
    ],
    categories=[
        (KILLING, "killing", "Killing", "Meurtre"),
        (LOOTING, "looting", "Looting or property destruction", "Pillage ou destruction de biens"),
        (MOVEMENT, "armed-group-movement", "Armed group movement", "Mouvement de groupe armé"),
        (SEXUAL, "sexual-violence", "Sexual violence", "Violences sexuelles"),
        (CHILD, "child-recruitment", "Child recruitment", "Recrutement d'enfants"),
    ],
)


def alert(location, category, urgency, description, language):
    return ParsedAlert(
        location_id=location,
        category_id=category,
        urgency=urgency,
        description=description,
        language=language,
    )


CASES = [
    # French, the card's own example
    (
        "ALERTE IPY MEURTRE IMMEDIAT 3 hommes armés au marché, 2 morts",
        alert(IPPY, KILLING, Urgency.IMMEDIATE, "3 hommes armés au marché, 2 morts", "fr"),
    ),
    # lower case, accents on the keywords, extra spaces and line breaks
    (
        "  alerte   ippy  meurtre   immédiat\n  3 hommes   armés  ",
        alert(IPPY, KILLING, Urgency.IMMEDIATE, "3 hommes armés", "fr"),
    ),
    # English
    (
        "ALERT BBR LOOTING EXPECTED herders say they will come tonight",
        alert(BAMBARI, LOOTING, Urgency.EXPECTED, "herders say they will come tonight", "en"),
    ),
    (
        "alert cf43-bbr kill now two dead",
        alert(BAMBARI, KILLING, Urgency.IMMEDIATE, "two dead", "en"),
    ),
    # ALRT: no language in the keyword, the urgency word tells
    (
        "ALRT IPY PILLAGE ATTENDU boutiques visées",
        alert(IPPY, LOOTING, Urgency.EXPECTED, "boutiques visées", "fr"),
    ),
    ("ALRT IPY KILL URGENT x", alert(IPPY, KILLING, Urgency.IMMEDIATE, "x", "")),
    # commas and colons between the first words
    (
        "Alerte: Ippy, mouvement, bientôt, 20 motos vers le nord",
        alert(IPPY, MOVEMENT, Urgency.EXPECTED, "20 motos vers le nord", "fr"),
    ),
    # the place by its full code, without its dash, by a name with a dash
    ("ALERTE CF43IPY VIOL PASSE hier soir", alert(IPPY, SEXUAL, Urgency.PAST, "hier soir", "fr")),
    (
        "ALERTE kaga-bandoro recrutement futur enfants ciblés",
        alert(KAGA, CHILD, Urgency.FUTURE, "enfants ciblés", "fr"),
    ),
    # the category by its code, by its one-word name, by an alias
    (
        "ALERT BGI sexual-violence unknown reported by a nurse",
        alert(BANGUI, SEXUAL, Urgency.UNKNOWN, "reported by a nurse", "en"),
    ),
    ("alerte bgi Meurtre inconnu -", alert(BANGUI, KILLING, Urgency.UNKNOWN, "-", "fr")),
    ("ALERTE BGI VBG NSP y", alert(BANGUI, SEXUAL, Urgency.UNKNOWN, "y", "fr")),
    # a small typo in the keyword, the category and the urgency is forgiven
    (
        "ALERTTE IPY MEURTER IMMEDAIT deux morts",
        alert(IPPY, KILLING, Urgency.IMMEDIATE, "deux morts", ""),
    ),
    # here / ici: the sender's own location
    ("ALERTE ICI MEURTRE IMMEDIAT x", alert(None, KILLING, Urgency.IMMEDIATE, "x", "fr")),
    ("ALERT here kill now x", alert(None, KILLING, Urgency.IMMEDIATE, "x", "en")),
    # the keyword left out: a message starting with a place is read all the same
    ("IPY MEURTRE IMMEDIAT x", alert(IPPY, KILLING, Urgency.IMMEDIATE, "x", "fr")),
    # acknowledgements
    ("ACK ALT-2026-000123", ParsedAck(year=2026, number=123, language="")),
    ("ack alt-2026-123", ParsedAck(year=2026, number=123, language="")),
    ("ACK 123", ParsedAck(year=None, number=123, language="")),
    ("Reçu ALT-2025-000007", ParsedAck(year=2025, number=7, language="fr")),
    # what is wrong, for the reply
    ("", ParseError("empty")),
    ("   ", ParseError("empty")),
    ("Bonjour, il y a des hommes armés", ParseError("keyword", "Bonjour")),
    ("ALERTE", ParseError("location", "", "fr")),
    ("ALERTE XYZ MEURTRE IMMEDIAT x", ParseError("location", "XYZ", "fr")),
    # a place is never guessed, even one letter away
    ("ALERTE IPPI MEURTRE IMMEDIAT x", ParseError("location", "IPPI", "fr")),
    ("ALERT IPY", ParseError("category", "", "en")),
    ("ALERT IPY FIRE NOW x", ParseError("category", "FIRE", "en")),
    ("ALERTE IPY MEURTRE", ParseError("urgency", "", "fr")),
    ("ALERTE IPY MEURTRE DEMAIN x", ParseError("urgency", "DEMAIN", "fr")),
    ("ALERTE IPY MEURTRE IMMEDIAT", ParseError("description", "", "fr")),
    ("ALERTE IPY MEURTRE IMMEDIAT   ", ParseError("description", "", "fr")),
    ("ACK", ParseError("reference", "", "")),
    ("ACK hello", ParseError("reference", "hello", "")),
    ("ALERTE IPY MEURTRE IMMEDIAT " + "x" * MAX_TEXT_LENGTH, ParseError("too_long", "1028")),
    ("ALERTE IPY \x00\x01\x02 binary", ParseError("binary")),
    ("\x05\x00\x03\x01\x02\x01ALERTE", ParseError("binary")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(c[0][:40]) for c in CASES])
def test_it_reads_the_message(text: str, expected: object) -> None:
    assert parse(text, VOCABULARY) == expected


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("Immédiat.") == "IMMEDIAT"
    assert fold("Enlèvement!") == "ENLEVEMENT"
    assert fold("bientôt") == "BIENTOT"


def test_a_word_two_places_could_claim_names_neither() -> None:
    vocabulary = Vocabulary.build(
        locations=[(1, "CF11-ABC", "Abc"), (2, "CF12-ABC", "Other")], categories=[]
    )
    assert "ABC" not in vocabulary.locations
    assert vocabulary.locations["CF11-ABC"] == 1
    assert vocabulary.locations["OTHER"] == 2


def test_a_typo_that_could_mean_two_categories_is_not_guessed() -> None:
    vocabulary = Vocabulary.build(
        locations=[(1, "CF43-IPY", "Ippy")],
        categories=[(1, "raid", "Raid", "Raid"), (2, "raids", "Raids", "Raids")],
    )
    assert parse("ALERT IPY RAIDX NOW x", vocabulary) == ParseError("category", "RAIDX", "en")


def test_a_reference_without_year_takes_the_year_given() -> None:
    result = parse("ACK 42", VOCABULARY)
    assert isinstance(result, ParsedAck)
    assert result.reference(2027) == "ALT-2027-000042"
