"""Bulk import of CLAs and deployments from CSV and XLSX: dry run, bad rows, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from clas.deployment_import import COLUMNS, deployments_import
from clas.models import CLA, Deployment, DeploymentEvent
from core.exceptions import DomainError, PermissionRefused

TODAY = timezone.localdate
HEADER = ",".join(COLUMNS)


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def good_csv(mission) -> bytes:
    today = TODAY().isoformat()
    staff = mission.cla_profile.staff_number
    return _csv(
        f"NEW-001,new.cla,Awa Kette,female,{mission.base_b.code},{today},",
        f"{staff},,,,{mission.office_a.code},{today},",
    )


def test_dry_run_lists_every_change_and_keeps_nothing(mission, good_csv) -> None:
    result = deployments_import(
        actor=mission.admin, filename="sheet.csv", content=good_csv, dry_run=True
    )

    assert not result.problems
    assert [(c.row, c.kind) for c in result.changes] == [
        (2, "new_cla"),
        (2, "new_deployment"),
        (3, "ended_deployment"),
        (3, "new_deployment"),
    ]
    assert not result.imported
    assert not CLA.objects.filter(staff_number="NEW-001").exists()
    assert Deployment.objects.filter(cla=mission.cla_profile).count() == 1
    assert not DeploymentEvent.objects.exists()


def test_import_applies_every_row_and_records_who(mission, good_csv) -> None:
    result = deployments_import(
        actor=mission.admin, filename="sheet.csv", content=good_csv, dry_run=False
    )

    assert result.imported
    new = CLA.objects.get(staff_number="NEW-001")
    assert new.user.get_full_name() == "Awa Kette" and not new.user.has_usable_password()
    assert Deployment.objects.get(cla=new).location == mission.base_b
    moved = Deployment.objects.get(cla=mission.cla_profile, end_date__isnull=True)
    assert moved.location == mission.office_a
    assert DeploymentEvent.objects.filter(actor=mission.admin).count() == 4


def test_one_bad_row_means_nothing_is_imported_and_each_reason_is_listed(mission) -> None:
    today = TODAY().isoformat()
    content = _csv(
        f"NEW-001,new.cla,Awa Kette,female,{mission.base_b.code},{today},",
        f"NEW-002,other,Bo Yan,male,NOWHERE,{today},",
        f"NEW-003,third,Cy Dee,female,{mission.base_b.code},2026-13-45,",
        f"NEW-004,,,,{mission.base_b.code},{today},",
        f"{mission.cla_profile.staff_number},,,,{mission.base_b.code},"
        f"{(TODAY() - dt.timedelta(days=400)).isoformat()},{TODAY().isoformat()}",
    )

    result = deployments_import(
        actor=mission.admin, filename="sheet.csv", content=content, dry_run=False
    )

    assert not result.imported
    reasons = {p.row: p.reason for p in result.problems}
    assert set(reasons) == {3, 4, 5, 6}
    assert "Unknown location code" in reasons[3]
    assert "not a date" in reasons[4]
    assert "needs a username" in reasons[5]
    assert "overlap" in reasons[6]
    assert not CLA.objects.filter(staff_number="NEW-001").exists()


def test_wrong_columns_are_one_problem_on_row_1(mission) -> None:
    content = b"staff,where\nX,Y\n"

    result = deployments_import(
        actor=mission.admin, filename="sheet.csv", content=content, dry_run=True
    )

    assert [p.row for p in result.problems] == [1]
    assert "missing staff_number" in result.problems[0].reason


def test_a_file_not_in_utf8_is_refused(mission) -> None:
    content = _csv(f"X1,léa,Léa,female,{mission.base_b.code},{TODAY().isoformat()},").replace(
        "é".encode(), "é".encode("latin-1")
    )

    with pytest.raises(DomainError) as caught:
        deployments_import(actor=mission.admin, filename="s.csv", content=content, dry_run=True)

    assert caught.value.field == "file" and "UTF-8" in caught.value.message


def test_semicolon_csv_from_a_french_spreadsheet_is_read(mission) -> None:
    line = f"NEW-9;nine;Neuf Nine;f;{mission.base_b.code};{TODAY():%d/%m/%Y};"
    content = (";".join(COLUMNS) + "\n" + line + "\n").encode()

    result = deployments_import(
        actor=mission.admin, filename="s.csv", content=content, dry_run=True
    )

    assert not result.problems
    assert result.changes[0].kind == "new_cla"


def test_xlsx_good_and_bad(mission) -> None:
    good = _xlsx([["NEW-X", "x.cla", "Ex Ample", "male", mission.office_b.code, TODAY(), None]])
    bad = _xlsx(
        [
            ["NEW-X", "x.cla", "Ex Ample", "male", mission.office_b.code, TODAY(), None],
            ["NEW-Y", "y.cla", "Why Not", "male", mission.office_b.code, "soon", None],
        ]
    )

    imported = deployments_import(
        actor=mission.admin, filename="s.xlsx", content=good, dry_run=False
    )
    refused = deployments_import(actor=mission.admin, filename="b.xlsx", content=bad, dry_run=False)

    assert imported.imported
    assert not refused.imported and [p.row for p in refused.problems] == [3]
    assert not CLA.objects.filter(staff_number="NEW-Y").exists()


def test_a_broken_xlsx_is_refused(mission) -> None:
    with pytest.raises(DomainError) as caught:
        deployments_import(
            actor=mission.admin, filename="s.xlsx", content=b"not a zip", dry_run=True
        )

    assert caught.value.field == "file"


def test_a_workbook_of_too_many_rows_is_refused_without_reading_it_all(mission) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(COLUMNS))
    for number in range(20_000):
        sheet.append([f"X-{number}", "", "", "", "NOWHERE", "2026-01-01", ""])
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(DomainError) as caught:
        deployments_import(
            actor=mission.admin, filename="s.xlsx", content=out.getvalue(), dry_run=True
        )

    assert caught.value.field == "file"
    assert "5000" in str(caught.value)
    assert not CLA.objects.filter(staff_number__startswith="X-").exists()


def test_coordinator_imports_only_into_their_area(mission) -> None:
    content = _csv(f"NEW-1,n1,En One,female,{mission.base_b.code},{TODAY().isoformat()},")

    result = deployments_import(
        actor=mission.coordinator, filename="s.csv", content=content, dry_run=True
    )

    assert "Unknown location code" in result.problems[0].reason


def test_hq_cannot_import(mission, good_csv) -> None:
    with pytest.raises(PermissionRefused):
        deployments_import(actor=mission.hq, filename="s.csv", content=good_csv, dry_run=True)


# --- page and API -------------------------------------------------------------------------


def test_page_dry_run_then_import(client, mission, good_csv) -> None:
    client.force_login(mission.admin)
    url = reverse("clas:deployment_import")

    dry = client.post(url, {"file": SimpleUploadedFile("s.csv", good_csv)})
    assert dry.status_code == 200
    assert "Row 2: New CLA Awa Kette" in dry.content.decode()
    assert not CLA.objects.filter(staff_number="NEW-001").exists()

    done = client.post(url, {"upload": dry.context["upload"]})
    assert done.status_code == 302
    assert CLA.objects.filter(staff_number="NEW-001").exists()


def test_page_lists_bad_rows_and_offers_no_import_button(client, mission) -> None:
    client.force_login(mission.admin)
    content = _csv(f"NEW-2,n2,En Two,female,NOWHERE,{TODAY().isoformat()},")

    response = client.post(
        reverse("clas:deployment_import"), {"file": SimpleUploadedFile("s.csv", content)}
    )

    html = response.content.decode()
    assert "Row 2: Unknown location code" in html
    assert 'name="upload"' not in html


def test_page_refuses_another_file_type_with_a_field_error(client, mission) -> None:
    client.force_login(mission.admin)

    response = client.post(
        reverse("clas:deployment_import"), {"file": SimpleUploadedFile("s.pdf", b"%PDF")}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"]


@pytest.mark.parametrize("role", ["cla", "force", "hq"])
def test_import_page_and_api_refuse_other_roles(client, mission, role, good_csv) -> None:
    client.force_login(mission.user(role))

    assert client.get(reverse("clas:deployment_import")).status_code == 403
    response = client.post(
        "/api/v1/deployments/import/", {"file": SimpleUploadedFile("s.csv", good_csv)}
    )
    assert response.status_code == 403


def test_api_dry_run_then_import(client, mission, good_csv) -> None:
    client.force_login(mission.admin)

    dry = client.post(
        "/api/v1/deployments/import/", {"file": SimpleUploadedFile("s.csv", good_csv)}
    )
    assert dry.status_code == 200
    assert dry.json()["imported"] is False and len(dry.json()["changes"]) == 4
    done = client.post(
        "/api/v1/deployments/import/",
        {"file": SimpleUploadedFile("s.csv", good_csv), "dry_run": "false"},
    )
    assert done.json()["imported"] is True
    assert CLA.objects.filter(staff_number="NEW-001").exists()


def test_api_unreadable_file_is_a_field_error(client, mission) -> None:
    client.force_login(mission.admin)

    response = client.post(
        "/api/v1/deployments/import/", {"file": SimpleUploadedFile("s.xlsx", b"junk")}
    )

    assert response.status_code == 400
    assert "file" in response.json()


def test_template_download(client, mission) -> None:
    client.force_login(mission.coordinator)

    csv_body = client.get(reverse("clas:deployment_import_template", args=["csv"]))
    xlsx = client.get(reverse("clas:deployment_import_template", args=["xlsx"]))

    assert csv_body.content.decode("utf-8-sig").splitlines()[0] == HEADER
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
