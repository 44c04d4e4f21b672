"""Policy benefits on SQLite and PostgreSQL: one record per (household, year, quarter,
department, program), whether recorded by hand or written again by an import."""

from __future__ import annotations

import pytest

from kit.clock import utcnow
from services.registry import repository as repo
from services.registry.benefits_service import BenefitsService, NewBenefit
from services.registry.households_service import HouseholdsService
from tests.integration.registry.test_households import COUNTY_OFFICER as OFFICER
from tests.integration.registry.test_households import household, service

__all__ = ["service"]


@pytest.fixture
def benefits(service: HouseholdsService) -> BenefitsService:
    return BenefitsService(service.c, service)


async def registered(benefits: BenefitsService) -> str:
    new = household("B-1", "370102001002", 1)
    return (await benefits.households.create(OFFICER, new)).household.id


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
    benefits: BenefitsService,
) -> None:
    household_id = await registered(benefits)
    manual = await benefits.record(
        OFFICER, household_id, NewBenefit(2025, 1, "民政局", "低保金", 600)
    )
    rows = [imported(household_id, 1, 650), imported(household_id, 2, 600)]
    for _ in range(2):  # the same file twice
        async with benefits.c.db.unit_of_work() as session:
            await repo.upsert_benefits(session, rows)
    found = await benefits.list_benefits(OFFICER, household_id, 2025)
    assert [(b.id, b.quarter, b.amount, b.source) for b in found] == [
        (manual.id, 1, 650, "import:job-1"),
        (f"{2:032x}", 2, 600, "import:job-1"),
    ]
    view = await benefits.households.get(OFFICER, household_id)
    assert view.benefits_by_year == {2025: 1250}
