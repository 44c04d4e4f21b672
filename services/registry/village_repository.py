"""Every SQL statement about villages: their records, yearly profiles and history, and the
counts of their registered households. Functions take the caller's session and never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.registry.models import Household, Member, Village, VillageHistoryEntry, VillageProfile


async def locked_village(session: AsyncSession, code: str, now: datetime) -> Village:
    """The village's row, locked till the end of the transaction: created first (version 0, no
    record yet) when absent, so two first saves at once take turns instead of colliding."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    absent = insert(Village.__table__).values(code=code, version=0, updated_at=now)  # type: ignore[attr-defined]
    await session.exec(absent.on_conflict_do_nothing(index_elements=["code"]))
    village = await session.get(Village, code, with_for_update=True, populate_existing=True)
    assert village is not None
    return village


async def list_villages(
    session: AsyncSession,
    region_code: str,
    *,
    is_poor: bool | None,
    has_exited: bool | None,
    after_code: str | None,
    limit: int,
) -> Sequence[Village]:
    statement = select(Village).where(in_subtree(col(Village.code), region_code))
    if is_poor is not None:
        statement = statement.where(col(Village.is_poor).is_(is_poor))
    if has_exited is not None:
        statement = statement.where(col(Village.has_exited).is_(has_exited))
    if after_code:
        statement = statement.where(col(Village.code) > after_code)
    return (await session.exec(statement.order_by(col(Village.code)).limit(limit))).all()


async def profiles_of(
    session: AsyncSession, codes: Sequence[str]
) -> dict[str, list[VillageProfile]]:
    """Each village's profiles, newest year first."""
    found: dict[str, list[VillageProfile]] = {code: [] for code in codes}
    if codes:
        statement = (
            select(VillageProfile)
            .where(col(VillageProfile.village_code).in_(codes))
            .order_by(col(VillageProfile.year).desc())
        )
        for profile in (await session.exec(statement)).all():
            found[profile.village_code].append(profile)
    return found


async def household_counts(
    session: AsyncSession, codes: Sequence[str], poor: Sequence[str]
) -> dict[str, tuple[int, int, int, int]]:
    """(households, poor households, people, poor people) registered in each village; a
    household is poor when its status is in `poor`."""
    if not codes:
        return {}
    is_poor = col(Household.status).in_(poor)
    in_villages = col(Household.village_code).in_(codes)
    households = select(Household.village_code, func.count(), func.count().filter(is_poor)).where(
        in_villages
    )
    people = (
        select(Household.village_code, func.count(), func.count().filter(is_poor))
        .select_from(Member)
        .join(Household, col(Household.id) == col(Member.household_id))
        .where(in_villages)
    )
    by_household = {
        code: (n, p)
        for code, n, p in (await session.exec(households.group_by(Household.village_code))).all()
    }
    by_person = {
        code: (n, p)
        for code, n, p in (await session.exec(people.group_by(Household.village_code))).all()
    }
    return {code: (*by_household.get(code, (0, 0)), *by_person.get(code, (0, 0))) for code in codes}


async def latest_population(session: AsyncSession, code: str) -> int:
    """The population of the village's latest profile; 0 without one."""
    statement = (
        select(VillageProfile.population)
        .where(VillageProfile.village_code == code)
        .order_by(col(VillageProfile.year).desc())
        .limit(1)
    )
    return (await session.exec(statement)).first() or 0


async def flags_of(session: AsyncSession, codes: Sequence[str]) -> dict[str, tuple[bool, bool]]:
    """(is a poor village, has exited) of the villages that have a record."""
    if not codes:
        return {}
    statement = select(Village.code, Village.is_poor, Village.has_exited).where(
        col(Village.code).in_(codes)
    )
    return {code: (poor, exited) for code, poor, exited in (await session.exec(statement)).all()}


def record(
    session: AsyncSession,
    *,
    village_code: str,
    at: datetime,
    actor_id: str,
    kind: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    session.add(
        VillageHistoryEntry(
            village_code=village_code,
            at=at,
            actor_id=actor_id,
            kind=kind,
            before=json.dumps(before, ensure_ascii=False, sort_keys=True),
            after=json.dumps(after, ensure_ascii=False, sort_keys=True),
            reason=reason,
        )
    )


async def history_of(
    session: AsyncSession, code: str, *, after_id: int | None, limit: int
) -> Sequence[VillageHistoryEntry]:
    statement = select(VillageHistoryEntry).where(VillageHistoryEntry.village_code == code)
    if after_id is not None:
        statement = statement.where(col(VillageHistoryEntry.id) > after_id)
    return (await session.exec(statement.order_by(col(VillageHistoryEntry.id)).limit(limit))).all()
