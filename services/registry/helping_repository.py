"""Every SQL statement about helping units, the helpers the registry knows and the coverage
report: set-based (one grouped statement per figure, never one per row). Functions take the
caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, not_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from kit.scope import Scope
from kit.territory import PREFIX_LENGTH, Level
from services.registry.models import (
    HelperRecord,
    HelpingUnit,
    Household,
    Pairing,
    UnitVillage,
    Village,
)
from services.registry.pairing_quotas import LEVEL_NAMES, QuotaSet
from services.registry.repository import scoped

# Per key (a region's significant prefix): the figures counted there.
Grouped = dict[str, tuple[int, ...]]


async def units_in(
    session: AsyncSession, region_code: str, *, after_id: str | None, limit: int
) -> Sequence[HelpingUnit]:
    statement = select(HelpingUnit).where(in_subtree(col(HelpingUnit.region_code), region_code))
    if after_id:
        statement = statement.where(col(HelpingUnit.id) > after_id)
    return (await session.exec(statement.order_by(col(HelpingUnit.id)).limit(limit))).all()


async def unit_figures(
    session: AsyncSession, unit_ids: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(helpers, households paired with them) of each unit."""
    if not unit_ids:
        return {}
    statement = (
        select(
            HelperRecord.unit_id,
            func.count(func.distinct(HelperRecord.helper_id)),
            func.count(func.distinct(Pairing.household_id)),
        )
        .outerjoin(Pairing, col(Pairing.helper_id) == col(HelperRecord.helper_id))
        .where(col(HelperRecord.unit_id).in_(unit_ids))
        .group_by(HelperRecord.unit_id)
    )
    found = {
        unit: (helpers, households) for unit, helpers, households in await _rows(session, statement)
    }
    return {unit: found.get(unit, (0, 0)) for unit in unit_ids}


