"""The income rule on SQLite and PostgreSQL: a household's latest year of income under the
monitoring line per person publishes registry.household.at_risk; at or above it, an earlier
year, or an unchanged year publish nothing."""

from __future__ import annotations

from sqlmodel import col, select

from jingzhun.registry.v1 import events_pb2
from kit.outbox import OutboxMessage
from services.registry.households_service import HouseholdsService
from services.registry.indicator_sets import load_indicator_sets
from services.registry.livelihood_service import LivelihoodService
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["service"]


async def at_risk(households: HouseholdsService) -> list[events_pb2.HouseholdAtRisk]:
    async with households.c.db.read_only() as session:
        rows = (
            await session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.subject) == "registry.household.at_risk")
                .order_by(col(OutboxMessage.seq))
            )
        ).all()
    return [events_pb2.HouseholdAtRisk.FromString(r.payload) for r in rows]


async def test_a_latest_year_under_the_line_per_person_puts_the_household_at_risk(
    service: HouseholdsService,
) -> None:
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    created = await service.create(COUNTY_OFFICER, household("R-1", "370102001002", 51, 52))
    household_id = created.household.id
    # 2 people: 12,000 yuan is 6,000 each, exactly the line (1.5 × 4,000): not at risk.
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2024, {"wage": 12000})
    assert await at_risk(service) == []
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2024, {"wage": 11000})
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2024, {"wage": 11000})
    (event,) = await at_risk(service)
    assert (event.household_id, event.village_code, event.year) == (
        household_id,
        "370102001002",
        2024,
    )
    assert (event.per_capita_income, event.monitoring_line, event.actor_id) == (5500, 6000, "u1")
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2025, {"wage": 20000})
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2023, {"wage": 1000})
    assert len(await at_risk(service)) == 1  # 2023 is not the latest year
