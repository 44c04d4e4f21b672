"""The SQL of the registry's hottest read, one household with its parts (GET a household, the
public page, the reply to every edit): Core statements built once, run on a plain connection.
The ORM session, its identity map and IN-list expansion cost over twice the CPU of this path
(benchmarks/gateway_household.py; BASELINES.md: give the hottest reads a lean query path)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.scope import Scope
from services.registry.models import Benefit, Household, Income, Indicator, Member
from services.registry.repository import scoped

_households: Table = Household.__table__  # type: ignore[attr-defined]
_members: Table = Member.__table__  # type: ignore[attr-defined]
_incomes: Table = Income.__table__  # type: ignore[attr-defined]
_indicators: Table = Indicator.__table__  # type: ignore[attr-defined]
_benefits: Table = Benefit.__table__  # type: ignore[attr-defined]

HOUSEHOLD = select(_households).where(_households.c.id == bindparam("id"))
MEMBERS = (
    select(_members).where(_members.c.household_id == bindparam("id")).order_by(_members.c.position)
)
INCOMES = (
    select(_incomes).where(_incomes.c.household_id == bindparam("id")).order_by(_incomes.c.year)
)
INDICATORS = select(_indicators).where(_indicators.c.household_id == bindparam("id"))
BENEFIT_TOTALS = (
    select(_benefits.c.year, func.sum(_benefits.c.amount))
    .where(_benefits.c.household_id == bindparam("id"))
    .group_by(_benefits.c.year)
)


@dataclass(frozen=True)
class HouseholdParts:
    members: list[Member]
    incomes: list[Income]
    indicators: list[Indicator]
    benefits_by_year: dict[int, int]


async def household(
    connection: AsyncConnection, scope: Scope, household_id: str
) -> Household | None:
    """The household, if the caller's scope covers it (the scope's condition is added to the
    prebuilt statement: SQLAlchemy caches the compiled form per shape)."""
    statement = HOUSEHOLD.where(scoped(scope))
    row = (await connection.execute(statement, {"id": household_id})).first()
    # Rows of our own table: constructed without validation (a tenth of the cost).
    return None if row is None else Household.model_construct(**row._mapping)


async def parts_of(connection: AsyncConnection, household_id: str) -> HouseholdParts:
    """Members in register order, incomes by year, indicators, benefits in yuan per year."""
    key = {"id": household_id}
    members = await connection.execute(MEMBERS, key)
    incomes = await connection.execute(INCOMES, key)
    indicators = await connection.execute(INDICATORS, key)
    benefits = await connection.execute(BENEFIT_TOTALS, key)
    return HouseholdParts(
        members=[Member.model_construct(**row._mapping) for row in members],
        incomes=[Income.model_construct(**row._mapping) for row in incomes],
        indicators=[Indicator.model_construct(**row._mapping) for row in indicators],
        benefits_by_year={int(year): int(total) for year, total in benefits},
    )
