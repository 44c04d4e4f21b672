"""Statistics and the map (一张图) for any region in the caller's territory."""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import InvalidArgument, NotFound
from kit.principal import Principal
from kit.territory import is_valid_code, is_within
from services.registry import repository as repo
from services.registry.components import Components
from services.registry.models import Household

MAX_LOCATIONS = 5000


@dataclass(frozen=True)
class RegionStatistics:
    region_code: str
    households: int
    people: int
    by_status: dict[str, int]
    by_attribute: dict[str, int]
    by_main_cause: dict[str, int]
    by_assistance_category: dict[str, int]
    by_monitoring_category: dict[str, int]
    exits_by_year: dict[str, int]
    non_compliant_by_indicator: dict[str, int]


def scope_of(caller: Principal, region_code: str) -> str:
    scope = region_code or caller.region_code
    if not is_valid_code(scope) or not is_within(scope, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")
    return scope


class StatisticsService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def region(self, caller: Principal, region_code: str) -> RegionStatistics:
        scope = scope_of(caller, region_code)
        async with self.c.db.read_only() as session:
            by_status = await repo.count_by(session, scope, Household.status)
            return RegionStatistics(
                region_code=scope,
                households=sum(by_status.values()),
                people=await repo.count_people(session, scope),
                by_status=by_status,
                by_attribute=await repo.count_by(session, scope, Household.attribute),
                by_main_cause=await repo.count_by(session, scope, Household.main_cause),
                by_assistance_category=await repo.count_by(
                    session, scope, Household.assistance_category
                ),
                by_monitoring_category=await repo.count_by(
                    session, scope, Household.monitoring_category
                ),
                exits_by_year=await repo.exits_by_year(session, scope),
                non_compliant_by_indicator=await repo.non_compliant_by_indicator(session, scope),
            )

    async def locations(
        self,
        caller: Principal,
        region_code: str,
        box: tuple[float, float, float, float] | None,
        limit: int,
    ) -> tuple[list[Household], bool]:
        """Located households in the box (and the territory); `True` when more were cut off."""
        scope = scope_of(caller, region_code)
        if box is not None:
            west, south, east, north = box
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise InvalidArgument(
                    "the box must be west < east and south < north, in degrees",
                    reason="INVALID_BOX",
                )
        wanted = min(limit or MAX_LOCATIONS, MAX_LOCATIONS)
        async with self.c.db.read_only() as session:
            found = list(await repo.locations(session, scope, box, wanted + 1))
        return found[:wanted], len(found) > wanted
