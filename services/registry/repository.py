"""Every SQL statement of the registry. Functions take the caller's session and never commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.registry.models import (
    ChangeRequest,
    HistoryEntry,
    Household,
    Income,
    Indicator,
    Member,
    Pairing,
)


async def get_household(session: AsyncSession, household_id: str) -> Household | None:
    return await session.get(Household, household_id)


async def household_number_taken(session: AsyncSession, number: str) -> bool:
    return (
        await session.exec(select(Household.id).where(Household.number == number))
    ).first() is not None


async def member_with_index(session: AsyncSession, index: bytes) -> Member | None:
    return (await session.exec(select(Member).where(Member.id_number_index == index))).first()


async def members_of(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[str, list[Member]]:
    found: dict[str, list[Member]] = {household_id: [] for household_id in household_ids}
    if household_ids:
        statement = (
            select(Member)
            .where(col(Member.household_id).in_(household_ids))
            .order_by(col(Member.position))
        )
        for member in (await session.exec(statement)).all():
            found[member.household_id].append(member)
    return found


async def list_households(
    session: AsyncSession, *, region_code: str, status: str | None, after_id: str | None, limit: int
) -> Sequence[Household]:
    statement = select(Household).where(in_subtree(col(Household.village_code), region_code))
    if status:
        statement = statement.where(Household.status == status)
    if after_id:
        statement = statement.where(col(Household.id) > after_id)
    return (await session.exec(statement.order_by(col(Household.id)).limit(limit))).all()


async def households_in_subtree(session: AsyncSession, region_code: str) -> Sequence[Household]:
    statement = select(Household).where(in_subtree(col(Household.village_code), region_code))
    return (await session.exec(statement)).all()


def record(
    session: AsyncSession,
    *,
    household_id: str,
    at: datetime,
    actor_id: str,
    kind: str,
    field: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    session.add(
        HistoryEntry(
            household_id=household_id,
            at=at,
            actor_id=actor_id,
            kind=kind,
            field=field,
            before=json.dumps(before, ensure_ascii=False),
            after=json.dumps(after, ensure_ascii=False),
            reason=reason,
        )
    )


async def history_of(
    session: AsyncSession, household_id: str, *, after_id: int | None, limit: int
) -> Sequence[HistoryEntry]:
    statement = select(HistoryEntry).where(HistoryEntry.household_id == household_id)
    if after_id is not None:
        statement = statement.where(col(HistoryEntry.id) > after_id)
    return (await session.exec(statement.order_by(col(HistoryEntry.id)).limit(limit))).all()


# ------------------------------------------------------------------ pairings and reviews


async def get_pairing(session: AsyncSession, household_id: str, helper_id: str) -> Pairing | None:
    return await session.get(Pairing, (household_id, helper_id))


async def pairings_of(
    session: AsyncSession, *, household_id: str = "", helper_id: str = ""
) -> Sequence[Pairing]:
    statement = select(Pairing)
    if household_id:
        statement = statement.where(Pairing.household_id == household_id)
    if helper_id:
        statement = statement.where(Pairing.helper_id == helper_id)
    return (await session.exec(statement.order_by(col(Pairing.paired_at)))).all()


async def get_change_request(session: AsyncSession, request_id: str) -> ChangeRequest | None:
    return await session.get(ChangeRequest, request_id)


async def list_change_requests(
    session: AsyncSession, *, region_code: str, status: str | None, after_id: str | None, limit: int
) -> Sequence[ChangeRequest]:
    statement = select(ChangeRequest).where(
        in_subtree(col(ChangeRequest.village_code), region_code)
    )
    if status:
        statement = statement.where(ChangeRequest.status == status)
    if after_id:
        statement = statement.where(col(ChangeRequest.id) > after_id)
    return (await session.exec(statement.order_by(col(ChangeRequest.id)).limit(limit))).all()


# ------------------------------------------------------------------ statistics and the map


async def count_by(session: AsyncSession, region_code: str, column: Any) -> dict[str, int]:
    statement = (
        select(column, func.count())
        .where(in_subtree(col(Household.village_code), region_code))
        .group_by(column)
    )
    return {
        str(key): count for key, count in (await session.exec(statement)).all() if key is not None
    }


async def count_people(session: AsyncSession, region_code: str) -> int:
    statement = (
        select(func.count())
        .select_from(Member)
        .join(Household, col(Household.id) == col(Member.household_id))
        .where(in_subtree(col(Household.village_code), region_code))
    )
    return (await session.exec(statement)).one()


async def exits_by_year(session: AsyncSession, region_code: str) -> dict[str, int]:
    dialect = (await session.connection()).dialect.name
    at = col(HistoryEntry.at)
    year = func.strftime("%Y", at) if dialect == "sqlite" else func.extract("year", at)
    statement = (
        select(year, func.count())
        .join(Household, col(Household.id) == col(HistoryEntry.household_id))
        .where(in_subtree(col(Household.village_code), region_code))
        .where(HistoryEntry.kind == "transitioned", HistoryEntry.field == "exit")
        .group_by(year)
    )
    return {str(int(key)): count for key, count in (await session.exec(statement)).all()}


async def locations(
    session: AsyncSession,
    region_code: str,
    box: tuple[float, float, float, float] | None,
    limit: int,
) -> Sequence[Household]:
    statement = select(Household).where(
        in_subtree(col(Household.village_code), region_code), col(Household.latitude).is_not(None)
    )
    if box is not None:
        west, south, east, north = box
        statement = statement.where(
            col(Household.longitude) >= west,
            col(Household.longitude) <= east,
            col(Household.latitude) >= south,
            col(Household.latitude) <= north,
        )
    return (await session.exec(statement.order_by(col(Household.id)).limit(limit))).all()


# ------------------------------------------------------------------ incomes and indicators


async def incomes_of(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[str, list[Income]]:
    found: dict[str, list[Income]] = {household_id: [] for household_id in household_ids}
    if household_ids:
        statement = (
            select(Income)
            .where(col(Income.household_id).in_(household_ids))
            .order_by(col(Income.year))
        )
        for income in (await session.exec(statement)).all():
            found[income.household_id].append(income)
    return found


async def indicators_of(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[str, list[Indicator]]:
    found: dict[str, list[Indicator]] = {household_id: [] for household_id in household_ids}
    if household_ids:
        statement = select(Indicator).where(col(Indicator.household_id).in_(household_ids))
        for indicator in (await session.exec(statement)).all():
            found[indicator.household_id].append(indicator)
    return found


async def non_compliant_by_indicator(session: AsyncSession, region_code: str) -> dict[str, int]:
    statement = (
        select(Indicator.indicator, func.count())
        .join(Household, col(Household.id) == col(Indicator.household_id))
        .where(
            in_subtree(col(Household.village_code), region_code),
            col(Indicator.compliant).is_(False),
        )
        .group_by(Indicator.indicator)
    )
    return dict((await session.exec(statement)).all())


async def replace_incomes(
    session: AsyncSession, household_id: str, year: int, by_source: dict[str, int]
) -> None:
    await session.exec(  # type: ignore[call-overload]
        delete(Income).where(col(Income.household_id) == household_id, col(Income.year) == year)
    )
    session.add_all(
        Income(household_id=household_id, year=year, source=source, amount=amount)
        for source, amount in sorted(by_source.items())
    )
