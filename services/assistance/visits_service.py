"""Use-cases of visits (帮扶记录): a helper logs a visit to a household paired with them, a
work-team member or town cadre one to a household of their territory, with a geo check-in (in
WGS-84, or GCJ-02 / BD-09 as the phone's map SDK gives it, converted first), accepted within
the configured distance of the household's registered location and flagged otherwise (never
dropped); the visits of a household or a region, and the visit frequency per helper and per
household over a period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kit.checks import parse
from kit.clock import aware
from kit.coordinates import CoordinateSystem, to_wgs84
from kit.errors import InvalidArgument
from kit.principal import Principal
from services.assistance import visit_repository as visits_repo
from services.assistance.components import Components
from services.assistance.domain import check_in, valid_position
from services.assistance.models import Visit
from services.assistance.registry_view import RegistryView

CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead is no future visit
DEFAULT_PERIOD = timedelta(days=30)
LONGEST_PERIOD = timedelta(days=366)
NOTES_LIMIT = 2000


@dataclass(frozen=True)
class NewVisit:
    household_id: str
    latitude: float | None
    longitude: float | None
    visited_at: datetime | None = None
    notes: str = ""
    coordinate_system: str = ""  # of latitude/longitude; "": wgs84


@dataclass(frozen=True)
class Period:
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class VisitFrequency:
    region_code: str
    since: datetime
    until: datetime
    by_helper: list[tuple[str, int, int]]  # id, visits, flagged
    by_household: list[tuple[str, int, int]]

    @property
    def visits(self) -> int:
        return sum(row[1] for row in self.by_helper)

    @property
    def flagged(self) -> int:
        return sum(row[2] for row in self.by_helper)


class VisitsService:
    def __init__(self, components: Components, registry: RegistryView) -> None:
        self.c = components
        self.registry = registry

    async def log(self, caller: Principal, new: NewVisit) -> Visit:
        """A helper's visit to a household paired with them; anyone else's (a work-team
        member, a town cadre) to a household of their territory, as the registry scopes it."""
        system = parse(new.coordinate_system or "wgs84", CoordinateSystem, "coordinate_system")
        sent = valid_position(new.latitude, new.longitude)
        position = to_wgs84(system, *sent)
        if len(new.notes) > NOTES_LIMIT:
            raise InvalidArgument(
                f"notes take at most {NOTES_LIMIT} characters", reason="NOTES_TOO_LONG"
            )
        now = self.c.clock()
        visited_at = aware(new.visited_at) if new.visited_at else now
        if visited_at > now + CLOCK_SKEW:
            raise InvalidArgument("the visit time is in the future", reason="VISIT_IN_FUTURE")
        find = self.registry.paired_household if caller.paired_only else self.registry.household
        household = await find(caller, new.household_id)
        home = (
            (household.latitude, household.longitude)
            if household.latitude is not None and household.longitude is not None
            else None
        )
        verdict = check_in(position, home, self.c.visit_max_distance_m)
        visit = Visit(
            id=uuid.uuid4().hex,
            household_id=household.id,
            village_code=household.village_code,
            helper_id=caller.subject,
            latitude=position[0],
            longitude=position[1],
            visited_at=visited_at,
            notes=new.notes.strip(),
            check=verdict.check,
            flag=verdict.flag or "",
            distance_m=verdict.distance_m,
            created_at=now,
            coordinate_system=system,
            sent_latitude=sent[0],
            sent_longitude=sent[1],
        )
        async with self.c.db.unit_of_work() as session:
            session.add(visit)
        return visit

    async def list_visits(
        self,
        caller: Principal,
        household_id: str,
        region_code: str,
        period: Period,
        *,
        flagged_only: bool = False,
        before: tuple[datetime, str] | None = None,
        limit: int = 50,
    ) -> list[Visit]:
        """One household's visits (out of scope: NotFound), or a region's in scope."""
        scope = await self.registry.scope(caller, region_code)
        if household_id:
            village = (await self.registry.household(caller, household_id)).village_code
            scope = replace(scope, region_code=village)
        since, until = self._period(period)
        wanted = visits_repo.VisitFilter(
            scope, since, until, household_id=household_id or None, flagged_only=flagged_only
        )
        async with self.c.db.read_only() as session:
            return list(await visits_repo.list_visits(session, wanted, before=before, limit=limit))

    async def frequency(
        self, caller: Principal, region_code: str, period: Period
    ) -> VisitFrequency:
        scope = await self.registry.scope(caller, region_code)
        since, until = self._period(period, default=DEFAULT_PERIOD)
        wanted = visits_repo.VisitFilter(scope, since, until)
        async with self.c.db.read_only() as session:
            by_helper = await visits_repo.visit_counts(session, wanted, "helper_id")
            by_household = await visits_repo.visit_counts(session, wanted, "household_id")
        return VisitFrequency(scope.region_code, since, until, by_helper, by_household)

    def _period(
        self, period: Period, default: timedelta = LONGEST_PERIOD
    ) -> tuple[datetime, datetime]:
        return bounds(period, self.c.clock(), default)


def bounds(period: Period, now: datetime, default: timedelta) -> tuple[datetime, datetime]:
    """[since, until): `until` defaults to `now` (and a phone's skew), `since` to `default`
    before it."""
    until = aware(period.until) if period.until else now + CLOCK_SKEW
    since = aware(period.since) if period.since else until - default
    if since >= until or until - since > LONGEST_PERIOD:
        raise InvalidArgument(
            f"the period must start before it ends and span at most {LONGEST_PERIOD.days} days",
            reason="INVALID_PERIOD",
        )
    return since, until
