"""What every spreadsheet export (CSV, XLSX) goes through."""

from __future__ import annotations

from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula (or a DDE call): the ASCII
# signs, tab and carriage return (which some programs skip before reading the sign), and the
# full-width signs some spreadsheets read as the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: Any) -> Any:
    """The cell as a spreadsheet should show it: text that would run as a formula is quoted.

    Every cell of every CSV or XLSX export goes through here, whatever its column: names,
    places and labels are typed by people too. Numbers stay numbers (-3 is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
