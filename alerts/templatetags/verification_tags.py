"""The Admiralty grade in templates: what a grade written "B2" means."""

from __future__ import annotations

from django import template

from alerts.models import InformationCredibility, SourceReliability, grade_meaning

register = template.Library()


@register.filter(name="grade_meaning")
def grade_meaning_filter(grade: str) -> str:
    """What a grade written "B2" says, in the active language; "" for anything that is not
    a grade."""
    grade = str(grade or "")
    if (
        len(grade) != 2
        or grade[0] not in SourceReliability.values
        or not grade[1].isdigit()
        or int(grade[1]) not in InformationCredibility.values
    ):
        return ""
    return grade_meaning(grade[0], int(grade[1]))
