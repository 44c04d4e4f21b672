"""Cells a spreadsheet would run as formulas are written as text, and read back as they were."""

from __future__ import annotations

import pytest

from kit.spreadsheets import neutralise, restore


@pytest.mark.parametrize(
    "cell",
    ["=cmd|' /C calc'!A0", "+86 138", "-2+3", "@SUM(A1)", "\tx", "\r=1", "=1"],
)
def test_a_cell_opening_like_a_formula_gets_a_quote_and_reads_back_as_it_was(cell: str) -> None:
    written = neutralise(cell)
    assert written == "'" + cell
    assert restore(str(written)) == cell


@pytest.mark.parametrize("cell", ["-117.06", "+3", "-5", "张三", "", "'quoted", 12, -3.5])
def test_numbers_and_plain_text_are_written_unchanged(cell: object) -> None:
    assert neutralise(cell) == cell
