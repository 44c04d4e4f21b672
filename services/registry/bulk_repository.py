"""The SQL of bulk work (imports, exports, reconciliation): look-ups by the batch, and writes
by PostgreSQL `COPY` (asyncpg, in the session's own transaction) or SQLite `executemany` —
the ORM costs 40× on bulk writes (BASELINES.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import LargeBinary, String
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bulk import insert_rows, one_of
from kit.db import in_subtree
from kit.scope import Scope
from services.registry.models import Benefit, Household, ImportFinding, ImportJob, Member
from services.registry.repository import BENEFIT_KEY, scoped


async def households_numbered(
    session: AsyncSession, numbers: Sequence[str]
) -> dict[str, Household]:
    if not numbers:
        return {}
    condition = await one_of(session, col(Household.number), list(numbers), String())
    return {h.number: h for h in (await session.exec(select(Household).where(condition))).all()}


async def households_of_indexes(
    session: AsyncSession, indexes: Sequence[bytes]
) -> dict[bytes, str]:
    """Blind index -> the household its person is registered in."""
    if not indexes:
        return {}
    condition = await one_of(session, col(Member.id_number_index), list(indexes), LargeBinary())
    statement = select(Member.id_number_index, Member.household_id).where(condition)
    return dict((await session.exec(statement)).all())


async def save_job(session: AsyncSession, job: ImportJob, findings: list[ImportFinding]) -> None:
    session.add(job)
    await session.flush()
    await insert_rows(session, ImportFinding, [f.model_dump() for f in findings])


async def get_job(session: AsyncSession, job_id: str) -> ImportJob | None:
    return await session.get(ImportJob, job_id)


async def findings_page(
    session: AsyncSession, job_id: str, after_seq: int, limit: int
) -> Sequence[ImportFinding]:
    statement = (
        select(ImportFinding)
        .where(ImportFinding.job_id == job_id, col(ImportFinding.seq) > after_seq)
        .order_by(col(ImportFinding.seq))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def jobs_in(
    session: AsyncSession, region_code: str, before_id: str, limit: int
) -> Sequence[ImportJob]:
    """Jobs started in the subtree, newest first (job ids sort by creation)."""
    statement = select(ImportJob).where(in_subtree(col(ImportJob.region_code), region_code))
    if before_id:
        statement = statement.where(col(ImportJob.id) < before_id)
    return (await session.exec(statement.order_by(col(ImportJob.id).desc()).limit(limit))).all()


async def households_page(
    session: AsyncSession, scope: Scope, after_id: str, limit: int, narrowed: Sequence[Any] = ()
) -> Sequence[Household]:
    """The scope's (searched) households in id order, one keyset page at a time (exports)."""
    statement = select(Household).where(scoped(scope), *narrowed)
    if after_id:
        statement = statement.where(col(Household.id) > after_id)
    return (await session.exec(statement.order_by(col(Household.id)).limit(limit))).all()


async def benefit_amounts(
    session: AsyncSession, household_ids: Sequence[str]
) -> dict[tuple[Any, ...], int]:
    """(household, year, quarter, department, program) -> yuan, for the households given."""
    if not household_ids:
        return {}
    key = [col(getattr(Benefit, name)) for name in BENEFIT_KEY]
    statement = sa_select(*key, col(Benefit.amount)).where(key[0].in_(household_ids))
    rows = (await (await session.connection()).execute(statement)).all()
    return {tuple(row[:-1]): row[-1] for row in rows}
