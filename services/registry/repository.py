"""Every SQL statement of the registry. Functions take the caller's session and never commit;
those that read households for a caller take the caller's `Scope` and apply it in SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_scope, lock_row
from kit.scope import Scope
from services.registry.household_filter import Search, conditions_of
from services.registry.household_order import Ordering, arranged
from services.registry.models import (
    Benefit,
    ChangeRequest,
    HistoryEntry,
    Household,
    Income,
    Indicator,
    IndicatorYear,
    Member,
    Pairing,
)


async def filtered(session: AsyncSession, search: Search) -> list[Any]:
    """The search's conditions on `households`, in the session's SQL dialect: what the reads
    below take as `narrowed` (empty: all of the scope)."""
    dialect = (await session.connection()).dialect.name
    return conditions_of(search, dialect=dialect)


def scoped(
    scope: Scope, village: Any = Household.village_code, household: Any = Household.id
) -> Any:
    """The rows of households the scope covers: in its territory and, for a helper, paired
    with them (through the pairing table). `village` and `household` name the columns."""
    paired = select(Pairing.household_id).where(Pairing.helper_id == scope.paired_helper)
    return in_scope(scope, col(village), col(household), paired)


async def get_household(
    session: AsyncSession, household_id: str, *, for_update: bool = False
) -> Household | None:
    """Any household, for the registry's own work (events, the public page): no caller.
    `for_update`: see household_in."""
    if for_update:
        await lock_row(session, Household, household_id)
    return await session.get(Household, household_id, populate_existing=for_update)


async def household_in(
    session: AsyncSession, scope: Scope, household_id: str, *, for_update: bool = False
) -> Household | None:
    """The household, if the caller's scope covers it. `for_update` (every write that bumps its
    version, before any other read): its row locked till the transaction ends (kit.db.lock_row),
    so that two writes at once take turns and the second sees the first's version (a 409, not
    two version 2s)."""
    statement = select(Household).where(Household.id == household_id, scoped(scope))
    if for_update:
        await lock_row(session, Household, household_id)
        statement = statement.execution_options(populate_existing=True)
    return (await session.exec(statement)).first()


async def villages_of(
    session: AsyncSession, scope: Scope, household_ids: list[str]
) -> dict[str, str]:
    """Each household's village, of those the caller's scope covers (the others: absent)."""
    statement = select(Household.id, Household.village_code).where(
        col(Household.id).in_(household_ids), scoped(scope)
    )
    return {household_id: village for household_id, village in (await session.exec(statement))}


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
    session: AsyncSession,
    *,
    scope: Scope,
    narrowed: Sequence[Any],
    ordering: Ordering,
    limit: int,
) -> Sequence[Household]:
    statement = arranged(select(Household).where(scoped(scope), *narrowed), ordering)
    return (await session.exec(statement.limit(limit))).all()


async def households_in_subtree(session: AsyncSession, region_code: str) -> Sequence[Household]:
    """Every household of a subtree, for the registry's own work (division changes)."""
    statement = select(Household).where(scoped(Scope(region_code)))
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
    session: AsyncSession, scope: Scope, *, household_id: str = "", helper_id: str = ""
) -> Sequence[Pairing]:
    """Pairings of households the caller's scope covers (a helper: only their own)."""
    statement = (
        select(Pairing)
        .join(Household, col(Household.id) == col(Pairing.household_id))
        .where(scoped(scope))
    )
    if household_id:
        statement = statement.where(Pairing.household_id == household_id)
    if helper_id:
        statement = statement.where(Pairing.helper_id == helper_id)
    return (await session.exec(statement.order_by(col(Pairing.paired_at)))).all()


async def helper_count(session: AsyncSession, household_id: str) -> int:
    """How many helpers are paired with the household (its public page: no caller)."""
    statement = select(func.count()).where(Pairing.household_id == household_id)
    return (await session.exec(statement)).one()


def _requests_in(scope: Scope) -> Any:
    return scoped(scope, ChangeRequest.village_code, ChangeRequest.household_id)


