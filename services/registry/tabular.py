"""Spreadsheets in and out, one row at a time: CSV (UTF-8, with or without a BOM) and XLSX
(openpyxl's read-only and write-only modes), so a 100 k-row file never sits in memory whole."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kit.errors import InvalidArgument

BOM = "\ufeff"
CHUNK_BYTES = 256 * 1024


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def unreadable(detail: str) -> InvalidArgument:
    return InvalidArgument(f"the file cannot be read: {detail}", reason="UNREADABLE_FILE")


def read_rows(path: Path, file_format: Format) -> Iterator[tuple[int, list[str]]]:
    """(line number as a spreadsheet shows it, cells as text) for every non-empty row,
    the header row included."""
    rows = _read_csv(path) if file_format is Format.CSV else _read_xlsx(path)
    for number, cells in enumerate(rows, start=1):
        if any(cell.strip() for cell in cells):
            yield number, cells


def _read_csv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            yield from csv.reader(handle)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise unreadable("CSV must be UTF-8 text (the template's encoding)") from exc


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise unreadable("not an Excel (.xlsx) workbook") from exc
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


async def file_chunks(
    rows: AsyncIterator[list[str]], file_format: Format, title: str
) -> AsyncIterator[bytes]:
    """A file of `rows`, in chunks: CSV with a BOM (so spreadsheet programs read the Chinese
    right), or an XLSX workbook of one sheet whose cells are all text (identity numbers and
    division codes keep every digit)."""
    if file_format is Format.CSV:
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        async for row in rows:
            writer.writerow(row)
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    async for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as target:
        workbook.save(target)
        target.seek(0)
        while chunk := target.read(CHUNK_BYTES):
            yield chunk
