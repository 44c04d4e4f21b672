"""Every SQL statement about helping units, the helpers the registry knows and the coverage
report: set-based (one grouped statement per figure, never one per row). Functions take the
caller's session and never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, not_, union
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
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
from services.registry.pairing_quotas import ANY_ROLE, LEVEL_NAMES, QuotaSet
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


@dataclass(frozen=True)
class Cadre:
    """A helper cadre as identity shows them."""

    helper_id: str
    name: str
    region_code: str
    roles: tuple[str, ...]

    @property
    def stored_roles(self) -> str:
        return stored_roles(self.roles)


def stored_roles(roles: Iterable[str]) -> str:
    """Roles as the helper's record keeps them: sorted, comma-separated."""
    return ",".join(sorted(set(roles)))


def roles_of(helper: HelperRecord) -> tuple[str, ...]:
    return tuple(helper.roles.split(",")) if helper.roles else ()


async def _insert(session: AsyncSession) -> Any:
    dialect = (await session.connection()).dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def locked_helper(session: AsyncSession, cadre: Cadre, now: datetime) -> HelperRecord:
    """The helper's record, created when absent and locked till the end of the transaction, so
    that two pairings of one helper at once take turns (the quota holds); its name, territory
    and roles refreshed from identity's."""
    insert = await _insert(session)
    fields = {"name": cadre.name, "region_code": cadre.region_code, "roles": cadre.stored_roles}
    absent = insert(HelperRecord.__table__).values(  # type: ignore[attr-defined]
        helper_id=cadre.helper_id, updated_at=now, **fields
    )
    await session.exec(absent.on_conflict_do_nothing(index_elements=["helper_id"]))
    helper = await session.get(
        HelperRecord, cadre.helper_id, with_for_update=True, populate_existing=True
    )
    assert helper is not None
    if {name: getattr(helper, name) for name in fields} != fields:
        for name, value in fields.items():
            setattr(helper, name, value)
        helper.updated_at = now
        session.add(helper)
    return helper


async def refresh_helper(session: AsyncSession, cadre: Cadre, changed_at: datetime) -> None:
    """A helper's record, if the registry keeps one, takes their account's name, territory and
    roles as identity changed them at `changed_at` (a change older than the record is moot)."""
    table = HelperRecord.__table__  # type: ignore[attr-defined]
    statement = (
        sa_update(table)
        .where(table.c.helper_id == cadre.helper_id, table.c.updated_at <= changed_at)
        .values(
            name=cadre.name,
            region_code=cadre.region_code,
            roles=cadre.stored_roles,
            updated_at=changed_at,
        )
    )
    await session.exec(statement)


async def helpers_to_backfill(session: AsyncSession, after_id: str, limit: int) -> Sequence[str]:
    """The next `limit` helper ids after `after_id` that pairings name and the registry has no
    record of (paired before revision 0014), or whose record has no roles (before 0016)."""
    unrecorded: Select[Any] = sa_select(col(Pairing.helper_id).label("helper_id")).where(
        col(Pairing.helper_id) > after_id,
        not_(exists().where(col(HelperRecord.helper_id) == col(Pairing.helper_id))),
    )
    without_roles: Select[Any] = sa_select(col(HelperRecord.helper_id).label("helper_id")).where(
        col(HelperRecord.helper_id) > after_id, col(HelperRecord.roles).is_(None)
    )
    both = union(unrecorded, without_roles).subquery()
    statement = sa_select(both.c.helper_id).order_by(both.c.helper_id).limit(limit)
    return [str(helper_id) for (helper_id,) in await _rows(session, statement)]


async def backfill_helpers(session: AsyncSession, cadres: Sequence[Cadre], now: datetime) -> None:
    """Record the cadres (idempotent): a record created meanwhile by a pairing, which has its
    roles, is left as it is; one without roles gets identity's territory and roles."""
    if not cadres:
        return
    insert = await _insert(session)
    values = insert(HelperRecord.__table__).values(  # type: ignore[attr-defined]
        [
            {
                "helper_id": c.helper_id,
                "name": c.name,
                "region_code": c.region_code,
                "roles": c.stored_roles,
                "updated_at": now,
            }
            for c in cadres
        ]
    )
    table = HelperRecord.__table__  # type: ignore[attr-defined]
    await session.exec(
        values.on_conflict_do_update(
            index_elements=["helper_id"],
            set_={
                name: values.excluded[name]
                for name in ("name", "region_code", "roles", "updated_at")
            },
            where=table.c.roles.is_(None),
        )
    )


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


def _quota_case(region: Any, roles: Any, quotas: QuotaSet, figure: str) -> Any:
    """A helper's quota figure (`min_households` or `max_households`) as `QuotaSet.of_cadre`
    chooses it: by their code's level (its trailing zeros tell it), then the first row of the
    level's ladder naming one of their roles, else the ladder's `*` row."""
    held = literal(",").concat(func.coalesce(roles, "")).concat(",")

    def of_level(level: Level) -> Any:
        ladder = quotas.ladder(LEVEL_NAMES[level])
        whens = [
            (held.contains(f",{q.role},", autoescape=True), getattr(q, figure))
            for q in ladder
            if q.role != ANY_ROLE
        ]
        last = literal(getattr(ladder[-1], figure))
        return case(*whens, else_=last) if whens else last

    whens = [
        (
            func.substr(region, PREFIX_LENGTH[level] + 1) == "0" * (12 - PREFIX_LENGTH[level]),
            of_level(level),
        )
        for level in Level
        if level is not Level.VILLAGE
    ]
    return case(*whens, else_=of_level(Level.VILLAGE))


async def helper_coverage(
    session: AsyncSession, region_code: str, length: int, quotas: QuotaSet
) -> Grouped:
    """(helpers, without households, over their most, under their fewest) by the first
    `length` digits of the helper's territory."""
    paired = (
        select(
            col(HelperRecord.region_code).label("region"),
            col(HelperRecord.roles).label("roles"),
            func.count(col(Pairing.household_id)).label("households"),
        )
        .outerjoin(Pairing, col(Pairing.helper_id) == col(HelperRecord.helper_id))
        .where(in_subtree(col(HelperRecord.region_code), region_code))
        .group_by(
            col(HelperRecord.helper_id), col(HelperRecord.region_code), col(HelperRecord.roles)
        )
        .subquery()
    )
    most = _quota_case(paired.c.region, paired.c.roles, quotas, "max_households")
    fewest = _quota_case(paired.c.region, paired.c.roles, quotas, "min_households")
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
