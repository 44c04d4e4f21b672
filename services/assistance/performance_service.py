"""Performance (考核) of a region in scope over a period, per town and per cadre: visits (and
how many were flagged), needs resolved (and on time), tasks completed (and on time), alerts
handled by the town (and within its time limit), household record updates (an approved
proposal counts for the helper who proposed it; see household_updates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kit.principal import Principal
from kit.territory import Level, level_of, parent_code
from services.assistance import performance_repository as repo
from services.assistance.components import Components
from services.assistance.needs_service import scope_of
from services.assistance.visits_service import DEFAULT_PERIOD, Period, bounds


@dataclass
class Score:
    id: str  # a town's code or a cadre's id
    visits: int = 0
    flagged_visits: int = 0
    needs_resolved: int = 0
    needs_resolved_on_time: int = 0
    tasks_completed: int = 0
    tasks_completed_on_time: int = 0
    alerts_handled: int = 0
    alerts_handled_in_time: int = 0
    updates: int = 0


@dataclass(frozen=True)
class Performance:
    region_code: str
    since: datetime
    until: datetime
    by_town: list[Score] = field(default_factory=list)
    by_cadre: list[Score] = field(default_factory=list)


def town_of(region_code: str) -> str | None:
    """The town a village or town code lies in; None above the towns."""
    level = level_of(region_code)
    if level is Level.VILLAGE:
        return parent_code(region_code)
    return region_code if level is Level.TOWN else None


def _visit(s: Score, accepted: bool) -> None:
    s.visits += 1
    s.flagged_visits += not accepted


def _need(s: Score, on_time: bool) -> None:
    s.needs_resolved += 1
    s.needs_resolved_on_time += on_time


def _task(s: Score, on_time: bool) -> None:
    s.tasks_completed += 1
    s.tasks_completed_on_time += on_time


def _alert(s: Score, in_time: bool) -> None:
    s.alerts_handled += 1
    s.alerts_handled_in_time += in_time


def _update(s: Score, _: bool) -> None:
    s.updates += 1


class PerformanceService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def performance(self, caller: Principal, region_code: str, period: Period) -> Performance:
        scope = scope_of(caller, region_code)
        since, until = bounds(period, self.c.clock(), DEFAULT_PERIOD)
        towns: dict[str, Score] = {}
        cadres: dict[str, Score] = {}
        async with self.c.db.read_only() as session:
            for facts, count in (
                (await repo.visits(session, scope, since, until), _visit),
                (await repo.needs_resolved(session, scope, since, until), _need),
                (await repo.tasks_completed(session, scope, since, until), _task),
                (await repo.alerts_handled(session, scope, since, until), _alert),
                (await repo.updates(session, scope, since, until), _update),
            ):
                for region, cadre, in_time in facts:
                    count(cadres.setdefault(cadre, Score(cadre)), in_time)
                    town = town_of(region)
                    if town is not None:
                        count(towns.setdefault(town, Score(town)), in_time)
        return Performance(scope, since, until, sorted_scores(towns), sorted_scores(cadres))


def sorted_scores(scores: dict[str, Score]) -> list[Score]:
    return [scores[key] for key in sorted(scores)]
