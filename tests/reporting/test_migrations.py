"""The data migrations that turn what the system stored as text, in the language of whoever
triggered it, into codes read in each reader's language: reporting 0004 (report titles) and
0005 (alert timeline lines and duplicate reasons)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.utils import translation

from alerts import texts
from alerts.models import AlertEvent, AlertLink
from reporting.models import Report
from tests import factories as f
from tests.alerts.chain_support import timeline_writable
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db
titles = importlib.import_module("reporting.migrations.0004_report_system_title")
event_codes = importlib.import_module("reporting.migrations.0005_alert_event_codes")


@pytest.fixture(autouse=True)
def _timeline_writable(db: None) -> Iterator[None]:
    # 0005 rewrote timeline lines, which it did before they became append-only (alerts 0010).
    with timeline_writable():
        yield


def _event(alert: object, kind: str, note: str, **data: object) -> AlertEvent:
    return AlertEvent.objects.create(alert=alert, kind=kind, note=note, data=data)


def test_system_lines_stored_as_text_in_either_language_become_codes(mission: Mission) -> None:
    alert = log(mission)
    other = log(mission, urgency="Expected")
    lines = {
        "notified_en": _event(alert, "notified", "3 people notified by email", recipients=3),
        "notified_fr": _event(alert, "notified", "1 personne avertie par courriel"),
        "escalated_fr": _event(alert, "escalated", "Réception non accusée dans les 15 minutes"),
        "escalated_en": _event(alert, "escalated", "Not acknowledged within 30 minutes"),
        "duplicate_fr": _event(
            alert, "duplicate", "même localité et même catégorie en moins de 24 heures"
        ),
        "duplicate_en": _event(alert, "duplicate", "within 5 km within 24 hours"),
        "unknown": _event(alert, "escalated", "Escalated by hand after a phone call"),
        "person": _event(alert, "note", "3 people notified by email"),
    }
    AlertEvent.objects.filter(pk=lines["person"].pk).update(actor=mission.force)
    AlertLink.objects.filter(from_alert=other).update(
        reason="même localité et même catégorie en moins de 24 heures"
    )
    typed = AlertLink.objects.create(from_alert=alert, to_alert=other, reason="Same armed group")

    event_codes.to_codes(apps, None)

    found = {name: AlertEvent.objects.get(pk=e.pk) for name, e in lines.items()}
    assert (found["notified_en"].code, found["notified_en"].params) == ("notified", {"count": 3})
    assert found["notified_en"].data["recipients"] == 3
    assert found["notified_fr"].params == {"count": 1}
    assert found["escalated_fr"].params == {"minutes": 15}
    assert found["escalated_en"].params == {"minutes": 30}
    assert found["duplicate_fr"].code == texts.SAME_PLACE_24H
    assert found["duplicate_en"].code == texts.WITHIN_5KM_24H
    assert all(found[name].note == "" for name in lines if name not in ("unknown", "person"))
    # Not recognised, or written by a person: as it was.
    assert (found["unknown"].note, found["unknown"].code) == (
        "Escalated by hand after a phone call",
        None,
    )
    assert (found["person"].note, found["person"].code) == ("3 people notified by email", None)
    assert AlertLink.objects.get(from_alert=other).reason == texts.SAME_PLACE_24H
    assert AlertLink.objects.get(pk=typed.pk).reason == "Same armed group"
    with translation.override("en"):
        assert found["escalated_fr"].detail == "Not acknowledged within 15 minutes"


def test_going_back_writes_the_lines_in_english(mission: Mission) -> None:
    alert = log(mission, urgency="Immediate")
    _event(alert, "escalated", "", senior_officer_id=None, **texts.coded("escalated", minutes=15))

    event_codes.to_english_text(apps, None)

    line = alert.events.get(kind="escalated")
    assert line.note == "Not acknowledged within 15 minutes"
    assert "code" not in line.data and line.data["senior_officer_id"] is None


def test_running_the_conversion_twice_changes_nothing_more(mission: Mission) -> None:
    alert = log(mission)
    line = _event(alert, "notified", "2 people notified by email")

    event_codes.to_codes(apps, None)
    first = AlertEvent.objects.get(pk=line.pk).data
    event_codes.to_codes(apps, None)

    assert (
        AlertEvent.objects.get(pk=line.pk).data
        == first
        == {
            "code": "notified",
            "params": {"count": 2},
        }
    )


@pytest.mark.parametrize(
    ("kind", "title", "code"),
    [
        ("daily", "Daily situation report - Ippy - 2026-06-10", "period"),
        ("daily", "Rapport de situation quotidien - Ippy - 2026-06-10", "period"),
        ("daily", "Ippy, market day", None),
        ("annual", "Évaluation conjointe Affaires civiles-Force 2025", "assessment"),
    ],
)
def test_report_titles_the_system_gave_get_their_code(
    mission: Mission, kind: str, title: str, code: str | None
) -> None:
    day = dt.date(2026, 6, 10)
    report = f.ReportFactory(
        kind=kind, location=mission.base_a, period_start=day, period_end=day, title=title
    )

    titles.recognise_titles(apps, None)

    report.refresh_from_db()
    assert report.system_title.get("code") == code
    assert report.title == title
    if code == "period":
        assert report.system_title["params"]["scope"] == "Ippy"
        with translation.override("en"):
            assert report.display_title == "Daily situation report - Ippy - 2026-06-10"
        with translation.override("fr"):
            assert report.display_title == "Rapport de situation quotidien - Ippy - 2026-06-10"


def test_a_flash_report_title_in_french_reads_in_english_once_recognised(
    mission: Mission,
) -> None:
    alert = log(mission, urgency="Immediate")
    report = Report.objects.get(kind="flash", alert=alert)
    old = f"Rapport flash : Attaque contre des civils à Ippy ({alert.reference})"
    Report.objects.filter(pk=report.pk).update(title=old, system_title={})

    titles.recognise_titles(apps, None)

    report.refresh_from_db()
    assert report.title == old
    with translation.override("en"):
        assert report.display_title == (
            f"Flash report: Attack on civilians at Ippy ({alert.reference})"
        )
