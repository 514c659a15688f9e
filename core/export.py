"""What every spreadsheet export (CSV, XLSX) goes through."""

from __future__ import annotations

from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """The cell as a spreadsheet should show it: text that would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
