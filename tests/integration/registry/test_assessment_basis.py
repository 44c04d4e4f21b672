"""The registry's basis of the assessment on SQLite and PostgreSQL: per village of a subtree its
households, those missing a required field and its pairings; per helper their households; the
helpers recorded whose territory meets the subtree, with their names and units."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from services.registry.assessment_basis import assessment_basis
from services.registry.households_service import HouseholdsService
from services.registry.models import HelperRecord, HelpingUnit, Household, Pairing
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
        for unit, name, region in (
            ("u-county", "历下区民政局", "370102000000"),
            ("u-city", "济南市税务局", "370100000000"),
            ("u-elsewhere", "市中区人社局", "370103000000"),
        ):
            session.add(
                HelpingUnit(
                    id=unit,
                    name=name,
                    kind="department",
                    region_code=region,
                    created_by="u",
                    updated_at=at,
                )
            )
        await session.flush()
        for helper, name, region, unit in (
            ("h-1", "张三", VILLAGE, "u-county"),
            ("h-2", "李四", "370102000000", None),
            ("h-3", "王五", "370100000000", "u-city"),  # a city's helper: covers every county
            ("h-9", "赵六", ELSEWHERE, "u-elsewhere"),
        ):
            session.add(
                HelperRecord(
                    helper_id=helper, name=name, region_code=region, unit_id=unit, updated_at=at
                )
            )

    found = await assessment_basis(service.c.db, "370102000000")
    assert [(v.village_code, v.households, v.incomplete, v.pairings) for v in found.villages] == [
        (VILLAGE, 2, 1, 2),  # the one located and identified is complete
        (NEIGHBOUR, 1, 1, 1),
    ]
    assert [(h.helper_id, h.households) for h in found.helpers] == [("h-1", 2), ("h-2", 1)]
    assert [(h.helper_id, h.name, h.unit_id) for h in found.helper_records] == [
        ("h-1", "张三", "u-county"),
        ("h-2", "李四", ""),
        ("h-3", "王五", "u-city"),
    ]  # not h-9 of another county
    assert [(u.unit_id, u.name, u.region_code) for u in found.units] == [
        ("u-city", "济南市税务局", "370100000000"),
        ("u-county", "历下区民政局", "370102000000"),
    ]
    town = await assessment_basis(service.c.db, "370102001000")
    assert [v.village_code for v in town.villages] == [VILLAGE]
    assert [h.helper_id for h in town.helpers] == ["h-1"]
    assert [h.helper_id for h in town.helper_records] == ["h-1", "h-2", "h-3"]
    elsewhere = await assessment_basis(service.c.db, ELSEWHERE)
    assert not elsewhere.villages
    assert [u.unit_id for u in elsewhere.units] == ["u-city", "u-elsewhere"]
