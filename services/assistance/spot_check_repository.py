"""Every SQL statement about spot checks: one spot check, its sampled households in route
order and their findings, and a subtree's spot checks with their counts. Functions take the
caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.assistance.models import SpotCheck, SpotCheckFinding, SpotCheckHousehold


async def get_spot_check(session: AsyncSession, spot_check_id: str) -> SpotCheck | None:
    return await session.get(SpotCheck, spot_check_id) if spot_check_id else None


async def sampled(session: AsyncSession, spot_check_id: str) -> Sequence[SpotCheckHousehold]:
    statement = (
        select(SpotCheckHousehold)
        .where(col(SpotCheckHousehold.spot_check_id) == spot_check_id)
        .order_by(col(SpotCheckHousehold.position))
    )
    return (await session.exec(statement)).all()


async def findings(session: AsyncSession, spot_check_id: str) -> dict[str, SpotCheckFinding]:
    """The spot check's findings by household id."""
    statement = select(SpotCheckFinding).where(col(SpotCheckFinding.spot_check_id) == spot_check_id)
    return {f.household_id: f for f in (await session.exec(statement)).all()}


@dataclass(frozen=True)
class SpotCheckCounts:
    spot_check: SpotCheck
    sampled: int
    recorded: int
    differing: int


async def list_spot_checks(
    session: AsyncSession,
    region_code: str,
    inspector_id: str,
    *,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[SpotCheckCounts]:
    """The spot checks of the subtree (of one inspector when given), newest first (ties by
    id), after the cursor's (created_at, id), each with its counts: three statements in all."""
    created, key = col(SpotCheck.created_at), col(SpotCheck.id)
    statement = select(SpotCheck).where(in_subtree(col(SpotCheck.region_code), region_code))
    if inspector_id:
        statement = statement.where(col(SpotCheck.inspector_id) == inspector_id)
    if after is not None:
        at, last = after
        statement = statement.where(or_(created < at, and_(created == at, key < last)))
    found = (await session.exec(statement.order_by(created.desc(), key.desc()).limit(limit))).all()
    ids = [s.id for s in found]
    sampled_by = dict(
        (
            await session.exec(
                select(col(SpotCheckHousehold.spot_check_id), func.count())
                .where(col(SpotCheckHousehold.spot_check_id).in_(ids))
                .group_by(col(SpotCheckHousehold.spot_check_id))
            )
        ).all()
    )
    differed = func.sum(case((col(SpotCheckFinding.differences) != "[]", 1), else_=0))
    findings_by = {
        spot_check_id: (recorded, differing or 0)
        for spot_check_id, recorded, differing in (
            await session.exec(
                select(col(SpotCheckFinding.spot_check_id), func.count(), differed)
                .where(col(SpotCheckFinding.spot_check_id).in_(ids))
                .group_by(col(SpotCheckFinding.spot_check_id))
            )
        ).all()
    }
    return [
        SpotCheckCounts(s, sampled_by.get(s.id, 0), *findings_by.get(s.id, (0, 0))) for s in found
    ]
