"""The SQL of the statistics of a region's children (the leaders' screen, the map's colours):
each a GROUP BY on the prefix of the household's village code, for all children at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.scope import Scope
from services.registry.models import Household, Member, VillageProfile
from services.registry.repository import scoped


def _child_of(prefix_length: int) -> Any:
    """The significant prefix of the child region a household's village lies in."""
    return func.substr(col(Household.village_code), 1, prefix_length)


async def households_by_child(
    session: AsyncSession, scope: Scope, prefix_length: int, narrowed: Sequence[Any] = ()
) -> list[tuple[str, str, bool, int]]:
    """(child prefix, status, has exited, households) of the subtree, in one scan."""
    child = _child_of(prefix_length)
    statement = (
        sa_select(child, col(Household.status), col(Household.has_exited), func.count())
        .where(scoped(scope), *narrowed)
        .group_by(child, col(Household.status), col(Household.has_exited))
    )
    connection = await session.connection()
    return [
        (prefix, status, bool(exited), count)
        for prefix, status, exited, count in (await connection.execute(statement)).all()
    ]


async def people_by_child(
    session: AsyncSession,
    scope: Scope,
    prefix_length: int,
    *,
    among: Sequence[str],
    narrowed: Sequence[Any] = (),
) -> dict[str, tuple[int, int]]:
    """Child prefix -> (members of every household, of the households whose status is in
    `among`), in one scan."""
    child = _child_of(prefix_length)
    statement = (
        sa_select(child, func.count(), func.count().filter(col(Household.status).in_(among)))
        .select_from(Member)
        .join(Household, col(Household.id) == col(Member.household_id))
        .where(scoped(scope), *narrowed)
        .group_by(child)
    )
    connection = await session.connection()
    rows = (await connection.execute(statement)).all()
    return {prefix: (everyone, chosen) for prefix, everyone, chosen in rows}


async def latest_populations(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    """The population of each village's latest profile (村情), for those that have one."""
    if not codes:
        return {}
    latest = (
        select(VillageProfile.village_code, func.max(VillageProfile.year).label("year"))
        .where(col(VillageProfile.village_code).in_(codes))
        .group_by(VillageProfile.village_code)
        .subquery()
    )
    statement = select(VillageProfile.village_code, VillageProfile.population).join(
        latest,
        (col(VillageProfile.village_code) == latest.c.village_code)
        & (col(VillageProfile.year) == latest.c.year),
    )
    return dict((await session.exec(statement)).all())
