"""Every SQL statement of the assessment (考核): the counts of a subtree over a period, each a
GROUP BY over (where, who, in time) — never one statement per cadre — and the circulars,
stored once per (region, period). Never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, and_, bindparam, func, literal, union_all
from sqlalchemy import select as select_rows
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import Database, in_subtree
from kit.territory import subtree_range
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


# Every count is one statement built once, its subtree and period bound at each execution.
LOW, HIGH = bindparam("low", type_=String), bindparam("high", type_=String)
SINCE = bindparam("since", type_=DateTime(timezone=True))
UNTIL = bindparam("until", type_=DateTime(timezone=True))


def _in_subtree(column: Any) -> Any:
    return and_(column >= LOW, column <= HIGH)


def _between(column: Any) -> list[Any]:
    return [column >= SINCE, column < UNTIL]


def _bounds(region_code: str, since: datetime, until: datetime) -> dict[str, Any]:
    low, high = subtree_range(region_code)
    return {"low": low, "high": high, "since": since, "until": until}


def _grouped(
    indicator: str,
    keys: tuple[Any, Any, Any],
    where: list[Any],
    join: tuple[Any, Any] | None = None,
) -> Any:
    """How many rows per (region, cadre, in time), tagged with the indicator: a GROUP BY."""
    statement = select_rows(literal(indicator), *keys, func.count())
    if join is not None:
        statement = statement.join(*join)
    return statement.where(*where).group_by(*keys)


def _visits() -> Any:
    """Visits in the period, by the village and the helper, accepted or flagged."""
    return _grouped(
        "visits",
        (col(Visit.village_code), col(Visit.helper_id), col(Visit.check) == "accepted"),
        [
            _in_subtree(col(Visit.village_code)),
            *_between(col(Visit.visited_at)),
        ],
    )


def _needs() -> Any:
    """Needs resolved in the period, by the village and the resolver, before the deadline."""
    return _grouped(
        "needs_on_time",
        (col(Need.village_code), col(NeedStep.actor_id), col(NeedStep.at) <= col(Need.due_at)),
        [
            _in_subtree(col(Need.village_code)),
            col(NeedStep.action) == "resolved",
            *_between(col(NeedStep.at)),
        ],
        (NeedStep, col(NeedStep.need_id) == col(Need.id)),
    )


def _tasks() -> Any:
    """Assignments completed in the period, by the assignee's region and id, by the due date."""
    return _grouped(
        "tasks_on_time",
        (
            col(Assignment.assignee_region),
            col(Assignment.assignee_id),
            col(Assignment.completed_at) <= col(Task.due_at),
        ),
        [
            _in_subtree(col(Assignment.assignee_region)),
            col(Assignment.status) == "completed",
            *_between(col(Assignment.completed_at)),
        ],
        (Task, col(Task.id) == col(Assignment.task_id)),
    )


def _alerts() -> Any:
    """The town's first step on each alert (verified or dismissed), within its time limit."""
    return _grouped(
        "alerts_in_time",
        (
            col(Alert.village_code),
            col(AlertStep.actor_id),
            col(AlertStep.at) <= col(Alert.verify_due_at),
        ),
        [
            _in_subtree(col(Alert.village_code)),
            col(AlertStep.seq) == 2,
            *_between(col(AlertStep.at)),
        ],
        (AlertStep, col(AlertStep.alert_id) == col(Alert.id)),
    )


FACTS = ("visits", "needs_on_time", "tasks_on_time", "alerts_in_time")
FACT_COUNTS = union_all(_visits(), _needs(), _tasks(), _alerts())


async def fact_counts(
    db: Database, region_code: str, since: datetime, until: datetime
) -> dict[str, list[Count]]:
    """Per indicator (visits, needs_on_time, tasks_on_time, alerts_in_time) the period's rows
    counted per (region, cadre, in time): the four GROUP BY statements in one UNION ALL, one
    statement on the driver (`Database.read_rows`)."""
    found: dict[str, list[Count]] = {name: [] for name in FACTS}
    rows = await db.read_rows(FACT_COUNTS, _bounds(region_code, since, until))
    for indicator, region, cadre, in_time, n in rows:
        found[indicator].append((region, cadre, bool(in_time), int(n)))
    return found


async def active_counties(session: AsyncSession, since: datetime, until: datetime) -> list[str]:
    """The county codes (6-digit prefixes) with visits in the period: the monthly circulars'."""
    prefix = func.substr(col(Visit.village_code), 1, 6)
    statement = (
        select(prefix)
        .where(col(Visit.visited_at) >= since, col(Visit.visited_at) < until)
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
