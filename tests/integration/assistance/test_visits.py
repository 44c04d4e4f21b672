"""Visits on SQLite and PostgreSQL: a paired helper's check-in near the household is accepted,
one too far or at a household with no registered location is kept but flagged; the visits of a
household and of a region, and the frequency per helper and household over a period."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kit.errors import InvalidArgument, NotFound
from services.assistance.registry_view import HouseholdRef
from services.assistance.visits_service import NewVisit, Period
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    NEIGHBOUR,
    OTHER_HELPER,
    OTHER_TOWN_ADMIN,
    START,
    VILLAGE,
    VILLAGE_TEAM,
    Assistance,
)

# As Access.caller gives them for `visits create`: a helper's scope is their pairings (a work
# team's, their territory).
HELPER, OTHER_HELPER = (replace(h, paired_only=True) for h in (HELPER, OTHER_HELPER))
HOME = (36.6, 117.0)  # where the stand-in registry has hh-1
NEAR = (36.6027, 117.0)  # about 300 m north
FAR = (36.62, 117.0)  # about 2.2 km north


def visit(household_id: str, position: tuple[float, float], **extra) -> NewVisit:  # type: ignore[no-untyped-def]
    return NewVisit(household_id, *position, **extra)


async def test_a_check_in_near_the_household_is_accepted_and_a_far_one_flagged(
    service: Assistance,
) -> None:
    near = await service.visits.log(HELPER, visit("hh-1", NEAR, notes="了解就医情况"))
    assert (near.check, near.flag, near.village_code) == ("accepted", "", VILLAGE)
    assert near.distance_m == pytest.approx(300, abs=5)
    far = await service.visits.log(HELPER, visit("hh-1", FAR))
    assert (far.check, far.flag) == ("flagged", "too_far")
    assert far.distance_m == pytest.approx(2224, abs=5)


async def test_a_household_without_a_location_gets_flagged_visits_not_lost_ones(
    service: Assistance,
) -> None:
    service.registry.households["hh-3"] = HouseholdRef("hh-3", VILLAGE, "某村")
    service.registry.pairings.add(("hh-3", HELPER.subject))
    logged = await service.visits.log(HELPER, visit("hh-3", NEAR))
    assert (logged.check, logged.flag, logged.distance_m) == (
        "flagged",
        "no_registered_location",
        None,
    )
    found = await service.visits.list_visits(VILLAGE_TEAM, "hh-3", "", Period())
    assert [v.id for v in found] == [logged.id]


async def test_only_a_paired_helper_logs_and_bad_input_changes_nothing(
    service: Assistance,
) -> None:
    with pytest.raises(NotFound):  # not paired with them: as if it did not exist
        await service.visits.log(OTHER_HELPER, visit("hh-1", NEAR))
    with pytest.raises(NotFound):
        await service.visits.log(HELPER, visit("hh-2", NEAR))  # another village's household
    with pytest.raises(InvalidArgument):
        await service.visits.log(HELPER, NewVisit("hh-1", 95.0, 117.0))
    with pytest.raises(InvalidArgument):
        await service.visits.log(HELPER, visit("hh-1", NEAR, visited_at=START + timedelta(days=1)))
    assert await service.visits.list_visits(COUNTY_ADMIN, "", "", Period()) == []


async def test_the_visits_of_a_region_are_limited_to_the_callers_territory(
    service: Assistance,
) -> None:
    logged = await service.visits.log(HELPER, visit("hh-1", NEAR))
    assert [
        v.id for v in await service.visits.list_visits(COUNTY_ADMIN, "", VILLAGE, Period())
    ] == [logged.id]
    assert await service.visits.list_visits(COUNTY_ADMIN, "", NEIGHBOUR, Period()) == []
    with pytest.raises(NotFound):
        await service.visits.list_visits(OTHER_TOWN_ADMIN, "", VILLAGE, Period())
    with pytest.raises(NotFound):
        await service.visits.list_visits(OTHER_TOWN_ADMIN, "hh-1", "", Period())


async def test_visit_frequency_counts_visits_and_flagged_ones_per_helper_and_household(
    service: Assistance,
) -> None:
    service.registry.pairings.add(("hh-1", OTHER_HELPER.subject))
    earlier = START - timedelta(days=40)
    await service.visits.log(HELPER, visit("hh-1", NEAR, visited_at=earlier))  # outside
    for position in (NEAR, NEAR, FAR):
        await service.visits.log(HELPER, visit("hh-1", position))
    await service.visits.log(OTHER_HELPER, visit("hh-1", NEAR))
    found = await service.visits.frequency(COUNTY_ADMIN, "", Period())  # the last 30 days
    assert found.by_helper == [(HELPER.subject, 3, 1), (OTHER_HELPER.subject, 1, 0)]
    assert found.by_household == [("hh-1", 4, 1)]
    assert (found.visits, found.flagged) == (4, 1)
    wider = await service.visits.frequency(
        COUNTY_ADMIN, VILLAGE, Period(since=earlier, until=START + timedelta(hours=1))
    )
    assert wider.by_household == [("hh-1", 5, 1)]
    with pytest.raises(InvalidArgument):
        await service.visits.frequency(COUNTY_ADMIN, "", Period(since=START, until=earlier))
    with pytest.raises(NotFound):
        await service.visits.frequency(OTHER_TOWN_ADMIN, VILLAGE, Period())


async def test_a_households_visits_come_newest_first_page_after_page(service: Assistance) -> None:
    logged = [
        await service.visits.log(HELPER, visit("hh-1", NEAR, visited_at=START - timedelta(days=d)))
        for d in (3, 1, 2)
    ]
    first = await service.visits.list_visits(VILLAGE_TEAM, "hh-1", "", Period(), limit=2)
    last = first[-1]
    rest = await service.visits.list_visits(
        VILLAGE_TEAM, "hh-1", "", Period(), before=(last.visited_at, last.id), limit=2
    )
    assert [v.id for v in first + rest] == [logged[1].id, logged[2].id, logged[0].id]
