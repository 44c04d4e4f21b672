"""Every SQL statement of projects' funds. A balance moves only by one conditional UPDATE that
says in its WHERE what must stay true (`... AND disbursed_fen + pending_fen + :a <=
allocated_fen`), so two requests at once take turns on the row and the second finds what the
first left: never an overspend, on SQLite and PostgreSQL alike. Functions take the caller's
session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.projects.funds_models import (
    Disbursement,
    FundAllocation,
    FundPool,
    ProjectFundBalance,
)


async def _insert_absent(session: AsyncSession, table: Any, values: dict, keys: list[str]) -> None:
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.exec(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))  # type: ignore[call-overload]


async def _changed(session: AsyncSession, statement: Any) -> bool:
    result = await session.exec(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


async def pool_of(session: AsyncSession, county: str, year: int, source: str) -> FundPool | None:
    statement = select(FundPool).where(
        col(FundPool.county_code) == county, col(FundPool.year) == year, FundPool.source == source
    )
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def ensure_pool(
    session: AsyncSession, pool_id: str, county: str, year: int, source: str
) -> FundPool:
    """The pool of the county, year and source, created empty the first time."""
    values = {"id": pool_id, "county_code": county, "year": year, "source": source}
    await _insert_absent(
        session,
        FundPool.__table__,  # type: ignore[attr-defined]
        {**values, "received_fen": 0, "allocated_fen": 0},
        ["county_code", "year", "source"],
    )
    pool = await pool_of(session, county, year, source)
    assert pool is not None
    return pool


async def receive_into_pool(session: AsyncSession, pool_id: str, amount: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(FundPool)
        .where(col(FundPool.id) == pool_id)
        .values(received_fen=col(FundPool.received_fen) + amount)
    )


async def allocate_from_pool(session: AsyncSession, pool_id: str, amount: int) -> bool:
    """Take `amount` from the pool's unallocated funds; False (nothing changed) when short."""
    return await _changed(
        session,
        update(FundPool)
        .where(
            col(FundPool.id) == pool_id,
            col(FundPool.allocated_fen) + amount <= col(FundPool.received_fen),
        )
        .values(allocated_fen=col(FundPool.allocated_fen) + amount),
    )


def _balance_of(project_id: str, source: str) -> Any:
    return (col(ProjectFundBalance.project_id) == project_id) & (
        col(ProjectFundBalance.source) == source
    )


async def allocate_to_project(
    session: AsyncSession,
    project_id: str,
    source: str,
    region_code: str,
    amount: int,
    budget_fen: int,
    now: datetime,
) -> bool:
    """Add `amount` to the project's funds from `source` unless that passes `budget_fen`."""
    await _insert_absent(
        session,
        ProjectFundBalance.__table__,  # type: ignore[attr-defined]
        {
            "project_id": project_id,
            "source": source,
            "region_code": region_code,
            "allocated_fen": 0,
            "pending_fen": 0,
            "disbursed_fen": 0,
            "last_moved_at": now,
        },
        ["project_id", "source"],
    )
    return await _changed(
        session,
        update(ProjectFundBalance)
        .where(
            _balance_of(project_id, source),
            col(ProjectFundBalance.allocated_fen) + amount <= budget_fen,
        )
        .values(allocated_fen=col(ProjectFundBalance.allocated_fen) + amount, last_moved_at=now),
    )


async def hold_for_disbursement(
    session: AsyncSession, project_id: str, source: str, amount: int
) -> bool:
    """Promise `amount` of the project's funds from `source` to a requested disbursement;
    False (nothing changed) when it does not fit what is neither paid nor promised."""
    fits = (
        col(ProjectFundBalance.disbursed_fen) + col(ProjectFundBalance.pending_fen) + amount
        <= ProjectFundBalance.allocated_fen
    )
    return await _changed(
        session,
        update(ProjectFundBalance)
        .where(_balance_of(project_id, source), fits)
        .values(pending_fen=col(ProjectFundBalance.pending_fen) + amount),
    )


async def release_hold(session: AsyncSession, project_id: str, source: str, amount: int) -> bool:
    """A rejected disbursement's promise given back."""
    return await _changed(
        session,
        update(ProjectFundBalance)
        .where(_balance_of(project_id, source), col(ProjectFundBalance.pending_fen) >= amount)
        .values(pending_fen=col(ProjectFundBalance.pending_fen) - amount),
    )


