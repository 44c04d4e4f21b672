"""Every SQL statement of performance (考核): the facts counted over a period within a
subtree — visits, needs resolved, assignments completed, alerts handled by the town, household
record updates — each with where it happened, who did it and whether it was in time; and the
recording of the updates the registry applied. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.assistance.models import (
    Alert,
    AlertStep,
    Assignment,
    HouseholdUpdate,
    Need,
    NeedStep,
    Task,
    Visit,
)

# (region code, cadre id, in time); for visits "in time" means accepted (not flagged).
Fact = tuple[str, str, bool]


def _between(column: Any, since: datetime, until: datetime) -> list[Any]:
    return [column >= since, column < until]


async def visits(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Fact]:
    statement = select(Visit.village_code, Visit.helper_id, Visit.check).where(
        in_subtree(col(Visit.village_code), region_code),
        *_between(col(Visit.visited_at), since, until),
    )
    return [(v, h, c == "accepted") for v, h, c in (await session.exec(statement)).all()]


async def needs_resolved(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Fact]:
    statement = (
        select(Need.village_code, NeedStep.actor_id, col(NeedStep.at) <= col(Need.due_at))
        .join(NeedStep, col(NeedStep.need_id) == col(Need.id))
        .where(
            in_subtree(col(Need.village_code), region_code),
            col(NeedStep.action) == "resolved",
            *_between(col(NeedStep.at), since, until),
        )
    )
    return [(v, a, bool(t)) for v, a, t in (await session.exec(statement)).all()]


async def tasks_completed(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Fact]:
    statement = (
        select(
            Assignment.assignee_region,
            Assignment.assignee_id,
            col(Assignment.completed_at) <= col(Task.due_at),
        )
        .join(Task, col(Task.id) == col(Assignment.task_id))
        .where(
            in_subtree(col(Assignment.assignee_region), region_code),
            col(Assignment.status) == "completed",
            *_between(col(Assignment.completed_at), since, until),
        )
    )
    return [(r, a, bool(t)) for r, a, t in (await session.exec(statement)).all()]


async def alerts_handled(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Fact]:
    """The town's first step on each alert (verified or dismissed), against its time limit."""
    statement = (
        select(
            Alert.village_code, AlertStep.actor_id, col(AlertStep.at) <= col(Alert.verify_due_at)
        )
        .join(AlertStep, col(AlertStep.alert_id) == col(Alert.id))
        .where(
            in_subtree(col(Alert.village_code), region_code),
            col(AlertStep.seq) == 2,
            *_between(col(AlertStep.at), since, until),
        )
    )
    return [(v, a, bool(t)) for v, a, t in (await session.exec(statement)).all()]


async def record_update(session: AsyncSession, update: HouseholdUpdate) -> None:
    """Once per household version; the primary key refuses a second row of a concurrent one."""
    if await session.get(HouseholdUpdate, (update.household_id, update.version)) is None:
        session.add(update)


async def updates(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Fact]:
    """Each household record update, credited to the helper who proposed it, when it was an
    approved proposal, and otherwise to whoever applied it ("in time" has no meaning: True)."""
    credited = func.coalesce(
        func.nullif(col(HouseholdUpdate.proposed_by), ""), col(HouseholdUpdate.actor_id)
    )
    statement = select(HouseholdUpdate.village_code, credited).where(
        in_subtree(col(HouseholdUpdate.village_code), region_code),
        *_between(col(HouseholdUpdate.at), since, until),
    )
    return [(v, c, True) for v, c in (await session.exec(statement)).all()]
