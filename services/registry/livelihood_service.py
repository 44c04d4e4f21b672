"""Use-cases of a household's livelihood: incomes by year and source, and the guarantee
indicators. Officers set them directly; a helper's proposal applies them through the same
functions once approved. Every change is in the household's history."""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import FieldViolation, InvalidArgument
from kit.principal import Principal
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.edits import record_changes
from services.registry.households_service import HouseholdsService, HouseholdView
from services.registry.income_rule import check_income
from services.registry.models import Household, Indicator, IndicatorYear
from services.registry.net_income import INCOME_SOURCES, TRANSFER_ITEMS, net_income


def check_incomes(year: int, by_source: dict[str, int]) -> dict[str, int]:
    """The year's figures once valid; 转移性收入 derived from its items when only they are given
    (given both, they must agree)."""
    if not 2000 <= year <= date.today().year:
        raise InvalidArgument(
            "year is out of range",
            reason="INVALID_YEAR",
            violations=[FieldViolation("year", "2000 to this year")],
        )
    unknown = sorted(set(by_source) - set(INCOME_SOURCES))
    if unknown or any(amount < 0 for amount in by_source.values()):
        raise InvalidArgument(
            f"income sources are {', '.join(INCOME_SOURCES)}, with amounts of 0 or more yuan",
            reason="INVALID_INCOME",
            violations=[FieldViolation(f"by_source.{s}", "unknown source") for s in unknown],
        )
    items = [by_source[item] for item in TRANSFER_ITEMS if item in by_source]
    if not items:
        return by_source
    if "transfer" in by_source and by_source["transfer"] != sum(items):
        raise InvalidArgument(
            "transfer must be the sum of its items (transfer_subsistence, ...)",
            reason="TRANSFER_ITEMS_DIFFER",
            violations=[FieldViolation("by_source.transfer", f"the items sum to {sum(items)}")],
        )
    return {**by_source, "transfer": sum(items)}


def check_indicators(values: dict[str, bool], known: set[str]) -> None:
    unknown = sorted(set(values) - known)
    if unknown or not values:
        raise InvalidArgument(
            "indicators must come from the configured indicator sets",
            reason="UNKNOWN_INDICATOR",
            violations=[
                FieldViolation(f"values.{name}", "not in any indicator set") for name in unknown
            ],
        )


async def apply_incomes(
    session: AsyncSession,
    household: Household,
    year: int,
    by_source: dict[str, int],
    actor_id: str,
    reason: str = "",
    *,
    monitoring_line: int,
    proposed_by: str = "",
) -> None:
    """Replace the year's incomes; a change is in the history and checked by the income rule."""
    incomes = (await repo.incomes_of(session, [household.id]))[household.id]
    before = {i.source: i.amount for i in incomes if i.year == year}
    years = {i.year for i in incomes}
    await repo.replace_incomes(session, household.id, year, by_source)
    after = dict(sorted(by_source.items()))
    if before == after:
        return
    difference = [(f"incomes.{year}", before, after)]
    record_changes(session, household, actor_id, difference, reason, proposed_by=proposed_by)
    total = net_income(by_source)
    await check_income(
        session, household, year, total, years=years, line=monitoring_line, actor_id=actor_id
    )


def check_year(year: int) -> int:
    """An assessment year: 0 is this year."""
    if year == 0:
        return date.today().year
    if not 2000 <= year <= date.today().year:
        raise InvalidArgument(
            "year is out of range",
            reason="INVALID_YEAR",
            violations=[FieldViolation("year", "2000 to this year")],
        )
    return year


async def apply_indicators(
    session: AsyncSession,
    household: Household,
    values: dict[str, bool],
    actor_id: str,
    reason: str = "",
    *,
    year: int = 0,
    proposed_by: str = "",
) -> None:
    """Record the year's assessment; when it is the latest year assessed, the household's
    current indicators (statistics, filters) follow it."""
    year = check_year(year)
    recorded = (await repo.indicator_years_of(session, [household.id]))[household.id]
    of_year = {i.indicator: i for i in recorded if i.year == year}
    before = {name: of_year[name].compliant for name in values if name in of_year}
    for name, compliant in values.items():
        row = of_year.get(name) or IndicatorYear(
            household_id=household.id, year=year, indicator=name, compliant=compliant
        )
        row.compliant = compliant
        session.add(row)
    if all(i.year <= year for i in recorded):
        current = {
            i.indicator: i
            for i in (await repo.indicators_of(session, [household.id]))[household.id]
        }
        for name, compliant in values.items():
            latest = current.get(name) or Indicator(
                household_id=household.id, indicator=name, compliant=compliant
            )
            latest.compliant = compliant
            session.add(latest)
    after = dict(sorted(values.items()))
    record_changes(
        session,
        household,
        actor_id,
        [(f"indicators.{year}", before, after)] if before != after else [],
        reason,
        proposed_by=proposed_by,
    )


class LivelihoodService:
    def __init__(
        self,
        components: Components,
        households: HouseholdsService,
        indicator_sets: dict[str, dict[str, str]],
    ) -> None:
        self.c = components
        self.households = households
        self.indicators = {indicator for labels in indicator_sets.values() for indicator in labels}

    async def set_incomes(
        self, caller: Principal, household_id: str, year: int, by_source: dict[str, int]
    ) -> HouseholdView:
        by_source = check_incomes(year, by_source)
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(
                session, caller, household_id, for_update=True
            )
            await apply_incomes(
                session,
                household,
                year,
                by_source,
                caller.actor_id,
                monitoring_line=self.c.monitoring_line,
            )
        return await self.households.get(caller, household_id)

    async def set_indicators(
        self, caller: Principal, household_id: str, values: dict[str, bool], year: int = 0
    ) -> HouseholdView:
        check_indicators(values, self.indicators)
        check_year(year)
        async with self.c.db.unit_of_work() as session:
            household = await self.households.visible(
                session, caller, household_id, for_update=True
            )
            await apply_indicators(session, household, values, caller.actor_id, year=year)
        return await self.households.get(caller, household_id)
