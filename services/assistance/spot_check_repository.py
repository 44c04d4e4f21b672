"""Every SQL statement about spot checks: one spot check, its sampled households in route
order and their findings. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

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
