"""Every CSV and XLSX file the platform writes, one row at a time: CSV with a BOM, or one sheet
of text cells, each cell neutralised so a spreadsheet never runs it as a formula (OWASP's rule:
a text cell opening with = + - @ tab or CR gets a leading single quote)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from enum import StrEnum

from openpyxl import Workbook

BOM = "\ufeff"
CHUNK_BYTES = 256 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A plain number (a negative amount, a longitude) opens with - or + but is no formula.
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def neutralise(cell: object) -> object:
    """The cell as a spreadsheet shows it and never evaluates it (numbers stay numbers)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(cell):
        return QUOTE + cell
    return cell


def restore(cell: str) -> str:
    """The value `neutralise` was given: a file the platform wrote reads back as it was."""
    if cell.startswith(QUOTE) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


async def file_chunks(
    rows: AsyncIterator[Sequence[object]], file_format: Format, title: str
) -> AsyncIterator[bytes]:
    """A file of `rows`, in chunks: CSV with a BOM (so spreadsheet programs read the Chinese
    right), or an XLSX workbook of one sheet whose cells are all text (identity numbers and
    division codes keep every digit)."""
    if file_format is Format.CSV:
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        async for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
            if buffer.tell() >= CHUNK_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    async for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    with tempfile.TemporaryFile() as target:
        workbook.save(target)
        target.seek(0)
        while chunk := target.read(CHUNK_BYTES):
            yield chunk