async def change_request_in(
    session: AsyncSession, scope: Scope, request_id: str, *, for_update: bool = False
) -> ChangeRequest | None:
    """The request in the caller's scope; `for_update` locks it (two reviews at once take
    turns: the second sees it reviewed)."""
    statement = select(ChangeRequest).where(ChangeRequest.id == request_id, _requests_in(scope))
    if for_update:
        await lock_row(session, ChangeRequest, request_id)
        statement = statement.execution_options(populate_existing=True)
    return (await session.exec(statement)).first()


async def list_change_requests(
    session: AsyncSession, *, scope: Scope, status: str | None, after_id: str | None, limit: int
) -> Sequence[ChangeRequest]:
    statement = select(ChangeRequest).where(_requests_in(scope))
    if status:
        statement = statement.where(ChangeRequest.status == status)
    if after_id:
        statement = statement.where(col(ChangeRequest.id) > after_id)
    return (await session.exec(statement.order_by(col(ChangeRequest.id)).limit(limit))).all()


# ------------------------------------------------------------------ statistics and the map


PROFILE_COLUMNS = (
    "status",
    "has_exited",
    "attribute",
    "main_cause",
    "assistance_category",
    "monitoring_category",
)


async def household_profile(
    session: AsyncSession, scope: Scope, narrowed: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """Households of the subtree counted per combination of the profile's columns (a few
    thousand combinations at most): every count of the statistics in one scan."""
    columns = [col(getattr(Household, name)) for name in PROFILE_COLUMNS]
    statement = sa_select(*columns, func.count()).where(scoped(scope), *narrowed).group_by(*columns)
    connection = await session.connection()
    return [tuple(row) for row in (await connection.execute(statement)).all()]


async def count_people(
    session: AsyncSession, scope: Scope, *, among: Sequence[str], narrowed: Sequence[Any] = ()
) -> tuple[int, int]:
    """Members of every household, and of the households whose status is in `among`."""
    statement = (
        select(func.count(), func.count().filter(col(Household.status).in_(among)))
        .select_from(Member)
        .join(Household, col(Household.id) == col(Member.household_id))
        .where(scoped(scope), *narrowed)
    )
    everyone, chosen = (await session.exec(statement)).one()
    return everyone, chosen


def _period_of(dialect: str, at: Any, period: str) -> Any:
    """The calendar year ("2024") or month ("2024-05") of a timestamp, as text."""
    if dialect == "sqlite":
        return func.strftime("%Y" if period == "year" else "%Y-%m", at)
    return func.to_char(at, "YYYY" if period == "year" else "YYYY-MM")


async def history_by_period(
    session: AsyncSession,
    scope: Scope,
    period: str,
    events: dict[str, tuple[str, str]],
    narrowed: Sequence[Any] = (),
) -> dict[str, dict[str, int]]:
    """Per year or month, how many history entries of the subtree's households match each
    named (kind, field); periods without any are left out."""
    bucket = _period_of((await session.connection()).dialect.name, col(HistoryEntry.at), period)
    matches = [
        and_(col(HistoryEntry.kind) == kind, col(HistoryEntry.field) == field)
        for kind, field in events.values()
    ]
    statement = (
        select(bucket, *(func.count().filter(match) for match in matches))
        .join(Household, col(Household.id) == col(HistoryEntry.household_id))
        .where(scoped(scope), or_(*matches), *narrowed)
        .group_by(bucket)
        .order_by(bucket)
    )
    return {
        str(key): dict(zip(events, counts, strict=True))
        for key, *counts in (await session.exec(statement)).all()
    }


def _located_in(
    scope: Scope, box: tuple[float, float, float, float] | None, narrowed: Sequence[Any]
) -> list[Any]:
    """Households of the scope (and the search) with a position, inside the box if any."""
    conditions = [
        scoped(scope),
        col(Household.latitude).is_not(None),
        *narrowed,
    ]
    if box is not None:
        west, south, east, north = box
        conditions += [
            col(Household.longitude) >= west,
            col(Household.longitude) <= east,
            col(Household.latitude) >= south,
            col(Household.latitude) <= north,
        ]
    return conditions


async def locations(
    session: AsyncSession,
    scope: Scope,
    box: tuple[float, float, float, float] | None,
    limit: int,
    after_id: str | None = None,
    narrowed: Sequence[Any] = (),
) -> Sequence[Household]:
    statement = select(Household).where(*_located_in(scope, box, narrowed))
    if after_id:
        statement = statement.where(col(Household.id) > after_id)
    return (await session.exec(statement.order_by(col(Household.id)).limit(limit))).all()


async def village_sums(
    session: AsyncSession,
    scope: Scope,
    box: tuple[float, float, float, float] | None,
    narrowed: Sequence[Any] = (),
) -> list[tuple[str, str, int, float, float]]:
    """(village, status, households, sum of latitudes, sum of longitudes) of located ones."""
    statement = (
        select(  # type: ignore[call-overload]
            Household.village_code,
            Household.status,
            func.count(),
            func.sum(col(Household.latitude)),
            func.sum(col(Household.longitude)),
        )
        .where(*_located_in(scope, box, narrowed))
        .group_by(Household.village_code, Household.status)
    )
    return [tuple(row) for row in (await session.exec(statement)).all()]


async def located_points(
    session: AsyncSession,
    scope: Scope,
    box: tuple[float, float, float, float] | None,
    narrowed: Sequence[Any] = (),
) -> list[tuple[str, str, float, float]]:
    """(village, status, latitude, longitude) of every located household."""
    statement = select(
        Household.village_code, Household.status, Household.latitude, Household.longitude
    ).where(*_located_in(scope, box, narrowed))
    return [tuple(row) for row in (await session.exec(statement)).all()]  # type: ignore[misc]


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


async def indicator_years_of(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[str, list[IndicatorYear]]:
    found: dict[str, list[IndicatorYear]] = {household_id: [] for household_id in household_ids}
    if household_ids:
        statement = (
            select(IndicatorYear)
            .where(col(IndicatorYear.household_id).in_(household_ids))
            .order_by(col(IndicatorYear.year))
        )
        for indicator in (await session.exec(statement)).all():
            found[indicator.household_id].append(indicator)
    return found


async def non_compliant_by_indicator(
    session: AsyncSession, scope: Scope, narrowed: Sequence[Any] = ()
) -> dict[str, int]:
    statement = (
        select(Indicator.indicator, func.count())
        .join(Household, col(Household.id) == col(Indicator.household_id))
        .where(scoped(scope), col(Indicator.compliant).is_(False), *narrowed)
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


# ------------------------------------------------------------------ policy benefits

BENEFIT_KEY = ("household_id", "year", "quarter", "department", "program")


async def benefits_of(
    session: AsyncSession, household_id: str, year: int | None
) -> Sequence[Benefit]:
    statement = select(Benefit).where(Benefit.household_id == household_id)
    if year is not None:
        statement = statement.where(Benefit.year == year)
    order = [col(getattr(Benefit, name)) for name in BENEFIT_KEY[1:]]
    return (await session.exec(statement.order_by(*order))).all()


async def benefit_with_key(
    session: AsyncSession, household_id: str, year: int, quarter: int, department: str, program: str
) -> Benefit | None:
    statement = select(Benefit).where(
        Benefit.household_id == household_id,
        Benefit.year == year,
        Benefit.quarter == quarter,
        Benefit.department == department,
        Benefit.program == program,
    )
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def benefit_totals_of(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[str, dict[int, int]]:
    """Yuan of benefits per household and year."""
    found: dict[str, dict[int, int]] = {household_id: {} for household_id in household_ids}
    if household_ids:
        statement = (
            select(Benefit.household_id, Benefit.year, func.sum(Benefit.amount))
            .where(col(Benefit.household_id).in_(household_ids))
            .group_by(col(Benefit.household_id), col(Benefit.year))
        )
        for household_id, year, total in (await session.exec(statement)).all():
            found[household_id][year] = int(total)
    return found


async def upsert_benefits(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert benefits (dicts of every Benefit column), or replace the amount of the one with the
    same key: a row keeps its id, and the same file imported again writes nothing."""
    if not rows:
        return
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Benefit.__table__)  # type: ignore[attr-defined]
    replaced = ("amount", "recorded_by", "recorded_at", "source")
    statement = statement.on_conflict_do_update(
        index_elements=list(BENEFIT_KEY),
        set_={name: statement.excluded[name] for name in replaced},
        where=col(Benefit.amount) != statement.excluded.amount,
    )
    await session.exec(statement, params=list(rows))
