"""Every SQL statement about visits: one household's or a subtree's visits over a period, newest
first, and how many each helper and each household had. Functions never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_scope
from kit.scope import Scope
from services.assistance.models import Visit


@dataclass(frozen=True)
class VisitFilter:
    scope: Scope
    since: datetime
    until: datetime
    household_id: str | None = None
    flagged_only: bool = False


def _where(wanted: VisitFilter) -> list[Any]:
    conditions = [
        in_scope(wanted.scope, col(Visit.village_code), col(Visit.household_id)),
        col(Visit.visited_at) >= wanted.since,
        col(Visit.visited_at) < wanted.until,
    ]
    if wanted.household_id is not None:
        conditions.append(col(Visit.household_id) == wanted.household_id)
    if wanted.flagged_only:
        conditions.append(col(Visit.check) == "flagged")
    return conditions


async def list_visits(
    session: AsyncSession,
    wanted: VisitFilter,
    *,
    before: tuple[datetime, str] | None,
    limit: int,
) -> Sequence[Visit]:
    """Newest first; `before` is the (visited_at, id) of the previous page's last visit."""
    statement = select(Visit).where(*_where(wanted))
    if before is not None:
        at, visit_id = before
        statement = statement.where(
            or_(
                col(Visit.visited_at) < at,
                and_(col(Visit.visited_at) == at, col(Visit.id) < visit_id),
            )
        )
    statement = statement.order_by(col(Visit.visited_at).desc(), col(Visit.id).desc())
    return (await session.exec(statement.limit(limit))).all()


async def visit_counts(
    session: AsyncSession, wanted: VisitFilter, per: str
) -> list[tuple[str, int, int]]:
    """(helper or household id, visits, flagged visits) over the filter, `per` one of
    "helper_id" and "household_id"."""
    key = col(getattr(Visit, per))
    flagged = func.sum(case((col(Visit.check) == "flagged", 1), else_=0))
    statement = (
        select(key, func.count(), flagged).where(*_where(wanted)).group_by(key).order_by(key)
    )
    return [(k, int(n), int(f or 0)) for k, n, f in (await session.exec(statement)).all()]
