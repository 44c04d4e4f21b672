"""Performance (考核) on SQLite and PostgreSQL: per town and per cadre over a period — visits
and flagged ones, needs resolved and on time, tasks completed and on time, alerts handled by
the town within its limit — covering exactly the caller's subtree."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kit.errors import InvalidArgument, NotFound
from services.assistance.performance_service import PerformanceService, Score
from services.assistance.tasks_service import NewTask
from services.assistance.visits_service import NewVisit, Period
from tests.integration.assistance.conftest import (
    COUNTY_ADMIN,
    HELPER,
    NEIGHBOUR,
    OTHER_TOWN_ADMIN,
    TOWN_ADMIN,
    VILLAGE_TEAM,
    Assistance,
)

TOWN, OTHER_TOWN = TOWN_ADMIN.region_code, OTHER_TOWN_ADMIN.region_code


async def record_a_month_of_work(service: Assistance) -> None:
    """In TOWN: two visits (one far away), two needs resolved (one late), two tasks completed
    (one late), one alert verified late; in OTHER_TOWN: one visit."""
    await service.visits.log(HELPER, NewVisit("hh-1", 36.6, 117.0))
    await service.visits.log(HELPER, NewVisit("hh-1", 37.6, 117.0))
    service.registry.add("hh-3", NEIGHBOUR, "helper-3")
    await service.visits.log(service.registry.users["helper-3"], NewVisit("hh-3", 36.6, 117.0))
    early = await service.needs.file(HELPER, "hh-1", "medical", "住院费用高", urgent=False)
    late = await service.needs.file(HELPER, "hh-1", "schooling", "学费困难", urgent=False)
    await service.needs.act(VILLAGE_TEAM, early.need.id, "resolve", "已办理大病救助", 0)
    due = service.clock.now + timedelta(days=2)
    on_time = await service.tasks.assign(COUNTY_ADMIN, task(due, HELPER.subject))
    overdue = await service.tasks.assign(COUNTY_ADMIN, task(due, VILLAGE_TEAM.subject))
    await service.tasks.respond(HELPER, on_time.task.id, "complete")
    alert = await service.alerts.raise_alert(HELPER, "hh-1", "illness", "突发重病")
    service.clock.advance(days=4)  # past the village's 72 hours, the task and the alert limits
    await service.needs.act(VILLAGE_TEAM, late.need.id, "resolve", "已协调助学金", 0)
    await service.tasks.respond(VILLAGE_TEAM, overdue.task.id, "complete")
    await service.alerts.act(TOWN_ADMIN, alert.alert.id, "verify", "属实", 0)


def task(due: object, assignee: str) -> NewTask:
    return NewTask(kind="visit", title="入户走访", due_at=due, assignee_ids=(assignee,))  # type: ignore[arg-type]


async def test_towns_and_cadres_are_scored_within_the_callers_subtree(
    service: Assistance,
) -> None:
    await record_a_month_of_work(service)
    scores = PerformanceService(service.components)
    county = await scores.performance(COUNTY_ADMIN, "", Period())
    assert county.by_town == [
        Score(TOWN, 2, 1, 2, 1, 2, 1, 1, 0),
        Score(OTHER_TOWN, visits=1),
    ]
    assert {s.id: s for s in county.by_cadre} == {
        HELPER.subject: Score(
            HELPER.subject, visits=2, flagged_visits=1, tasks_completed=1, tasks_completed_on_time=1
        ),
        VILLAGE_TEAM.subject: Score(
            VILLAGE_TEAM.subject, needs_resolved=2, needs_resolved_on_time=1, tasks_completed=1
        ),
        TOWN_ADMIN.subject: Score(TOWN_ADMIN.subject, alerts_handled=1),
        "helper-3": Score("helper-3", visits=1),
    }
    other = await scores.performance(OTHER_TOWN_ADMIN, "", Period())
    assert (other.by_town, [s.id for s in other.by_cadre]) == (
        [Score(OTHER_TOWN, visits=1)],
        ["helper-3"],
    )
    later = Period(since=service.clock.now + timedelta(minutes=1))  # after every step
    assert (await scores.performance(COUNTY_ADMIN, "", later)).by_town == []
    with pytest.raises(NotFound):
        await scores.performance(OTHER_TOWN_ADMIN, TOWN, Period())
    with pytest.raises(InvalidArgument):
        await scores.performance(
            COUNTY_ADMIN,
            "",
            Period(since=service.clock.now + timedelta(days=1), until=service.clock.now),
        )
