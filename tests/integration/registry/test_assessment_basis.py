"""The registry's basis of the assessment on SQLite and PostgreSQL: per village of a subtree its
households, those missing a required field and its pairings; per helper their households."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from services.registry.assessment_basis import assessment_basis
from services.registry.households_service import HouseholdsService
from services.registry.models import Household, Pairing
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["service"]
VILLAGE, NEIGHBOUR = "370102001002", "370102002001"
ELSEWHERE = "370103001001"  # another county


async def test_villages_and_helpers_are_counted_within_the_subtree(
    service: HouseholdsService,
) -> None:
    located = dataclasses.replace(household("B-1", VILLAGE, 1), latitude=36.6, longitude=117.0)
    created = [
        await service.create(COUNTY_OFFICER, located),
        await service.create(COUNTY_OFFICER, household("B-2", VILLAGE, 2)),
        await service.create(COUNTY_OFFICER, household("B-3", NEIGHBOUR, 3)),
    ]
    ids = [c.household.id for c in created]
    async with service.c.db.unit_of_work() as session:
        first = await session.get(Household, ids[0])
        assert first is not None
        first.identification_standard, first.identification_year = "national", 2016
        at = datetime(2026, 11, 1, tzinfo=UTC)
        for household_id, helper in ((ids[0], "h-1"), (ids[1], "h-1"), (ids[2], "h-2")):
            session.add(
                Pairing(household_id=household_id, helper_id=helper, paired_by="u", paired_at=at)
            )

    found = await assessment_basis(service.c.db, "370102000000")
    assert [(v.village_code, v.households, v.incomplete, v.pairings) for v in found.villages] == [
        (VILLAGE, 2, 1, 2),  # the one located and identified is complete
        (NEIGHBOUR, 1, 1, 1),
    ]
    assert [(h.helper_id, h.households) for h in found.helpers] == [("h-1", 2), ("h-2", 1)]
    town = await assessment_basis(service.c.db, "370102001000")
    assert [v.village_code for v in town.villages] == [VILLAGE]
    assert [h.helper_id for h in town.helpers] == ["h-1"]
    assert not (await assessment_basis(service.c.db, ELSEWHERE)).villages
