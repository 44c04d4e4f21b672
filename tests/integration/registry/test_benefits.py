"""Policy benefits on SQLite and PostgreSQL: one record per (household, year, quarter,
department, program), whether recorded by hand or written again by an import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from kit import migrations
from kit.db import Database
from kit.id_numbers import check_character
from kit.principal import Principal
from kit.protection import FieldProtector
from services.registry import repository as repo
from services.registry.benefits_service import BenefitsService, NewBenefit
from services.registry.components import Components, utcnow
from services.registry.households_service import HouseholdsService, NewHousehold, NewMember

OFFICER = Principal(subject="u1", kind="user", region_code="370102000000", roles=("info_officer",))


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[BenefitsService]:
    url = (
        await postgres_database("registry")
        if request.param == "postgres"
        else sqlite_url("registry")
    )
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    households = HouseholdsService(
        Components(db=db, protector=FieldProtector.from_secrets("e", "i"))
    )
    yield BenefitsService(households.c, households)
    await db.dispose()


async def registered(service: BenefitsService) -> str:
    first = "37010219700101001"
    head = NewMember(name="户主", id_number=first + check_character(first), relation="head")
    new = NewHousehold(
        number="B-1",
        village_code="370102001002",
        attribute="general",
        main_cause="illness",
        members=[head],
    )
    return (await service.households.create(OFFICER, new)).household.id


def imported(household_id: str, quarter: int, amount: int) -> dict[str, object]:
    return {
        "id": f"{quarter:032x}",
        "household_id": household_id,
        "year": 2025,
        "quarter": quarter,
        "department": "民政局",
        "program": "低保金",
        "amount": amount,
        "recorded_by": "importer",
        "recorded_at": utcnow(),
        "source": "import:job-1",
    }


async def test_a_reimport_keeps_one_record_per_quarter_and_replaces_only_amounts(
    service: BenefitsService,
) -> None:
    household_id = await registered(service)
    manual = await service.record(
        OFFICER, household_id, NewBenefit(2025, 1, "民政局", "低保金", 600)
    )
    rows = [imported(household_id, 1, 650), imported(household_id, 2, 600)]
    for _ in range(2):  # the same file twice
        async with service.c.db.unit_of_work() as session:
            await repo.upsert_benefits(session, rows)
    found = await service.list_benefits(OFFICER, household_id, 2025)
    assert [(b.id, b.quarter, b.amount, b.source) for b in found] == [
        (manual.id, 1, 650, "import:job-1"),
        (f"{2:032x}", 2, 600, "import:job-1"),
    ]
    view = await service.households.get(OFFICER, household_id)
    assert view.benefits_by_year == {2025: 1250}