async def pay_held(
    session: AsyncSession, project_id: str, source: str, amount: int, now: datetime
) -> bool:
    """A promised amount paid: from pending to disbursed."""
    return await _changed(
        session,
        update(ProjectFundBalance)
        .where(_balance_of(project_id, source), col(ProjectFundBalance.pending_fen) >= amount)
        .values(
            pending_fen=col(ProjectFundBalance.pending_fen) - amount,
            disbursed_fen=col(ProjectFundBalance.disbursed_fen) + amount,
            last_moved_at=now,
        ),
    )


async def move_disbursement(
    session: AsyncSession, disbursement_id: str, start: str, values: dict[str, Any]
) -> bool:
    """Apply `values` only if the disbursement is still in `start`: of two decisions at once,
    one wins and the other finds it moved."""
    return await _changed(
        session,
        update(Disbursement)
        .where(col(Disbursement.id) == disbursement_id, col(Disbursement.status) == start)
        .values(**values),
    )


async def balance(session: AsyncSession, project_id: str, source: str) -> ProjectFundBalance | None:
    statement = select(ProjectFundBalance).where(_balance_of(project_id, source))
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def balances(session: AsyncSession, project_id: str) -> Sequence[ProjectFundBalance]:
    statement = (
        select(ProjectFundBalance)
        .where(col(ProjectFundBalance.project_id) == project_id)
        .order_by(col(ProjectFundBalance.source))
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).all()


async def project_allocations(session: AsyncSession, project_id: str) -> Sequence[FundAllocation]:
    statement = (
        select(FundAllocation)
        .where(col(FundAllocation.project_id) == project_id)
        .order_by(col(FundAllocation.recorded_at), col(FundAllocation.id))
    )
    return (await session.exec(statement)).all()


async def disbursements(session: AsyncSession, project_id: str) -> Sequence[Disbursement]:
    statement = (
        select(Disbursement)
        .where(col(Disbursement.project_id) == project_id)
        .order_by(col(Disbursement.requested_at), col(Disbursement.id))
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).all()


async def disbursement(session: AsyncSession, disbursement_id: str) -> Disbursement | None:
    statement = select(Disbursement).where(col(Disbursement.id) == disbursement_id)
    return (await session.exec(statement.execution_options(populate_existing=True))).first()


async def pools(session: AsyncSession, county: str, year: int) -> Sequence[FundPool]:
    statement = (
        select(FundPool)
        .where(col(FundPool.county_code) == county, col(FundPool.year) == year)
        .order_by(col(FundPool.source))
        .execution_options(populate_existing=True)
    )
    return (await session.exec(statement)).all()


async def pool_allocations(session: AsyncSession, pool_ids: list[str]) -> Sequence[FundAllocation]:
    statement = (
        select(FundAllocation)
        .where(col(FundAllocation.pool_id).in_(pool_ids))
        .order_by(col(FundAllocation.recorded_at), col(FundAllocation.id))
    )
    return (await session.exec(statement)).all()


async def idle_balances(
    session: AsyncSession,
    still_since: datetime,
    limit: int,
    *,
    region_code: str = "",
    after: tuple[datetime, str, str] | None = None,
) -> Sequence[ProjectFundBalance]:
    """Balances with funds not disbursed and not moved since `still_since` (in the region's
    subtree, or everywhere), the stillest first after the cursor (last moved, project,
    source): the one query of idle funds, for the finance office's list and the flags."""
    moved, project, source = (
        col(ProjectFundBalance.last_moved_at),
        col(ProjectFundBalance.project_id),
        col(ProjectFundBalance.source),
    )
    statement = select(ProjectFundBalance).where(
        moved < still_since,
        col(ProjectFundBalance.disbursed_fen) < col(ProjectFundBalance.allocated_fen),
    )
    if region_code:
        statement = statement.where(in_subtree(col(ProjectFundBalance.region_code), region_code))
    if after is not None:
        at, last_project, last_source = after
        statement = statement.where(
            or_(
                moved > at,
                and_(moved == at, project > last_project),
                and_(moved == at, project == last_project, source > last_source),
            )
        )
    return (await session.exec(statement.order_by(moved, project, source).limit(limit))).all()
