"""Villages' use-cases on SQLite and PostgreSQL: the record and its profiles by year, counts
from the registered households, the county's exit against the criteria and its revocation,
all kept in the village's history."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kit.errors import FailedPrecondition, NotFound, PermissionDenied
from kit.principal import Principal
from services.registry.households_service import HouseholdsService
from services.registry.village_exit import load_criteria
from services.registry.village_exits_service import VillageExitsService
from services.registry.villages_service import ProfileFigures, VillagesService, VillageUpdate
from tests.integration.registry.test_households import COUNTY_OFFICER, household, service

__all__ = ["service"]
VILLAGE = "370102001002"
TOWN_OFFICER = Principal(
    subject="u2", kind="user", region_code="370102001000", roles=("info_officer",)
)
OTHER_COUNTY = Principal(
    subject="u3", kind="user", region_code="370103000000", roles=("info_officer",)
)


def figures(year: int, population: int) -> ProfileFigures:
    return ProfileFigures(year, population, 40, 500.0, 60000, True, True, True, True, False)


@pytest.fixture
def villages(service: HouseholdsService) -> tuple[VillagesService, VillageExitsService]:
    identity: Any = None  # no cadre is named here: identity is never asked
    found = VillagesService(service.c, identity)
    return found, VillageExitsService(service.c, found, load_criteria())


async def test_a_village_exits_by_the_countys_decision_and_keeps_its_history(
    service: HouseholdsService, villages: tuple[VillagesService, VillageExitsService]
) -> None:
    records, exits = villages
    await service.create(COUNTY_OFFICER, household("V-1", VILLAGE, 1, 2))
    wanted = VillageUpdate(is_poor=True, poor_since=2016, profile=figures(2025, 50))
    view = await records.update(COUNTY_OFFICER, VILLAGE, wanted)
    assert (view.poor_households, view.poor_people, view.registered_people) == (1, 2, 2)
    assert not (await exits.check(COUNTY_OFFICER, VILLAGE)).passed  # 4 % of 50
    with pytest.raises(FailedPrecondition):
        await exits.decide(COUNTY_OFFICER, VILLAGE, "exit", 2026, "")

    later = VillageUpdate(is_poor=True, poor_since=2016, profile=figures(2026, 200))
    await records.update(COUNTY_OFFICER, VILLAGE, later)
    with pytest.raises(PermissionDenied):
        await exits.decide(TOWN_OFFICER, VILLAGE, "exit", 2026, "")
    exited = await exits.decide(COUNTY_OFFICER, VILLAGE, "exit", 2026, "")
    assert (exited.has_exited, exited.exit_year, [p.year for p in exited.profiles]) == (
        True,
        2026,
        [2026, 2025],
    )
    listed = await records.list_villages(
        COUNTY_OFFICER, "", is_poor=True, has_exited=True, after_code=None, limit=10
    )
    assert [v.code for v in listed] == [VILLAGE]
    await exits.decide(COUNTY_OFFICER, VILLAGE, "revoke", None, "复核")
    history = await records.history(COUNTY_OFFICER, VILLAGE, None, 50)
    assert [e.kind for e in history] == [
        "created",
        "profile_recorded",
        "profile_recorded",
        "exited",
        "exit_revoked",
    ]
    with pytest.raises(NotFound):
        await records.get(OTHER_COUNTY, VILLAGE)


async def test_two_first_saves_at_once_both_land_one_after_the_other(
    service: HouseholdsService, villages: tuple[VillagesService, VillageExitsService]
) -> None:
    records, _ = villages
    first = VillageUpdate(is_poor=True, poor_since=2016, profile=figures(2025, 50))
    second = VillageUpdate(is_poor=True, poor_since=2016, profile=figures(2024, 40))
    await asyncio.gather(
        records.update(COUNTY_OFFICER, VILLAGE, first),
        records.update(COUNTY_OFFICER, VILLAGE, second),
    )
    view = await records.get(COUNTY_OFFICER, VILLAGE)
    assert (view.version, [p.year for p in view.profiles]) == (1, [2025, 2024])
    history = await records.history(COUNTY_OFFICER, VILLAGE, None, 50)
    assert sorted(e.kind for e in history) == ["created", "profile_recorded", "profile_recorded"]
