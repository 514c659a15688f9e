"""Bulk import of CLAs and their deployments from a CSV or XLSX sheet, and export of the board.

The sheet has one row per deployment (see TEMPLATE_COLUMNS). Every row goes through the same
services as the board's forms, in one transaction: a dry run applies them all, lists what
they did and what they refused, and rolls back; a real import rolls back too unless every
row was good, so nothing is ever imported in part.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from clas import changes
from clas.models import CLA, Deployment, DeploymentEvent, Gender, Location, Role, User
from clas.permissions import may_manage_deployments
from clas.selectors import BoardRow, scoped_location_ids
from clas.services import deployment_end, deployment_move, deployment_record, event_record
from core.exceptions import DomainError, PermissionRefused
from core.export import csv_safe

# The columns of the sheet, in the template's order, with what each holds.
TEMPLATE_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("staff_number", _("Staff number of the CLA (required).")),
    ("username", _("Sign-in name, for a CLA not yet in the system.")),
    ("name", _("First and last name, for a CLA not yet in the system.")),
    ("gender", _("female or male, for a CLA not yet in the system.")),
    ("location_code", _("Code of the location (required), as on the board.")),
    ("start_date", _("First day there (required), as YYYY-MM-DD or DD/MM/YYYY.")),
    ("end_date", _("Last day there, for a deployment that has ended; empty if still there.")),
)
COLUMNS = tuple(name for name, _help in TEMPLATE_COLUMNS)
REQUIRED_COLUMNS = ("staff_number", "location_code", "start_date")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50
GENDERS = {
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "femme": Gender.FEMALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "homme": Gender.MALE,
    "h": Gender.MALE,
}

# The kinds of change an import makes.
NEW_CLA = "new_cla"
NEW_DEPLOYMENT = "new_deployment"
ENDED_DEPLOYMENT = "ended_deployment"


@dataclass(frozen=True)
class ImportChange:
    row: int
    kind: str
    text: str


@dataclass(frozen=True)
class ImportProblem:
    row: int
    reason: str


@dataclass
class ImportResult:
    changes: list[ImportChange] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    imported: bool = False
    rows: int = 0


class _RowError(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


# --- reading the sheet ----------------------------------------------------------------------


def _header(cells: Iterable[Any]) -> list[str]:
    return [str(c or "").strip().lower().replace(" ", "_").replace("-", "_") for c in cells]


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            gettext(
                "The file is not in UTF-8 (byte %(at)d): save it as “CSV UTF-8” and upload "
                "it again."
            )
            % {"at": exc.start + 1},
            field="file",
        ) from exc
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to French save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise DomainError(
            gettext("The CSV file cannot be read: %(error)s") % {"error": exc}, field="file"
        ) from exc


def _too_many_rows() -> DomainError:
    return DomainError(
        gettext("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS},
        field="file",
    )


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise DomainError(gettext("The file is not a valid XLSX workbook."), field="file") from exc
    try:
        sheet = book.worksheets[0]
        # A small workbook can unpack to millions of rows: read no further than a file that
        # could be accepted (blank lines left out later) and no wider than a sensible sheet.
        lines: list[list[Any]] = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            lines.append(list(row))
            if len(lines) > 2 * MAX_ROWS + 1:
                raise _too_many_rows()
        return lines
    finally:
        book.close()


def sheet_read(*, filename: str, content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the rows (with their row number in the sheet) of an uploaded file."""
    if len(content) > MAX_BYTES:
        raise DomainError(
            gettext("The file is too large: at most %(max)d MB.") % {"max": MAX_BYTES // 2**20},
            field="file",
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        lines = _read_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        lines = _read_csv(content)
    else:
        raise DomainError(gettext("Upload a .csv or .xlsx file."), field="file")
    lines = [line for line in lines if any(str(c or "").strip() for c in line)]
    if not lines:
        raise DomainError(gettext("The file is empty."), field="file")
    header = _header(lines[0])
    if len(lines) - 1 > MAX_ROWS:
        raise _too_many_rows()
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        rows.append((number, {header[i]: line[i] for i in range(min(len(header), len(line)))}))
    return header, rows


def _columns_check(header: list[str]) -> str | None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if not missing and not unknown:
        return None
    parts = []
    if missing:
        parts.append(gettext("missing %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        parts.append(gettext("unknown %(columns)s") % {"columns": ", ".join(unknown)})
    return gettext("Wrong columns (%(problems)s): the columns are %(expected)s.") % {
        "problems": "; ".join(parts),
        "expected": ", ".join(COLUMNS),
    }


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(row: dict, column: str, *, required: bool) -> dt.date | None:
    value = row.get(column)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(row, column)
    if not text:
        if required:
            raise _RowError(gettext("%(column)s is empty.") % {"column": column})
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowError(
        gettext("%(column)s “%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY).")
        % {"column": column, "value": text[:40]}
    )


# --- applying the rows ------------------------------------------------------------------------


def _location(row: dict, scope: list[int] | None) -> Location:
    code = _text(row, "location_code")
    if not code:
        raise _RowError(gettext("location_code is empty."))
    location = Location.objects.filter(code__iexact=code).first()
    if location is None or (scope is not None and location.pk not in scope):
        raise _RowError(gettext("Unknown location code “%(code)s”.") % {"code": code[:40]})
    return location


def _cla(row: dict, actor: User, result: ImportResult, number: int) -> CLA:
    staff_number = _text(row, "staff_number")
    if not staff_number:
        raise _RowError(gettext("staff_number is empty."))
    cla = CLA.objects.select_related("user").filter(staff_number=staff_number).first()
    if cla is not None:
        return cla
    username, name = _text(row, "username"), _text(row, "name")
    gender = GENDERS.get(_text(row, "gender").lower())
    if not username or not name or gender is None:
        raise _RowError(
            gettext(
                "No CLA has staff number “%(number)s”: a new CLA needs a username, a name "
                "and a gender (female or male)."
            )
            % {"number": staff_number[:20]}
        )
    if len(staff_number) > 20 or len(username) > 150:
        raise _RowError(gettext("The staff number or the username is too long."))
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise _RowError(gettext("The username “%(username)s” is taken.") % {"username": username})
    first, _sep, last = name.partition(" ")
    user = get_user_model().objects.create(
        username=username, first_name=first[:150], last_name=last[:150], role=Role.CLA
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    cla = CLA.objects.create(user=user, staff_number=staff_number, gender=gender)
    event = event_record(
        cla=cla,
        deployment=None,
        action=DeploymentEvent.Action.CREATED,
        actor=actor,
        message=changes.NEW_CLA,
        name=cla,
        number=staff_number,
    )
    result.changes.append(ImportChange(number, NEW_CLA, event.text))
    return cla


def _row_apply(
    *, row: dict, number: int, actor: User, scope: list[int] | None, result: ImportResult
) -> None:
    location = _location(row, scope)
    start_date = _date(row, "start_date", required=True)
    end_date = _date(row, "end_date", required=False)
    cla = _cla(row, actor, result, number)
    current = Deployment.objects.filter(cla=cla, end_date__isnull=True).first()
    if scope is not None and current is not None and current.location_id not in scope:
        raise _RowError(gettext("%(cla)s works outside your area.") % {"cla": cla})

    def record(deployment: Deployment, kind: str, message: str, **values: object) -> None:
        event = event_record(
            cla=cla,
            deployment=deployment,
            action=DeploymentEvent.Action.IMPORTED,
            actor=actor,
            message=message,
            name=cla,
            **values,
        )
        result.changes.append(ImportChange(number, kind, event.text))

    if (
        current is not None
        and current.location_id == location.pk
        and current.start_date == start_date
    ):
        if end_date is None:
            return  # already on the board as it is
        ended = deployment_end(deployment=current, end_date=end_date)
        record(ended, ENDED_DEPLOYMENT, changes.IMPORT_ENDED, location=location, end=end_date)
        return
    if end_date is not None:
        new = deployment_record(
            cla=cla, location=location, start_date=start_date, end_date=end_date
        )
        record(
            new,
            NEW_DEPLOYMENT,
            changes.IMPORT_RECORDED,
            location=location,
            start=start_date,
            end=end_date,
        )
        return
    new = deployment_move(cla=cla, location=location, start_date=start_date)
    if current is not None:
        current.refresh_from_db()
        record(
            current,
            ENDED_DEPLOYMENT,
            changes.IMPORT_ENDED,
            location=current.location,
            end=current.end_date,
        )
    record(new, NEW_DEPLOYMENT, changes.IMPORT_DEPLOYED, location=location, start=start_date)


def deployments_import(
    *, actor: User, filename: str, content: bytes, dry_run: bool
) -> ImportResult:
    """Apply every row of the sheet; keep them only if not `dry_run` and no row is bad.

    A file that cannot be read at all raises DomainError (field `file`); a bad row is listed
    in the result with its row number and reason.
    """
    if not may_manage_deployments(actor):
        raise PermissionRefused(gettext("Only mission admins and CLA coordinators may do this."))
    header, rows = sheet_read(filename=filename, content=content)
    result = ImportResult(rows=len(rows))
    wrong = _columns_check(header)
    if wrong:
        result.problems.append(ImportProblem(1, wrong))
        return result
    if not rows:
        raise DomainError(gettext("The file has a header but no rows."), field="file")
    scope = scoped_location_ids(actor)
    with transaction.atomic():
        for number, row in rows:
            try:
                with transaction.atomic():
                    _row_apply(row=row, number=number, actor=actor, scope=scope, result=result)
            except _RowError as exc:
                result.problems.append(ImportProblem(number, exc.reason))
            except DomainError as exc:
                result.problems.append(ImportProblem(number, str(exc.message)))
        result.imported = not dry_run and not result.problems
        if not result.imported:
            transaction.set_rollback(True)
    return result


# --- the template and the export --------------------------------------------------------------


def template_rows() -> list[list[str]]:
    """The header and one example row."""
    return [list(COLUMNS), ["CLA-0001", "jdoe", "Jeanne Doe", "female", "CF-BGU", "2026-01-15", ""]]


EXPORT_COLUMNS = (
    "location_code",
    "location",
    "kind",
    "sector",
    "prefecture",
    "staff_number",
    "cla",
    "gender",
    "status",
    "start_date",
    "end_date",
)


def board_export_rows(rows: Iterable[BoardRow]) -> Iterable[list[Any]]:
    """One line per CLA on the board (one for a location without CLA), formula-safe."""
    yield list(EXPORT_COLUMNS)
    for row in rows:
        loc = row.location
        base = [loc.code, loc.name, loc.get_kind_display(), loc.sector.name, loc.prefecture]
        if not row.deployments:
            yield [csv_safe(v) for v in [*base, "", "", "", "", "", ""]]
        for d in row.deployments:
            yield [
                csv_safe(v)
                for v in [
                    *base,
                    d.cla.staff_number,
                    str(d.cla),
                    d.cla.get_gender_display(),
                    d.get_status_display(),
                    d.start_date.isoformat(),
                    d.end_date.isoformat() if d.end_date else "",
                ]
            ]


def csv_bytes(lines: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in lines:
        writer.writerow([csv_safe(v) for v in line])
    # With a byte order mark, spreadsheets open the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(lines: Iterable[list[Any]], *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for line in lines:
        sheet.append([csv_safe(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
