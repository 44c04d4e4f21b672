"""Spreadsheets in, one row at a time: CSV (UTF-8, with or without a BOM) and XLSX (openpyxl's
read-only mode), so a 100 k-row file never sits in memory whole. Files are written by
kit.spreadsheets, whose neutralised formulas read back as they were."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kit.errors import FieldViolation, InvalidArgument
from kit.spreadsheets import Format, restore

__all__ = ["Format", "read_rows"]


def unreadable(file_name: str, detail: str) -> InvalidArgument:
    return InvalidArgument(
        f"{file_name or 'the file'} cannot be read: {detail}",
        reason="UNREADABLE_FILE",
        violations=[FieldViolation("file", detail)],
    )


def read_rows(
    path: Path, file_format: Format, file_name: str = ""
) -> Iterator[tuple[int, list[str]]]:
    """(line number as a spreadsheet shows it, cells as text) for every non-empty row,
    the header row included."""
    rows = _read_csv(path, file_name) if file_format is Format.CSV else _read_xlsx(path, file_name)
    for number, cells in enumerate(rows, start=1):
        if any(cell.strip() for cell in cells):
            yield number, [restore(cell) for cell in cells]


def _read_csv(path: Path, file_name: str) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            yield from csv.reader(handle)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise unreadable(file_name, "CSV must be UTF-8 text (the template's encoding)") from exc


def _read_xlsx(path: Path, file_name: str) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise unreadable(file_name, "not an Excel (.xlsx) workbook") from exc
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except (BadZipFile, KeyError, ValueError, OSError) as exc:  # a workbook cut short
        raise unreadable(file_name, "the Excel (.xlsx) workbook is damaged") from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
