"""alerts.texts: what the system says, stored as codes and read in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from alerts import texts

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 person notified by email"),
        ("en", 3, "3 people notified by email"),
        ("fr", 1, "1 personne avertie par courriel"),
        ("fr", 3, "3 personnes averties par courriel"),
    ],
)
def test_a_code_is_read_in_the_active_language_with_its_plural(
    language: str, count: int, expected: str
) -> None:
    stored = texts.coded(texts.NOTIFIED, count=count)

    with translation.override(language):
        assert texts.system_text(stored["code"], stored["params"]) == expected


def test_the_escalation_says_its_limit_in_either_language() -> None:
    stored = texts.coded(texts.ESCALATED, minutes=15)

    with translation.override("en"):
        english = texts.system_text(stored["code"], stored["params"])
    with translation.override("fr"):
        french = texts.system_text(stored["code"], stored["params"])

    assert english == "Not acknowledged within 15 minutes"
    assert french == "Réception non accusée dans les 15 minutes"


def test_a_code_this_version_does_not_know_reads_as_nothing_rather_than_a_code() -> None:
    assert texts.system_text("renamed.in.a.later.version", {"count": 2}) == ""
    assert texts.system_text(None) == ""
    assert texts.system_text(["notified"]) == ""


@pytest.mark.parametrize("params", [{}, {"count": 3}, "15", None])
def test_parameters_that_do_not_fit_read_as_nothing_and_never_fail(params: object) -> None:
    assert texts.system_text(texts.ESCALATED, params) == ""


def test_an_unknown_code_cannot_be_stored() -> None:
    with pytest.raises(ValueError, match="Unknown system text"):
        texts.coded("made-up")


def test_a_parameter_given_in_every_language_is_read_in_the_active_one() -> None:
    names = {"en": "Attack on civilians", "fr": "Attaque contre des civils"}

    with translation.override("fr"):
        assert texts.localized(names) == "Attaque contre des civils"
    with translation.override("en"):
        assert texts.localized(names) == "Attack on civilians"
    with translation.override("fr"):
        # A name missing in the reader's language falls back to the source language.
        assert texts.localized({"en": "Looting", "fr": ""}) == "Looting"
    assert texts.localized("Ippy") == "Ippy"


def test_a_link_reason_of_the_system_is_translated_and_a_typed_one_kept() -> None:
    with translation.override("fr"):
        assert (
            texts.link_reason(texts.SAME_PLACE_24H)
            == "même localité et même catégorie en moins de 24 heures"
        )
        assert texts.link_reason("Same armed group, per the patrol") == (
            "Same armed group, per the patrol"
        )
    with translation.override("en"):
        assert texts.link_reason(texts.WITHIN_5KM_24H) == "within 5 km within 24 hours"
