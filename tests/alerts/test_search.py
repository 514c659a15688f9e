"""Searching alerts by words (alerts.search) on the list page and in the API, in the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert
from alerts.search import alert_search
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


def alert(mission: Mission, description: str, place: str = "", sector: str = "a") -> Alert:
    return f.AlertFactory(
        location=mission.base_a if sector == "a" else mission.base_b,
        queue=mission.queue_a if sector == "a" else mission.queue_b,
        logged_by=mission.cla if sector == "a" else mission.cla_b,
        status=Alert.Status.QUEUED,
        description=description,
        place=place,
        reported_at=timezone.now() - dt.timedelta(hours=1),
    )


def found(text: str) -> set[int]:
    return set(alert_search(Alert.objects.all(), text).values_list("pk", flat=True))


def api_ids(user: Any, **params: str) -> tuple[int, Any]:
    client = APIClient()
    client.force_login(user)
    response = client.get(ALERTS, params)
    body = response.json()
    ids = {row["id"] for row in body.get("results", [])} if response.status_code == 200 else set()
    return response.status_code, ids if response.status_code == 200 else body


def test_words_of_the_description_or_the_place_find_the_alert(mission: Mission) -> None:
    market = alert(mission, "Armed men burned the market stalls.", place="Kaga-Bandoro market")
    river = alert(mission, "Cattle herders crossed the river at night.", place="Ouham bridge")

    assert found("market") == {market.pk}
    assert found("MARKET stalls") == {market.pk}
    assert found("bridge") == {river.pk}
    assert found("market river") == set()  # every word must match
    assert found("   ") == {market.pk, river.pk}  # no words: no search


def test_a_reference_finds_exactly_that_alert(mission: Mission) -> None:
    one = alert(mission, "Shots heard.")
    alert(mission, f"Same as {one.reference}, seen again.")

    assert found(one.reference) == {one.pk}
    assert found(one.reference.lower()) == {one.pk}


def test_punctuation_alone_finds_nothing_and_breaks_nothing(mission: Mission) -> None:
    alert(mission, "Shots heard.")

    assert found("%_'\"\\;--") == set()
    assert found("a" * 5000) == set()


@on_postgresql
def test_french_and_english_forms_of_a_word_find_each_other(mission: Mission) -> None:
    french = alert(mission, "Des hommes armés ont attaqué les villages voisins.")
    english = alert(mission, "Two farmers were killed by armed men.")

    assert found("attaque village") == {french.pk}
    assert found("kill") == {english.pk}
    assert found("armé") == {french.pk}
    assert found("farmer killing") == {english.pk}


@on_postgresql
def test_the_search_is_served_by_its_indexes(mission: Mission) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'alerts_alert' "
            "AND indexname LIKE 'alerts_alert_search_%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
        assert names == {"alerts_alert_search_fr", "alerts_alert_search_en"}
        # With the table nearly empty the planner would read it whole: only the bitmap scans
        # a GIN index gives are left to it, and it must find them.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = alert_search(Alert.objects.order_by(), "attaque").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "alerts_alert_search_fr" in plan
    assert "alerts_alert_search_en" in plan


def test_the_api_searches_within_the_scope_and_with_the_other_filters(mission: Mission) -> None:
    mine = alert(mission, "Armed men at the market.", sector="a")
    other_sector = alert(mission, "Armed men at the market.", sector="b")
    alert(mission, "Quiet night.", sector="a")

    assert api_ids(mission.force, q="market") == (200, {mine.pk})
    assert api_ids(mission.hq, q="market") == (200, {mine.pk, other_sector.pk})
    assert api_ids(mission.hq, q="market", sector=str(mission.sector_b.pk)) == (
        200,
        {other_sector.pk},
    )


def test_a_search_too_long_is_a_400_naming_it(mission: Mission) -> None:
    status, body = api_ids(mission.hq, q="word " * 100)

    assert status == 400
    assert "q" in body


def test_the_list_page_searches(mission: Mission) -> None:
    market = alert(mission, "Armed men at the market.")
    alert(mission, "Quiet night.")
    client = Client()
    client.force_login(mission.coordinator)

    response = client.get(reverse("alerts:alert_list"), {"q": "market"})

    assert [row.pk for row in response.context["rows"]] == [market.pk]
    assert 'name="q"' in response.content.decode()


def test_an_export_of_a_searched_list_holds_the_listed_alerts(mission: Mission) -> None:
    from exchange.services import export_queryset, filters_in

    market = alert(mission, "Armed men at the market.")
    alert(mission, "Quiet night.")

    filters = filters_in({"q": "market"})

    assert filters == {"q": "market"}
    assert list(export_queryset(user=mission.hq, filters=filters)) == [market]
