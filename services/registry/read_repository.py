"""The SQL of the registry's hottest read, one household with its parts (GET a household, the
public page, the reply to every edit): Core statements built once, run on a plain connection.
The ORM session, its identity map and IN-list expansion cost over twice the CPU of this path
(benchmarks/gateway_household.py; BASELINES.md: give the hottest reads a lean query path).

On PostgreSQL a caller's read is ONE statement on the driver (`household_with_parts`): the
parts come back as arrays of rows beside the household, so a read is one round trip instead
of eight (pre-ping, BEGIN, five queries, ROLLBACK) — the socket writes of those round trips
were the registry's largest cost. SQLite, in process, has no round trips to save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from asyncpg import Record
from sqlalchemy import Table, bindparam, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from kit.db import Database
from kit.driver_sql import for_driver, row_type
from kit.scope import Scope
from kit.territory import subtree_range
from services.registry.household_filter import Search, conditions_of
from services.registry.household_order import Ordering, order_of, positioned
from services.registry.models import (
    Benefit,
    Household,
    Income,
    Indicator,
    IndicatorYear,
    Member,
    Pairing,
)
from services.registry.repository import scoped

M = TypeVar("M", bound=SQLModel)
# The rows of a reply: the models' columns without the ORM's state (kit.driver_sql.row_type).
HouseholdRow = row_type(Household)
MemberRow = row_type(Member)
IncomeRow = row_type(Income)
IndicatorRow = row_type(Indicator)
IndicatorYearRow = row_type(IndicatorYear)

_households: Table = Household.__table__  # type: ignore[attr-defined]
_members: Table = Member.__table__  # type: ignore[attr-defined]
_incomes: Table = Income.__table__  # type: ignore[attr-defined]
_indicators: Table = Indicator.__table__  # type: ignore[attr-defined]
_benefits: Table = Benefit.__table__  # type: ignore[attr-defined]
_indicator_years: Table = IndicatorYear.__table__  # type: ignore[attr-defined]

HOUSEHOLD = select(_households).where(_households.c.id == bindparam("id"))
MEMBERS = (
    select(_members).where(_members.c.household_id == bindparam("id")).order_by(_members.c.position)
)
INCOMES = (
    select(_incomes).where(_incomes.c.household_id == bindparam("id")).order_by(_incomes.c.year)
)
INDICATORS = select(_indicators).where(_indicators.c.household_id == bindparam("id"))
INDICATOR_YEARS = (
    select(_indicator_years)
    .where(_indicator_years.c.household_id == bindparam("id"))
    .order_by(_indicator_years.c.year)
)
BENEFIT_TOTALS = (
    select(_benefits.c.year, func.sum(_benefits.c.amount))
    .where(_benefits.c.household_id == bindparam("id"))
    .group_by(_benefits.c.year)
)


def _names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


def _row(table: Table, alias: str) -> str:
    return f"ROW({', '.join(f'{alias}.{name}' for name in _names(table))})"


# The parts of the household `h`, as arrays of rows beside it.
_PLACE = "list_place"  # a page row's place in the list's order (not a household column)
_PARTS_OF_H = f"""
  ARRAY(SELECT {_row(_members, "m")} FROM {_members.name} m
        WHERE m.household_id = h.id ORDER BY m.position) AS parts_members,
  ARRAY(SELECT {_row(_incomes, "i")} FROM {_incomes.name} i
        WHERE i.household_id = h.id ORDER BY i.year) AS parts_incomes,
  ARRAY(SELECT {_row(_indicators, "x")} FROM {_indicators.name} x
        WHERE x.household_id = h.id) AS parts_indicators,
  ARRAY(SELECT ROW(b.year, sum(b.amount)) FROM {_benefits.name} b
        WHERE b.household_id = h.id GROUP BY b.year) AS parts_benefits,
  ARRAY(SELECT {_row(_indicator_years, "y")} FROM {_indicator_years.name} y
        WHERE y.household_id = h.id ORDER BY y.year) AS parts_indicator_years"""
_SCOPED_HOUSEHOLD = f"""
SELECT h.*,{_PARTS_OF_H}
FROM {_households.name} h
WHERE h.id = $1 AND h.village_code >= $2 AND h.village_code <= $3"""
# The scope's condition, by its two shapes: a territory, or a helper's pairings within it.
IN_TERRITORY = _SCOPED_HOUSEHOLD
IN_PAIRINGS = (
    f"{_SCOPED_HOUSEHOLD}\n  AND h.id IN (SELECT household_id FROM {Pairing.__tablename__}"
    " WHERE helper_id = $4)"
)
_PARTS = (
    "parts_members",
    "parts_incomes",
    "parts_indicators",
    "parts_benefits",
    "parts_indicator_years",
)


async def household_with_parts(
    db: Database, scope: Scope, household_id: str
) -> tuple[Household, HouseholdParts] | None:
    """The household and its parts if the caller's scope covers it, in one statement
    (PostgreSQL)."""
    low, high = subtree_range(scope.region_code)
    if scope.is_paired_only:
        row = await db.fetch_row(IN_PAIRINGS, household_id, low, high, scope.paired_helper)
    else:
        row = await db.fetch_row(IN_TERRITORY, household_id, low, high)
    if row is None:
        return None
    return _with_parts(row)


async def page_with_parts(
    db: Database, scope: Scope, search: Search, ordering: Ordering, limit: int
) -> list[tuple[Household, HouseholdParts]]:
    """A page of the households the scope covers and the search finds, in the ordering's order
    after its position, each with its parts, in one statement (PostgreSQL). The conditions and
    the order are those of the ORM's list (`scoped`, `conditions_of`, `household_order`),
    compiled once per shape for the driver."""
    in_scope = scoped(scope, _households.c.village_code, _households.c.id)  # Core: cheaper
    order = order_of(ordering)
    place = func.row_number().over(order_by=order).label(_PLACE)
    page = select(_households, place).where(in_scope, *conditions_of(search, dialect="postgresql"))
    h = positioned(page, ordering).order_by(*order).limit(limit).subquery("h")
    # The outer columns by name: the subquery's column collection (`h.c`) would cost more to
    # build than the rest of the statement, and would be built for every call.
    query, arguments = for_driver(
        select(literal_column("h.*"), literal_column(_PARTS_OF_H))
        .select_from(h)
        .order_by(literal_column(f"h.{_PLACE}"))
    )
    return [_with_parts(row) for row in await db.fetch_rows(query, *arguments)]


def _with_parts(row: Record) -> tuple[Household, HouseholdParts]:
    fields = dict(row.items())
    fields.pop(_PLACE, None)
    members, incomes, indicators, benefits, years = (fields.pop(name) for name in _PARTS)
    return HouseholdRow(**fields), HouseholdParts(
        members=_rows(MemberRow, members),
        incomes=_rows(IncomeRow, incomes),
        indicators=_rows(IndicatorRow, indicators),
        benefits_by_year={int(year): int(total) for year, total in benefits},
        indicator_years=_rows(IndicatorYearRow, years),
    )


def _rows(row: Callable[..., M], values: list[tuple]) -> list[M]:
    """Rows of our own table, from the tuples of `_row` (the table's columns in its order)."""
    return [row(*v) for v in values]


@dataclass(frozen=True)
class HouseholdParts:
    members: list[Member]
    incomes: list[Income]
    indicators: list[Indicator]
    benefits_by_year: dict[int, int]
    indicator_years: list[IndicatorYear]


async def household(
    connection: AsyncConnection, scope: Scope, household_id: str
) -> Household | None:
    """The household, if the caller's scope covers it (the scope's condition is added to the
    prebuilt statement: SQLAlchemy caches the compiled form per shape)."""
    statement = HOUSEHOLD.where(scoped(scope))
    row = (await connection.execute(statement, {"id": household_id})).first()
    return None if row is None else HouseholdRow(**row._mapping)


async def parts_of(connection: AsyncConnection, household_id: str) -> HouseholdParts:
    """Members in register order, incomes by year, indicators, benefits in yuan per year."""
    key = {"id": household_id}
    members = await connection.execute(MEMBERS, key)
    incomes = await connection.execute(INCOMES, key)
    indicators = await connection.execute(INDICATORS, key)
    benefits = await connection.execute(BENEFIT_TOTALS, key)
    years = await connection.execute(INDICATOR_YEARS, key)
    return HouseholdParts(
        members=[MemberRow(*row) for row in members],
        incomes=[IncomeRow(*row) for row in incomes],
        indicators=[IndicatorRow(*row) for row in indicators],
        benefits_by_year={int(year): int(total) for year, total in benefits},
        indicator_years=[IndicatorYearRow(*row) for row in years],
    )
