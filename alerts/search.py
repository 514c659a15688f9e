"""Searching alerts by words: their reference, description and place.

On PostgreSQL, full-text search in French and in English at once (stems: "attaque" finds
"attaques", "killed" finds "kill"), each language served by a GIN index on the same expression
(migration alerts 0016); a reference (ALT-2026-000123) is found exactly by its unique index. On
the embedded default, every word must appear, in any case, in the description or the place.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from alerts.models import Alert

LANGUAGES = ("french", "english")
SEARCH_MAX_LENGTH = 200
REFERENCE = re.compile(r"ALT-(?P<year>\d{4})-(?P<number>\d{1,6})", re.IGNORECASE)
WORD = re.compile(r"\w+")


def search_vector(config: str) -> SearchVector:
    """The indexed expression: the migration builds its index from this very function."""
    return SearchVector("description", "place", config=config)


def alert_search(queryset: QuerySet[Alert], text: str) -> QuerySet[Alert]:
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return queryset
    reference = REFERENCE.fullmatch(text)
    if reference:
        # As stored (ALT-2026-000123), so the unique index finds it.
        return queryset.filter(reference=f"ALT-{reference['year']}-{int(reference['number']):06d}")
    words = WORD.findall(text)
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        matches = Q()
        for config in LANGUAGES:
            annotation = f"search_{config}"
            queryset = queryset.alias(**{annotation: search_vector(config)})
            matches |= Q(**{annotation: SearchQuery(" ".join(words), config=config)})
        return queryset.filter(matches)
    for word in words:
        queryset = queryset.filter(Q(description__icontains=word) | Q(place__icontains=word))
    return queryset
