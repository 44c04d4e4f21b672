"""Every SQL statement of assistance. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_scope
from kit.scope import Scope
from services.assistance.models import Need, NeedStep


@dataclass(frozen=True)
class NeedFilter:
    region_code: str  # the region asked for; the query applies the caller's scope of it
    status: str | None = None
    category: str | None = None
    owner_level: str | None = None


async def get_need(session: AsyncSession, need_id: str) -> Need | None:
    return await session.get(Need, need_id)


async def steps_of(session: AsyncSession, need_ids: Sequence[str]) -> dict[str, list[NeedStep]]:
    found: dict[str, list[NeedStep]] = {need_id: [] for need_id in need_ids}
    if need_ids:
        statement = (
            select(NeedStep)
            .where(col(NeedStep.need_id).in_(need_ids))
            .order_by(col(NeedStep.need_id), col(NeedStep.seq))
        )
        for step in (await session.exec(statement)).all():
            found[step.need_id].append(step)
    return found


async def move_need(
    session: AsyncSession,
    need_id: str,
    version: int,
    values: dict[str, Any],
    *,
    due_by: datetime | None = None,
) -> bool:
    """Apply `values` (and the next version) only if the need is still open at `version` (and,
    with `due_by`, due by then): whoever changed it first wins, any number of replicas."""
    statement = (
        update(Need)
        .where(col(Need.id) == need_id, col(Need.version) == version, col(Need.status) == "open")
        .values(**values, version=version + 1)
        .execution_options(synchronize_session=False)  # the caller refreshes what it holds
    )
    if due_by is not None:
        statement = statement.where(col(Need.due_at) <= due_by)
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def list_needs(
    session: AsyncSession, scope: Scope, wanted: NeedFilter, *, after_id: str | None, limit: int
) -> Sequence[Need]:
    statement = select(Need).where(_in(scope))
    for column, value in (
        (Need.status, wanted.status),
        (Need.category, wanted.category),
        (Need.owner_level, wanted.owner_level),
    ):
        if value is not None:
            statement = statement.where(col(column) == value)
    if after_id is not None:
        statement = statement.where(col(Need.id) > after_id)
    return (await session.exec(statement.order_by(col(Need.id)).limit(limit))).all()


def _in(scope: Scope) -> Any:
    """Needs of households in the caller's scope (a helper: of their pairings)."""
    return in_scope(scope, col(Need.village_code), col(Need.household_id))


async def needs_menu(session: AsyncSession, scope: Scope) -> list[tuple[str, str, str, int]]:
    """(category, owner level, status, count) over the scope's needs."""
    statement = (
        select(Need.category, Need.owner_level, Need.status, func.count())
        .where(_in(scope))
        .group_by(col(Need.category), col(Need.owner_level), col(Need.status))
        .order_by(col(Need.category), col(Need.owner_level), col(Need.status))
    )
    return [tuple(row) for row in (await session.exec(statement)).all()]  # type: ignore[misc]


async def count_overdue(session: AsyncSession, scope: Scope, now: datetime) -> int:
    statement = select(func.count()).where(
        _in(scope),
        col(Need.status) == "open",
        col(Need.due_at) <= now,
    )
    return int((await session.exec(statement)).one())


async def overdue_needs(session: AsyncSession, now: datetime, limit: int) -> Sequence[Need]:
    statement = (
        select(Need)
        .where(
            col(Need.status) == "open",
            col(Need.due_at) <= now,
            col(Need.owner_level) != "province",  # nowhere further to go
        )
        .order_by(col(Need.due_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()
