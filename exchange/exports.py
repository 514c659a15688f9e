"""What an export of the alert list holds, and how each format is written.

Rows are read in chunks from a server-side cursor and written as they come, so an export of a
million alerts takes the memory of one chunk. Every text cell goes through core.export's
formula guard. Nothing that identifies who reported an alert is ever read: no source name or
contact, no focal point, no note of the timeline.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import pycountry
from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from alerts.models import Alert, Certainty, Channel, Severity, Urgency
from core.export import csv_safe

CHUNK = 2000

# Read from the database for every format: plain columns, no model instances.
FIELDS = (
    "pk",
    "reference",
    "reported_at",
    "occurred_at",
    "category__code",
    "category__name_en",
    "category__name_fr",
    "category__acled_event_type",
    "urgency",
    "severity",
    "certainty",
    "status",
    "outcome",
    "response",
    "location__sector__name",
    "location__prefecture",
    "location__name",
    "location__latitude",
    "location__longitude",
    "place",
    "latitude",
    "longitude",
    "victims_killed",
    "victims_injured",
    "victims_abducted",
    "victims_sexual_violence",
    "victims_displaced",
    "channel",
    "perpetrator",
    "description",
)

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    label: str | Promise
    hxl: str
    value: Callable[[Row], Any]


def _label(choices: type) -> Callable[[str], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or ""))


_status = _label(Alert.Status)
_outcome = _label(Alert.Outcome)
_response = _label(Alert.Response)
_urgency = _label(Urgency)
_severity = _label(Severity)
_certainty = _label(Certainty)
_channel = _label(Channel)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Mission time without the offset: what a spreadsheet shows as a date and time."""
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _category(row: Row) -> str:
    french = (get_language() or "en").startswith("fr")
    return row["category__name_fr"] if french else row["category__name_en"]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


COLUMNS: tuple[Column, ...] = (
    Column(_("Reference"), "#event+id", lambda r: r["reference"]),
    Column(_("Reported at"), "#date+reported", lambda r: _local(r["reported_at"])),
    Column(_("Occurred at"), "#date+occurred", lambda r: _local(r["occurred_at"])),
    Column(_("Threat category"), "#event+type", _category),
    Column(_("Category code"), "#event+type+code", lambda r: r["category__code"]),
    Column(_("Urgency"), "#severity+urgency", lambda r: _urgency(r["urgency"])),
    Column(_("Severity"), "#severity", lambda r: _severity(r["severity"])),
    Column(_("Certainty"), "#severity+certainty", lambda r: _certainty(r["certainty"])),
    Column(_("Status"), "#status", lambda r: _status(r["status"])),
    Column(_("Outcome"), "#status+outcome", lambda r: _outcome(r["outcome"])),
    Column(_("Response"), "#activity+response", lambda r: _response(r["response"])),
    Column(_("Sector"), "#region+sector", lambda r: r["location__sector__name"]),
    Column(_("Prefecture"), "#adm1+name", lambda r: r["location__prefecture"]),
    Column(_("Location"), "#loc+name", lambda r: r["location__name"]),
    Column(_("Place or village"), "#loc+name+place", lambda r: r["place"]),
    Column(_("Latitude"), "#geo+lat", lambda r: _number(r["latitude"])),
    Column(_("Longitude"), "#geo+lon", lambda r: _number(r["longitude"])),
    Column(_("Killed"), "#affected+killed", lambda r: r["victims_killed"]),
    Column(_("Injured"), "#affected+injured", lambda r: r["victims_injured"]),
    Column(_("Abducted"), "#affected+abducted", lambda r: r["victims_abducted"]),
    Column(
        _("Survivors of sexual violence"),
        "#affected+sgbv",
        lambda r: r["victims_sexual_violence"],
    ),
    Column(_("Displaced"), "#affected+displaced", lambda r: r["victims_displaced"]),
    Column(_("Channel"), "#meta+channel", lambda r: _channel(r["channel"])),
    Column(_("Perpetrator"), "#group+perpetrator", lambda r: r["perpetrator"]),
    Column(_("Description"), "#description", lambda r: r["description"]),
)


# ACLED's column names are part of its format: never translated.
ACLED_HEADER = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "civilian_targeting",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
)


def _acled_row(row: Row, *, country: Any) -> list[Any]:
    occurred = timezone.localtime(row["occurred_at"])
    precise = row["latitude"] is not None and row["longitude"] is not None
    return [
        row["reference"],
        occurred.date().isoformat(),
        occurred.year,
        1,
        row["category__acled_event_type"],
        row["category__name_en"],
        row["perpetrator"],
        "Civilians",
        "Civilian targeting",
        int(country.numeric),
        country.name,
        row["location__prefecture"],
        row["place"] or row["location__name"],
        _number(row["latitude"] if precise else row["location__latitude"]),
        _number(row["longitude"] if precise else row["location__longitude"]),
        # ACLED: 1 the exact place, 2 near it (here: the mission's location).
        1 if precise else 2,
        f"{settings.MISSION_NAME} community liaison",
        "Local partner-Other",
        row["description"],
        row["victims_killed"],
    ]


def rows(queryset: Any) -> Iterator[Row]:
    return queryset.values(*FIELDS).iterator(chunk_size=CHUNK)


def _cell_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return csv_safe(value)


def write_csv(
    records: Iterable[Row], out: IO[str], *, hxl: bool = False, progress: Callable[[int], None]
) -> int:
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in COLUMNS])
    if hxl:
        writer.writerow([column.hxl for column in COLUMNS])
    return _write(
        records,
        lambda row: writer.writerow([_cell_text(c.value(row)) for c in COLUMNS]),
        progress,
    )


def write_acled(records: Iterable[Row], out: IO[str], *, progress: Callable[[int], None]) -> int:
    country = pycountry.countries.get(alpha_2=settings.MISSION_COUNTRY)
    writer = csv.writer(out)
    writer.writerow(ACLED_HEADER)
    return _write(
        records,
        lambda row: writer.writerow([csv_safe(v) for v in _acled_row(row, country=country)]),
        progress,
    )


def write_xlsx(records: Iterable[Row], path: str, *, progress: Callable[[int], None]) -> int:
    # Write-only: each row goes to a temporary file as it is appended, never kept in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Alerts"))[:31])
    sheet.freeze_panes = "A2"
    sheet.append([str(column.label) for column in COLUMNS])

    def append(row: Row) -> None:
        cells = []
        for column in COLUMNS:
            value = column.value(row)
            cell = WriteOnlyCell(sheet, value=csv_safe(value))
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)

    written = _write(records, append, progress)
    workbook.save(path)
    return written


def _write(
    records: Iterable[Row], write: Callable[[Row], Any], progress: Callable[[int], None]
) -> int:
    written = 0
    for row in records:
        write(row)
        written += 1
        if written % CHUNK == 0:
            progress(written)
    return written
