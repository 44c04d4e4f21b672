"""The generated province is realistic enough to import: every household passes the import's
own checks, identity numbers are unique, and the same seed gives the same file."""

from __future__ import annotations

from itertools import groupby

from devstack.province import HEADER, household_rows
from services.registry.household_rows import Row, parse_household
from services.registry.templates import TemplateKind, column_positions


def test_every_generated_household_passes_the_import_checks() -> None:
    positions = column_positions(TemplateKind.HOUSEHOLDS, HEADER)
    rows = list(household_rows(2000))
    for number, group in groupby(enumerate(rows, start=2), key=lambda r: r[1][0]):
        members = [Row(line, {k: cells[i] for k, i in positions.items()}) for line, cells in group]
        household, findings = parse_household(number, members, "370000000000")
        assert findings == [] and household is not None
    numbers = [row[positions["id_number"]] for row in rows]
    assert len(set(numbers)) == len(numbers)


def test_the_same_seed_gives_the_same_province() -> None:
    assert list(household_rows(50, seed=7)) == list(household_rows(50, seed=7))
    assert list(household_rows(50, seed=7)) != list(household_rows(50, seed=8))
