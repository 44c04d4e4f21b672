"""Projects' benefits to households (projects.benefit.recorded) on SQLite and PostgreSQL: each is
one policy benefit of the household and part of its incomes of the year; recorded again it
replaces its amount and moves the incomes by the difference; an older version arriving late
changes nothing."""

from __future__ import annotations

from jingzhun.projects.v1 import progress_events_pb2 as events
from services.registry import repository as repo
from services.registry.households_service import HouseholdsService
from services.registry.indicator_sets import load_indicator_sets
from services.registry.livelihood_service import LivelihoodService
from services.registry.project_benefits import project_benefit_handler
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["service"]


def recorded(
    household_id: str, kind: str, amount_fen: int, version: int, benefit: str = "b1"
) -> events.BenefitRecorded:
    return events.BenefitRecorded(
        benefit_id=benefit,
        project_id="p" * 32,
        project_name="光伏扶贫电站",
        household_id=household_id,
        kind=kind,
        year=2025,
        amount_fen=amount_fen,
        version=version,
        actor_id="u9",
    )


async def deliver(service: HouseholdsService, event: events.BenefitRecorded) -> None:
    handler = project_benefit_handler(monitoring_line=4000)
    async with service.c.db.unit_of_work() as session:
        await handler(session, "projects.benefit.recorded", event.SerializeToString(), {})


async def incomes(service: HouseholdsService, household_id: str) -> dict[str, int]:
    async with service.c.db.read_only() as session:
        found = (await repo.incomes_of(session, [household_id]))[household_id]
    return {i.source: i.amount for i in found if i.year == 2025}


async def benefits(service: HouseholdsService, household_id: str) -> list[tuple[str, str, int]]:
    async with service.c.db.read_only() as session:
        found = await repo.benefits_of(session, household_id, 2025)
    return [(b.department, b.program, b.amount) for b in found]


async def test_a_project_benefit_is_a_benefit_and_an_income_of_the_household(
    service: HouseholdsService,
) -> None:
    livelihood = LivelihoodService(service.c, service, load_indicator_sets())
    created = await service.create(COUNTY_OFFICER, household("P-1", "370102001002", 61, 62))
    household_id = created.household.id
    await livelihood.set_incomes(COUNTY_OFFICER, household_id, 2025, {"wage": 8000})

    await deliver(service, recorded(household_id, "dividend", 123456, 1))
    assert await benefits(service, household_id) == [("扶贫项目", "光伏扶贫电站（分红）", 1235)]
    assert await incomes(service, household_id) == {"wage": 8000, "property": 1235}

    await deliver(service, recorded(household_id, "dividend", 200000, 2))
    await deliver(service, recorded(household_id, "dividend", 123456, 1))  # late and older
    assert await benefits(service, household_id) == [("扶贫项目", "光伏扶贫电站（分红）", 2000)]
    assert await incomes(service, household_id) == {"wage": 8000, "property": 2000}

    await deliver(service, recorded(household_id, "job", 300000, 1, benefit="b2"))
    assert await incomes(service, household_id) == {"wage": 11000, "property": 2000}
    view = await service.get(COUNTY_OFFICER, household_id)
    assert view.household.version > created.household.version  # in the household's history