async def villages_of(session: AsyncSession, unit_ids: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {unit: [] for unit in unit_ids}
    if unit_ids:
        statement = (
            select(UnitVillage.unit_id, UnitVillage.village_code)
            .where(col(UnitVillage.unit_id).in_(unit_ids))
            .order_by(col(UnitVillage.village_code))
        )
        for unit, code in await _rows(session, statement):
            found[unit].append(code)
    return found


async def locked_helper(
    session: AsyncSession, helper_id: str, name: str, region_code: str, now: datetime
) -> HelperRecord:
    """The helper's record, created when absent and locked till the end of the transaction, so
    that two pairings of one helper at once take turns (the quota holds); its name and
    territory refreshed from identity's."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    absent = insert(HelperRecord.__table__).values(  # type: ignore[attr-defined]
        helper_id=helper_id, name=name, region_code=region_code, updated_at=now
    )
    await session.exec(absent.on_conflict_do_nothing(index_elements=["helper_id"]))
    helper = await session.get(
        HelperRecord, helper_id, with_for_update=True, populate_existing=True
    )
    assert helper is not None
    if (helper.name, helper.region_code) != (name, region_code):
        helper.name, helper.region_code, helper.updated_at = name, region_code, now
        session.add(helper)
    return helper


async def paired_count(session: AsyncSession, helper_id: str) -> int:
    statement = select(func.count()).select_from(Pairing).where(Pairing.helper_id == helper_id)
    return (await session.exec(statement)).one()


async def helpers_of(session: AsyncSession, unit_id: str) -> list[tuple[HelperRecord, int]]:
    """The unit's helpers, each with the number of households paired with them."""
    statement = (
        select(HelperRecord, func.count(col(Pairing.household_id)))
        .outerjoin(Pairing, col(Pairing.helper_id) == col(HelperRecord.helper_id))
        .where(HelperRecord.unit_id == unit_id)
        .group_by(col(HelperRecord.helper_id))
        .order_by(col(HelperRecord.helper_id))
    )
    return [(helper, count) for helper, count in (await session.exec(statement)).all()]


def _key(column: Any, length: int) -> Any:
    return func.substr(column, 1, length)


async def _rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    return (await session.exec(statement)).all()


def _grouped(rows: Sequence[Any]) -> Grouped:
    return {str(key): tuple(int(n) for n in figures) for key, *figures in rows}


async def household_coverage(
    session: AsyncSession,
    scope: Scope,
    length: int,
    needing_help: Sequence[Any],
    unpaired: Sequence[Any],
) -> Grouped:
    """(households needing help, of them without a helper) by the first `length` digits of
    their village's code; `needing_help` and `unpaired` are the household filter's
    conditions."""
    key = _key(col(Household.village_code), length)
    statement = (
        select(key, func.count(), func.count().filter(and_(*unpaired)))
        .where(scoped(scope), *needing_help)
        .group_by(key)
    )
    return _grouped(await _rows(session, statement))


def _level_case(region: Any, figure: dict[str, int]) -> Any:
    """The figure of a code's level: its trailing zeros tell its level."""
    whens = [
        (
            func.substr(region, PREFIX_LENGTH[level] + 1) == "0" * (12 - PREFIX_LENGTH[level]),
            figure[LEVEL_NAMES[level]],
        )
        for level in Level
        if level is not Level.VILLAGE
    ]
    return case(*whens, else_=literal(figure[LEVEL_NAMES[Level.VILLAGE]]))


async def helper_coverage(
    session: AsyncSession, region_code: str, length: int, quotas: QuotaSet
) -> Grouped:
    """(helpers, without households, over their most, under their fewest) by the first
    `length` digits of the helper's territory."""
    paired = (
        select(
            col(HelperRecord.region_code).label("region"),
            func.count(col(Pairing.household_id)).label("households"),
        )
        .outerjoin(Pairing, col(Pairing.helper_id) == col(HelperRecord.helper_id))
        .where(in_subtree(col(HelperRecord.region_code), region_code))
        .group_by(col(HelperRecord.helper_id), col(HelperRecord.region_code))
        .subquery()
    )
    levels = [*LEVEL_NAMES.values()]
    most = _level_case(paired.c.region, {n: quotas.of_level(n).max_households for n in levels})
    fewest = _level_case(paired.c.region, {n: quotas.of_level(n).min_households for n in levels})
    households = paired.c.households
    key = _key(paired.c.region, length)
    statement = sa_select(  # five columns: more than sqlmodel's select types
        key,
        func.count(),
        func.count().filter(households == 0),
        func.count().filter(households > most),
        func.count().filter(households < fewest),
    ).group_by(key)
    return _grouped(await _rows(session, statement))


async def village_coverage(
    session: AsyncSession, scope: Scope, length: int, poor: Sequence[str]
) -> Grouped:
    """(villages without a work team) by the first `length` digits of their code: villages
    with poor households whose record names neither a first secretary nor a team leader."""
    staffed = exists().where(
        col(Village.code) == col(Household.village_code),
        not_(and_(col(Village.first_secretary_id) == "", col(Village.team_leader_id) == "")),
    )
    key = _key(col(Household.village_code), length)
    statement = (
        select(key, func.count(func.distinct(col(Household.village_code))))
        .where(scoped(scope), col(Household.status).in_(poor), not_(staffed))
        .group_by(key)
    )
    return _grouped(await _rows(session, statement))


async def unit_coverage(session: AsyncSession, region_code: str, length: int) -> Grouped:
    """(units, without villages) by the first `length` digits of the unit's territory."""
    has_village = exists().where(col(UnitVillage.unit_id) == col(HelpingUnit.id))
    key = _key(col(HelpingUnit.region_code), length)
    statement = (
        select(key, func.count(), func.count().filter(not_(has_village)))
        .where(in_subtree(col(HelpingUnit.region_code), region_code))
        .group_by(key)
    )
    return _grouped(await _rows(session, statement))
