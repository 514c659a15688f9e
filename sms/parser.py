"""The SMS syntax, read forgivingly, in French and English:

    ALERTE <location> <category> <urgency> <what happened>
    ALERT IPY MEURTRE IMMEDIAT 3 hommes armés au marché
    ACK ALT-2026-000123

Case, accents and extra spaces do not matter; commas or colons may separate the first words;
the keyword has synonyms (ALERTE, ALERT, ALRT, ALARME); a location is its code (CF43-IPY), the
end of its code (IPY), its name (Ippy), or ICI / HERE for the sender's own location; a
category is its code (killing), a short word in either language (MEURTRE, KILL), or its name
when that is one word; an urgency is a word of either language (IMMEDIAT, URGENT, NOW,
ATTENDU, FUTUR, PASSE, INCONNU...), and a small typo in a category or urgency word is
forgiven when it can only mean one thing. Locations are never guessed: a wrong place would
send the alert to the wrong sector.

Pure functions over a Vocabulary (the locations and categories, read once by
`sms.services.vocabulary`), so the table of cases in tests/sms/test_parser.py needs no
database.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from alerts.models import Urgency

# Longer than six concatenated SMS (6 x 153 characters): not typed on a phone in the field.
MAX_TEXT_LENGTH = 1000
FUZZY_CUTOFF = 0.8  # difflib ratio above which a misspelt word is read as the word
FUZZY_MIN_LENGTH = 4  # shorter words are never guessed

KEYWORDS: dict[str, str] = {
    "ALERTE": "fr",
    "ALERTES": "fr",
    "ALARME": "fr",
    "ALERT": "en",
    "ALERTS": "en",
    "ALARM": "en",
    "ALRT": "",
    "ALR": "",
}
ACK_KEYWORDS: dict[str, str] = {"ACK": "", "ACQ": "fr", "RECU": "fr", "ACKNOWLEDGE": "en"}
# The sender's own location (their deployment, or their network's location).
HERE_WORDS: dict[str, str] = {"ICI": "fr", "HERE": "en"}

# Urgency words (accents removed, upper case) -> (CAP urgency, language or "" for both).
URGENCY_WORDS: dict[str, tuple[str, str]] = {
    "IMMEDIAT": (Urgency.IMMEDIATE, "fr"),
    "IMMEDIATE": (Urgency.IMMEDIATE, ""),
    "IMMEDIATEMENT": (Urgency.IMMEDIATE, "fr"),
    "URGENT": (Urgency.IMMEDIATE, ""),
    "URGENCE": (Urgency.IMMEDIATE, "fr"),
    "MAINTENANT": (Urgency.IMMEDIATE, "fr"),
    "NOW": (Urgency.IMMEDIATE, "en"),
    "ATTENDU": (Urgency.EXPECTED, "fr"),
    "ATTENDUE": (Urgency.EXPECTED, "fr"),
    "IMMINENT": (Urgency.EXPECTED, ""),
    "BIENTOT": (Urgency.EXPECTED, "fr"),
    "EXPECTED": (Urgency.EXPECTED, "en"),
    "SOON": (Urgency.EXPECTED, "en"),
    "FUTUR": (Urgency.FUTURE, "fr"),
    "FUTURE": (Urgency.FUTURE, ""),
    "LATER": (Urgency.FUTURE, "en"),
    "PASSE": (Urgency.PAST, "fr"),
    "PAST": (Urgency.PAST, "en"),
    "HIER": (Urgency.PAST, "fr"),
    "YESTERDAY": (Urgency.PAST, "en"),
    "TERMINE": (Urgency.PAST, "fr"),
    "OVER": (Urgency.PAST, "en"),
    "INCONNU": (Urgency.UNKNOWN, "fr"),
    "INCONNUE": (Urgency.UNKNOWN, "fr"),
    "UNKNOWN": (Urgency.UNKNOWN, "en"),
    "NSP": (Urgency.UNKNOWN, "fr"),
}
# The words printed on the card for each urgency, French then English.
URGENCY_CARD: dict[str, tuple[str, str]] = {
    Urgency.IMMEDIATE: ("IMMEDIAT, URGENT", "IMMEDIATE, NOW"),
    Urgency.EXPECTED: ("ATTENDU, BIENTOT", "EXPECTED, SOON"),
    Urgency.FUTURE: ("FUTUR", "FUTURE, LATER"),
    Urgency.PAST: ("PASSE, HIER", "PAST"),
    Urgency.UNKNOWN: ("INCONNU", "UNKNOWN"),
}

# Short words for the seeded threat categories (by code), French and English. A category an
# admin adds later is written by its code, or by its name when that is one word.
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "killing": ("MEURTRE", "TUERIE", "ASSASSINAT", "KILL", "MURDER"),
    "attack": ("ATTAQUE", "ATTACK"),
    "sexual-violence": ("VIOL", "VS", "VBG", "RAPE", "SV", "GBV"),
    "abduction": ("ENLEVEMENT", "RAPT", "KIDNAP", "KIDNAPPING", "ABDUCTION"),
    "looting": ("PILLAGE", "LOOT", "LOOTING"),
    "armed-clash": ("AFFRONTEMENT", "COMBAT", "COMBATS", "CLASH"),
    "armed-group-movement": ("MOUVEMENT", "MVT", "MOVEMENT"),
    "explosive-hazard": ("EXPLOSIF", "MINE", "ENGIN", "EXPLOSIVE", "IED"),
    "forced-displacement": ("DEPLACEMENT", "DISPLACEMENT"),
    "intercommunal-tension": ("TENSION", "TENSIONS"),
    "threats-intimidation": ("MENACE", "MENACES", "INTIMIDATION", "THREAT", "THREATS"),
    "illegal-checkpoint": ("BARRIERE", "TAXATION", "CHECKPOINT"),
    "child-recruitment": ("RECRUTEMENT", "ENFANTS", "RECRUITMENT", "CHILD"),
}

# The first words may be separated by spaces, commas, semicolons, colons, stars or hashes.
_SEPARATORS = " \t\r\n,;:*#"
_HEAD_TOKEN = re.compile(rf"[{re.escape(_SEPARATORS)}]*([^{re.escape(_SEPARATORS)}]+)")
_REFERENCE = re.compile(r"^(?:ALT-?)?(?:(\d{4})-)?(\d{1,9})$")


def fold(word: str) -> str:
    """Upper case without accents or surrounding punctuation: "Immédiat." -> "IMMEDIAT"."""
    decomposed = unicodedata.normalize("NFKD", word)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.upper().strip(".!?'\"()[]")


@dataclass(frozen=True)
class Vocabulary:
    """What the words of a message may name: folded word -> id."""

    locations: Mapping[str, int] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        locations: Iterable[tuple[int, str, str]],
        categories: Iterable[tuple[int, str, str, str]],
    ) -> Vocabulary:
        """From (id, code, name) of the active locations and (id, code, name_en, name_fr) of
        the active categories. A word two of them could claim names neither."""
        location_words: dict[str, set[int]] = {}
        for pk, code, name in locations:
            for word in _location_words(code, name):
                location_words.setdefault(word, set()).add(pk)
        category_words: dict[str, set[int]] = {}
        for pk, code, name_en, name_fr in categories:
            for word in _category_words(code, name_en, name_fr):
                category_words.setdefault(word, set()).add(pk)
        return cls(
            locations={w: ids.pop() for w, ids in location_words.items() if len(ids) == 1},
            categories={w: ids.pop() for w, ids in category_words.items() if len(ids) == 1},
        )


def _location_words(code: str, name: str) -> set[str]:
    folded_code = fold(code)
    words = {folded_code, folded_code.replace("-", "")}
    if "-" in folded_code:
        words.add(folded_code.rsplit("-", 1)[1])  # CF43-IPY -> IPY
    folded_name = fold(name)
    words |= {folded_name.replace(" ", "-"), folded_name.replace(" ", "").replace("-", "")}
    return {w for w in words if w}


def _category_words(code: str, name_en: str, name_fr: str) -> set[str]:
    folded_code = fold(code)
    words = {folded_code, folded_code.replace("-", "")}
    words |= {fold(name) for name in (name_en, name_fr) if name and " " not in name.strip()}
    words |= set(CATEGORY_ALIASES.get(code, ()))
    return {w for w in words if w}


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedAlert:
    location_id: int | None  # None: the sender's own location (ICI / HERE)
    category_id: int
    urgency: str
    description: str
    language: str  # "fr", "en", or "" when the words do not tell


@dataclass(frozen=True)
class ParsedAck:
    year: int | None
    number: int
    language: str

    def reference(self, default_year: int) -> str:
        return f"ALT-{self.year or default_year}-{self.number:06d}"


@dataclass(frozen=True)
class ParseError:
    """What is wrong, for the reply that says what to fix.

    code: empty, binary, too_long, keyword, location, category, urgency, description,
    reference."""

    code: str
    value: str = ""
    language: str = ""


ParseResult = ParsedAlert | ParsedAck | ParseError


def _take_head(text: str, count: int) -> tuple[list[str], str]:
    """The first `count` words and the rest of the text as it was written."""
    words: list[str] = []
    position = 0
    for _i in range(count):
        match = _HEAD_TOKEN.match(text, position)
        if match is None:
            break
        words.append(match.group(1))
        position = match.end()
    return words, text[position:]


def _closest(word: str, choices: Mapping[str, object]) -> str | None:
    """The word itself when it is a choice, or the one choice it is a small typo of (several
    close choices are accepted when they all mean the same); None otherwise."""
    if word in choices:
        return word
    if len(word) < FUZZY_MIN_LENGTH:
        return None
    matches = difflib.get_close_matches(word, list(choices), n=3, cutoff=FUZZY_CUTOFF)
    meanings = {repr(_meaning(choices[m])) for m in matches}
    return matches[0] if len(meanings) == 1 else None


def _meaning(value: object) -> object:
    # An urgency word maps to (urgency, language): the language does not change the meaning.
    return value[0] if isinstance(value, tuple) else value


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def is_binary(text: str) -> bool:
    """Control characters other than line breaks and tabs: not something a person typed."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text)


