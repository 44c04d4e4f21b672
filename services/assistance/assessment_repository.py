"""Every SQL statement of the assessment (考核): the counts of a subtree over a period, each a
GROUP BY over (where, who, in time) — never one statement per cadre — and the circulars,
stored once per (region, period). Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.assistance.models import (
    Alert,
    AlertStep,
    Assignment,
    Circular,
    Need,
    NeedStep,
    Task,
    Visit,
)

# (region code, cadre id, in time, how many); for visits "in time" means accepted.
Count = tuple[str, str, bool, int]


def _between(column: Any, since: datetime, until: datetime) -> list[Any]:
    return [column >= since, column < until]


async def _counts(
    session: AsyncSession,
    keys: tuple[Any, Any, Any],
    where: list[Any],
    join: tuple[Any, Any] | None = None,
) -> list[Count]:
    """How many rows per (region, cadre, in time): one GROUP BY statement."""
    statement = select(*keys, func.count())
    if join is not None:
        statement = statement.join(*join)
    statement = statement.where(*where).group_by(*keys)
    return [(r, c, bool(t), int(n)) for r, c, t, n in (await session.exec(statement)).all()]


async def visit_counts(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Count]:
    """Visits in the period, by the village and the helper, accepted or flagged."""
    return await _counts(
        session,
        (col(Visit.village_code), col(Visit.helper_id), col(Visit.check) == "accepted"),
        [
            in_subtree(col(Visit.village_code), region_code),
            *_between(col(Visit.visited_at), since, until),
        ],
    )


async def need_counts(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Count]:
    """Needs resolved in the period, by the village and the resolver, before the deadline."""
    return await _counts(
        session,
        (col(Need.village_code), col(NeedStep.actor_id), col(NeedStep.at) <= col(Need.due_at)),
        [
            in_subtree(col(Need.village_code), region_code),
            col(NeedStep.action) == "resolved",
            *_between(col(NeedStep.at), since, until),
        ],
        (NeedStep, col(NeedStep.need_id) == col(Need.id)),
    )


async def task_counts(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Count]:
    """Assignments completed in the period, by the assignee's region and id, by the due date."""
    return await _counts(
        session,
        (
            col(Assignment.assignee_region),
            col(Assignment.assignee_id),
            col(Assignment.completed_at) <= col(Task.due_at),
        ),
        [
            in_subtree(col(Assignment.assignee_region), region_code),
            col(Assignment.status) == "completed",
            *_between(col(Assignment.completed_at), since, until),
        ],
        (Task, col(Task.id) == col(Assignment.task_id)),
    )


async def alert_counts(
    session: AsyncSession, region_code: str, since: datetime, until: datetime
) -> list[Count]:
    """The town's first step on each alert (verified or dismissed), within its time limit."""
    return await _counts(
        session,
        (
            col(Alert.village_code),
            col(AlertStep.actor_id),
            col(AlertStep.at) <= col(Alert.verify_due_at),
        ),
        [
            in_subtree(col(Alert.village_code), region_code),
            col(AlertStep.seq) == 2,
            *_between(col(AlertStep.at), since, until),
        ],
        (AlertStep, col(AlertStep.alert_id) == col(Alert.id)),
    )


async def active_counties(session: AsyncSession, since: datetime, until: datetime) -> list[str]:
    """The county codes (6-digit prefixes) with visits in the period: the monthly circulars'."""
    prefix = func.substr(col(Visit.village_code), 1, 6)
    statement = (
        select(prefix)
        .where(*_between(col(Visit.visited_at), since, until))
        .group_by(prefix)
        .order_by(prefix)
    )
    return [str(p) for p in (await session.exec(statement)).all()]


async def add_circular(session: AsyncSession, circular: Circular) -> bool:
    """False when the (region, period) has its circular already (the primary key refuses a
    concurrent second one too)."""
    if await session.get(Circular, (circular.region_code, circular.period)) is not None:
        return False
    session.add(circular)
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True


async def circulars(session: AsyncSession, region_code: str) -> Sequence[Circular]:
    """A subtree's circulars, newest period first."""
    statement = (
        select(Circular)
        .where(in_subtree(col(Circular.region_code), region_code))
        .order_by(col(Circular.period).desc(), col(Circular.region_code))
    )
    return (await session.exec(statement)).all()


async def issued_regions(session: AsyncSession, period: str) -> set[str]:
    statement = select(Circular.region_code).where(col(Circular.period) == period)
    return set((await session.exec(statement)).all())
