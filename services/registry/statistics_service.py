"""Statistics, trends over time and the map (一张图) for any region in the caller's territory."""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import FieldViolation, InvalidArgument
from kit.principal import Principal
from kit.scope import Scope
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix, level_of
from services.registry import repository as repo
from services.registry import statistics_repository as child_repo
from services.registry import village_repository as village_repo
from services.registry.components import Components
from services.registry.household_filter import NO_FILTER, HouseholdFilter, search_of
from services.registry.lifecycle import Action
from services.registry.map_areas import Box, VillageAggregate, area_of, inside, village_aggregates
from services.registry.models import Household
from services.registry.vocabulary import Status

MAX_LOCATIONS = 5000
POOR = (Status.IDENTIFIED.value, Status.UNDER_ASSISTANCE.value)
PERIODS = ("year", "month")
COUNTED_COLUMNS = {  # statistic -> its column in the household profile
    "by_attribute": repo.PROFILE_COLUMNS.index("attribute"),
    "by_main_cause": repo.PROFILE_COLUMNS.index("main_cause"),
    "by_assistance_category": repo.PROFILE_COLUMNS.index("assistance_category"),
    "by_monitoring_category": repo.PROFILE_COLUMNS.index("monitoring_category"),
}
# Trend name -> the (kind, field) of the history entries it counts.
TREND_EVENTS = {
    "registered": ("created", ""),
    "exited": ("transitioned", Action.EXIT.value),
    "returned_to_poverty": ("transitioned", Action.RETURN_TO_POVERTY.value),
    "entered_monitoring": ("transitioned", Action.START_MONITORING.value),
}


@dataclass(frozen=True)
class Progress:
    """Poor households (identified or under assistance); households that exited poverty and
    are not back in it; the share of the latter among both (None when there are none)."""

    poor_households: int
    exited_households: int
    exit_rate: float | None


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def progress(by_status_and_exit: dict[tuple[str, bool], int]) -> Progress:
    counts = by_status_and_exit.items()
    poor = sum(n for (status, _), n in counts if status in POOR)
    exited = sum(n for (status, has_exited), n in counts if has_exited and status not in POOR)
    return Progress(poor, exited, ratio(exited, poor + exited))


def counted(profile: list[tuple], column: int) -> dict[str, int]:  # type: ignore[type-arg]
    """Households per value of one profile column (households without a value left out)."""
    found: dict[str, int] = {}
    for row in profile:
        if row[column] is not None:
            found[str(row[column])] = found.get(str(row[column]), 0) + row[-1]
    return found