def parse(text: str, vocabulary: Vocabulary) -> ParseResult:
    """Read an SMS as an alert or an acknowledgement, or say what is wrong with it."""
    if is_binary(text):
        return ParseError("binary")
    if len(text) > MAX_TEXT_LENGTH:
        return ParseError("too_long", str(len(text)))
    if not text.strip():
        return ParseError("empty")
    head, _rest = _take_head(text, 1)
    first = fold(head[0])
    if first in ACK_KEYWORDS:
        return _parse_ack(text, ACK_KEYWORDS[first])
    if first in KEYWORDS or _closest(first, dict.fromkeys(KEYWORDS, "ALERT")) is not None:
        language = KEYWORDS.get(first, "")
        words, rest = _take_head(text, 4)
        words = words[1:]
    elif first in vocabulary.locations or first in HERE_WORDS:
        # The keyword left out: the message starts with a place, read it all the same.
        language = ""
        words, rest = _take_head(text, 3)
    else:
        return ParseError("keyword", head[0][:30])
    return _parse_alert(words, rest, vocabulary, language)


def _parse_alert(words: list[str], rest: str, vocabulary: Vocabulary, language: str) -> ParseResult:
    names = ("location", "category", "urgency")
    if len(words) < len(names):
        missing = names[len(words)]
        return ParseError(missing, "", language)
    location_word, category_word, urgency_word = (fold(w) for w in words)
    if location_word in HERE_WORDS:
        location_id = None
        language = language or HERE_WORDS[location_word]
    elif location_word in vocabulary.locations:
        location_id = vocabulary.locations[location_word]
    else:
        return ParseError("location", words[0][:30], language)
    category = _closest(category_word, vocabulary.categories)
    if category is None:
        return ParseError("category", words[1][:30], language)
    urgency = _closest(urgency_word, URGENCY_WORDS)
    if urgency is None:
        return ParseError("urgency", words[2][:30], language)
    value, urgency_language = URGENCY_WORDS[urgency]
    if urgency != urgency_word:
        urgency_language = ""  # a misspelt word tells no language
    description = _squeeze(rest.lstrip(_SEPARATORS))
    language = language or urgency_language
    if not description:
        return ParseError("description", "", language)
    return ParsedAlert(
        location_id=location_id,
        category_id=vocabulary.categories[category],
        urgency=value,
        description=description,
        language=language,
    )


def _parse_ack(text: str, language: str) -> ParseResult:
    words, _rest = _take_head(text, 2)
    if len(words) < 2:
        return ParseError("reference", "", language)
    match = _REFERENCE.match(fold(words[1]))
    if match is None:
        return ParseError("reference", words[1][:30], language)
    year = int(match.group(1)) if match.group(1) else None
    return ParsedAck(year=year, number=int(match.group(2)), language=language)
