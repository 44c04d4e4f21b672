"""The figures of every child region of a region in one answer (the leaders' screen's and the
map's), on SQLite and PostgreSQL: each child's equal to that child's own statistics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest

from kit import migrations
from kit.db import Database
from kit.errors import NotFound
from kit.principal import Principal
from kit.protection import FieldProtector
from services.registry.components import Components
from services.registry.households_service import HouseholdsService
from services.registry.models import VillageProfile
from services.registry.statistics_service import StatisticsService
from tests.integration.registry.test_households import COUNTY_OFFICER, household

TOWN_SECRETARY = Principal(
    subject="u2", kind="user", region_code="370102001000", roles=("secretary",)
)


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[HouseholdsService]:
    url = (
        await postgres_database("registry")
        if request.param == "postgres"
        else sqlite_url("registry")
    )
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    yield HouseholdsService(Components(db=db, protector=FieldProtector.from_secrets("e", "i")))
    await db.dispose()


async def seeded(service: HouseholdsService) -> StatisticsService:
    """Town 001: village 001 (two poor households, three people, 村情 of 30 people) and village
    002 (one exited household); town 002: one household."""
    await service.create(COUNTY_OFFICER, household("C-1", "370102001001", 1, 2))
    await service.create(COUNTY_OFFICER, household("C-2", "370102001001", 3))
    exited = await service.create(COUNTY_OFFICER, household("C-3", "370102001002", 4))
    for action in ("start_assistance", "exit"):
        await service.transition(COUNTY_OFFICER, exited.household.id, action, "核实", "")
    await service.create(COUNTY_OFFICER, household("C-4", "370102002001", 5))
    async with service.c.db.unit_of_work() as session:
        for year, population in ((2023, 60), (2024, 30)):
            session.add(
                VillageProfile(
                    village_code="370102001001",
                    year=year,
                    population=population,
                    households=10,
                    arable_land_mu=1.0,
                    collective_income=0,
                    roads_hardened=True,
                    drinking_water=True,
                    broadband=True,
                    clinic=True,
                    school=True,
                    recorded_by="u1",
                    recorded_at=datetime.now(UTC),
                )
            )
    return StatisticsService(service.c)


async def test_each_child_s_figures_equal_its_own_statistics(service: HouseholdsService) -> None:
    statistics = await seeded(service)
    towns = await statistics.children(COUNTY_OFFICER, "")
    assert towns.region_code == "370102000000"
    assert [t.region_code for t in towns.children] == ["370102001000", "370102002000"]
    for child in towns.children:
        own = await statistics.region(COUNTY_OFFICER, child.region_code)
        assert (child.households, child.people, child.by_status, child.poor_people) == (
            own.households,
            own.people,
            own.by_status,
            own.poor_people,
        )
        assert child.progress == own.progress
    assert towns.children[0].households == 3


async def test_a_town_s_villages_have_their_incidence_from_the_latest_village_profile(
    service: HouseholdsService,
) -> None:
    statistics = await seeded(service)
    villages = await statistics.children(TOWN_SECRETARY, "370102001000")
    first, second = villages.children
    assert (first.region_code, first.poor_people, first.incidence) == ("370102001001", 3, 0.1)
    assert (second.progress.exited_households, second.incidence) == (1, None)


async def test_a_village_has_no_children_and_another_town_is_not_found(
    service: HouseholdsService,
) -> None:
    statistics = await seeded(service)
    assert (await statistics.children(TOWN_SECRETARY, "370102001001")).children == []
    with pytest.raises(NotFound):
        await statistics.children(TOWN_SECRETARY, "370102002000")
    with pytest.raises(NotFound):
        await statistics.children(TOWN_SECRETARY, "370102000000")
