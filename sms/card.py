"""The SMS syntax card that CLAs and focal points keep in a pocket: page, PDF and API alike.

The words come from the same tables the parser reads (sms.parser), and the places from the
user's scope, so the card never promises a word the system does not understand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.models import Urgency
from alerts.selectors import category_list
from clas.models import User
from clas.selectors import location_list
from sms.parser import CATEGORY_ALIASES, URGENCY_CARD, fold

LANGUAGES = ("fr", "en")
CARD_CSS = Path(__file__).resolve().parent / "pdf" / "card.css"


def card_language(requested: str | None) -> str:
    """fr or en: the one asked for, else the page's language."""
    if requested in LANGUAGES:
        return requested  # type: ignore[return-value]
    current = (translation.get_language() or "fr")[:2]
    return current if current in LANGUAGES else "fr"


def card_content(*, user: User, language: str) -> dict[str, Any]:
    """Everything the card shows, in `language`: the number to text, the syntax with
    examples, the words for categories and urgencies, and the places of the user's scope."""
    french = language == "fr"
    with translation.override(language):
        categories = [
            {
                "code": c.code,
                "name": c.name_fr if french else c.name_en,
                "words": _category_words(c.code, c.name_fr if french else c.name_en, french),
            }
            for c in category_list().order_by("sort_order", "code")
        ]
        urgencies = [
            {
                "urgency": value,
                "label": str(Urgency(value).label),
                "words": URGENCY_CARD[value][0 if french else 1],
            }
            for value in (
                Urgency.IMMEDIATE,
                Urgency.EXPECTED,
                Urgency.FUTURE,
                Urgency.PAST,
                Urgency.UNKNOWN,
            )
        ]
        places = [
            {"code": loc.code, "short": loc.code.rsplit("-", 1)[-1], "name": loc.name}
            for loc in location_list(user=user).filter(is_active=True).order_by("name")
        ]
        # The examples name a place of the user's own, when they have one.
        example = {"place": places[0]["short"] if places else "IPY"}
        return {
            "language": language,
            "number": settings.SMS_NUMBER,
            "keyword": "ALERTE" if french else "ALERT",
            "here": "ICI" if french else "HERE",
            "syntax": _("ALERT <place> <category> <urgency> <what happened>"),
            "examples": [
                _("ALERT %(place)s KILL NOW 3 armed men at the market, 2 dead") % example,
                _("alert %(place)s looting expected herders say they will come tonight")
                % {"place": example["place"].lower()},
                _("ALERT HERE MOVEMENT SOON 20 motorbikes going north"),
            ],
            "rules": [
                _("Capital letters, accents and extra spaces do not matter."),
                _("The place is the code of your card (IPY or CF43-IPY), its name, or HERE."),
                _("You get the alert's reference back, or a message saying what to fix."),
                _("Keep it under 1000 characters. Do not put names of victims."),
            ],
            "ack": _(
                "Force officers: ACK <reference> acknowledges an alert, e.g. ACK ALT-2026-000123."
            ),
            "categories": categories,
            "urgencies": urgencies,
            "places": places,
        }


def _category_words(code: str, name: str, french: str | bool) -> str:
    """The short words of a category in the card's language first, then its code."""
    aliases = CATEGORY_ALIASES.get(code, ())
    words = [w for w in aliases if _is_french(w) == bool(french)] or list(aliases)
    if not words and " " not in name.strip():
        words = [fold(name)]
    return ", ".join([*words[:3], code.upper()])


# The aliases of CATEGORY_ALIASES that are French (the others are English or both).
_FRENCH_WORDS = frozenset(
    {
        "MEURTRE",
        "TUERIE",
        "ASSASSINAT",
        "ATTAQUE",
        "VIOL",
        "VS",
        "VBG",
        "ENLEVEMENT",
        "RAPT",
        "PILLAGE",
        "AFFRONTEMENT",
        "COMBAT",
        "COMBATS",
        "MOUVEMENT",
        "MVT",
        "EXPLOSIF",
        "MINE",
        "ENGIN",
        "DEPLACEMENT",
        "TENSION",
        "TENSIONS",
        "MENACE",
        "MENACES",
        "INTIMIDATION",
        "BARRIERE",
        "TAXATION",
        "RECRUTEMENT",
        "ENFANTS",
    }
)


def _is_french(word: str) -> bool:
    return word in _FRENCH_WORDS


def card_pdf(*, user: User, language: str) -> bytes:
    """The card as a PDF (A4, to print and cut)."""
    # WeasyPrint loads Pango and its fonts: only the requests that print pay for it.
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string(
            "sms/card_pdf.html", {"card": card_content(user=user, language=language)}
        )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CARD_CSS))])