def by_status(by_status_and_exit: dict[tuple[str, bool], int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for (status, _), count in by_status_and_exit.items():
        found[status] = found.get(status, 0) + count
    return found


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
    progress: Progress
    poor_people: int
    incidence: float | None  # poor people / rural population, when the population is given


@dataclass(frozen=True)
class ChildFigures:
    """One child region's main figures, defined as RegionStatistics' are."""

    region_code: str
    households: int
    people: int
    by_status: dict[str, int]
    progress: Progress
    poor_people: int
    incidence: float | None  # a village's, from its latest 村情 population


@dataclass(frozen=True)
class ChildStatistics:
    region_code: str
    children: list[ChildFigures]  # those with households in scope, by code


@dataclass(frozen=True)
class TrendPoint:
    period: str  # "2024" or "2024-05"
    registered: int
    exited: int
    returned_to_poverty: int
    entered_monitoring: int


@dataclass(frozen=True)
class Trends:
    region_code: str
    period: str  # year or month
    points: list[TrendPoint]  # oldest first; periods with nothing left out


def scope_of(caller: Principal, region_code: str) -> Scope:
    """The caller's scope narrowed to a region of their territory ("" for all of it)."""
    return caller.scope.within(region_code)


class StatisticsService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def region(
        self,
        caller: Principal,
        region_code: str,
        population: int = 0,
        wanted: HouseholdFilter = NO_FILTER,
    ) -> RegionStatistics:
        """`population` (the region's rural population, 0 when unknown) gives the incidence;
        a village without it takes its latest profile's (村情). `wanted` counts only the
        households it finds."""
        if population < 0:
            raise InvalidArgument(
                "population must be a positive number of people",
                reason="INVALID_POPULATION",
                violations=[FieldViolation("population", "must be > 0")],
            )
        scope = scope_of(caller, region_code)
        search = search_of(wanted, self.c.protector)
        async with self.c.db.read_only() as session:
            narrowed = await repo.filtered(session, search)
            profile = await repo.household_profile(session, scope, narrowed)
            statuses: dict[tuple[str, bool], int] = {}
            for status, has_exited, *_, count in profile:
                key = (status, bool(has_exited))
                statuses[key] = statuses.get(key, 0) + count
            people, poor_people = await repo.count_people(
                session, scope, among=POOR, narrowed=narrowed
            )
            exits = await repo.history_by_period(
                session, scope, "year", {"exited": TREND_EVENTS["exited"]}, narrowed
            )
            by_column = {name: counted(profile, i) for name, i in COUNTED_COLUMNS.items()}
            if not population and level_of(scope.region_code) is Level.VILLAGE:
                population = await village_repo.latest_population(session, scope.region_code)
            return RegionStatistics(
                region_code=scope.region_code,
                households=sum(statuses.values()),
                people=people,
                by_status=by_status(statuses),
                **by_column,
                exits_by_year={year: counts["exited"] for year, counts in exits.items()},
                non_compliant_by_indicator=await repo.non_compliant_by_indicator(
                    session, scope, narrowed
                ),
                progress=progress(statuses),
                poor_people=poor_people,
                incidence=ratio(poor_people, population),
            )

    async def children(
        self, caller: Principal, region_code: str, wanted: HouseholdFilter = NO_FILTER
    ) -> ChildStatistics:
        """The main figures of every child region of a region (none for a village), from one
        grouped scan of the households and one of their members."""
        scope = scope_of(caller, region_code)
        level = level_of(scope.region_code)
        if level is Level.VILLAGE:
            return ChildStatistics(scope.region_code, [])
        length = PREFIX_LENGTH[Level(level + 1)]
        search = search_of(wanted, self.c.protector)
        async with self.c.db.read_only() as session:
            narrowed = await repo.filtered(session, search)
            statuses: dict[str, dict[tuple[str, bool], int]] = {}
            for prefix, status, has_exited, count in await child_repo.households_by_child(
                session, scope, length, narrowed
            ):
                statuses.setdefault(prefix, {})[(status, has_exited)] = count
            people = await child_repo.people_by_child(
                session, scope, length, among=POOR, narrowed=narrowed
            )
            populations = (
                await child_repo.latest_populations(session, sorted(statuses))
                if level is Level.TOWN
                else {}
            )
        children = [
            ChildFigures(
                region_code=code_from_prefix(prefix),
                households=sum(counts.values()),
                people=people.get(prefix, (0, 0))[0],
                by_status=by_status(counts),
                progress=progress(counts),
                poor_people=people.get(prefix, (0, 0))[1],
                incidence=ratio(people.get(prefix, (0, 0))[1], populations.get(prefix, 0)),
            )
            for prefix, counts in sorted(statuses.items())
        ]
        return ChildStatistics(scope.region_code, children)

    async def trends(self, caller: Principal, region_code: str, period: str) -> Trends:
        """Households registered, exited, returned to poverty and entering monitoring, per
        calendar year or month (UTC)."""
        period = period or "year"
        if period not in PERIODS:
            raise InvalidArgument("period is year or month", reason="INVALID_PERIOD")
        scope = scope_of(caller, region_code)
        async with self.c.db.read_only() as session:
            found = await repo.history_by_period(session, scope, period, TREND_EVENTS)
        return Trends(
            scope.region_code, period, [TrendPoint(key, **counts) for key, counts in found.items()]
        )

    async def locations(
        self,
        caller: Principal,
        region_code: str,
        box: Box | None,
        polygon: str,
        limit: int,
        wanted: HouseholdFilter = NO_FILTER,
    ) -> tuple[list[Household], bool]:
        """Located households in the box and polygon (and the territory); `True` when more
        were cut off. SQL narrows to the box; shapely decides the polygon, page by page."""
        scope = scope_of(caller, region_code)
        search = search_of(wanted, self.c.protector)
        area = area_of(box, polygon)
        most = min(limit or MAX_LOCATIONS, MAX_LOCATIONS)
        found: list[Household] = []
        if area.empty:
            return found, False
        async with self.c.db.read_only() as session:
            narrowed = await repo.filtered(session, search)
            after_id = None
            while len(found) <= most:
                page = await repo.locations(
                    session, scope, area.bounds, most + 1, after_id, narrowed
                )
                hits = inside(area, [(h.longitude or 0.0, h.latitude or 0.0) for h in page])
                found += [h for h, hit in zip(page, hits, strict=True) if hit]
                if len(page) <= most:
                    break
                after_id = page[-1].id
        return found[:most], len(found) > most

    async def villages(
        self,
        caller: Principal,
        region_code: str,
        box: Box | None,
        polygon: str,
        wanted: HouseholdFilter = NO_FILTER,
    ) -> list[VillageAggregate]:
        """One mean point per village with located households in the area: grouped in SQL,
        or, with a polygon, from the points shapely finds inside it."""
        scope = scope_of(caller, region_code)
        search = search_of(wanted, self.c.protector)
        area = area_of(box, polygon)
        if area.empty:
            return []
        async with self.c.db.read_only() as session:
            narrowed = await repo.filtered(session, search)
            if area.shape is None:
                sums = await repo.village_sums(session, scope, area.bounds, narrowed)
                found = village_aggregates(sums)
            else:
                points = await repo.located_points(session, scope, area.bounds, narrowed)
                hits = inside(area, [(lon, lat) for _, _, lat, lon in points])
                found = village_aggregates(
                    (village, status, 1, latitude, longitude)
                    for (village, status, latitude, longitude), hit in zip(
                        points, hits, strict=True
                    )
                    if hit
                )
            flags = await village_repo.flags_of(session, [v.village_code for v in found])
        for village in found:
            village.is_poor_village, village.has_exited = flags.get(
                village.village_code, (False, False)
            )
        return found
