"""Use-cases of projects' funds: allocations (资金下达) into a county's pool and from it to an
approved project, the ledger of a project, a county's pools, and idle funds. Each change is one
unit of work with its audit record (before and after) and its `projects.funds.*` event; every
read and write is scoped to the caller's territory (out of it: not found)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import Database
from kit.errors import NotFound
from kit.object_store import ObjectStore
from kit.principal import Principal
from kit.scope import Scope
from services.projects import funds_events as events
from services.projects import funds_repository as repo
from services.projects import funds_rules as rules
from services.projects.domain import check_year
from services.projects.funds_models import (
    Disbursement,
    FundAllocation,
    FundPool,
    ProjectFundBalance,
)
from services.projects.funds_projects import FundedProject, find_project

IDLE_LIST_LIMIT = 500


@dataclass
class FundsContext:
    """What funds' use-cases share, built by the composition root."""

    db: Database
    store: ObjectStore
    idle_days: float
    clock: Callable[[], datetime]
    find: Callable[[AsyncSession, str], Awaitable[FundedProject | None]] = find_project


@dataclass(frozen=True)
class NewAllocation:
    source: str
    amount_fen: int
    document_number: str
    issued_on: date


@dataclass(frozen=True)
class Ledger:
    project: FundedProject
    balances: Sequence[ProjectFundBalance]
    allocations: Sequence[FundAllocation]
    disbursements: Sequence[Disbursement]


def project_not_found() -> NotFound:
    return NotFound("project not found", reason="PROJECT_NOT_FOUND")


def pool_figures(pool: FundPool) -> dict[str, int]:
    return {"received_fen": pool.received_fen, "allocated_fen": pool.allocated_fen}


def balance_figures(row: ProjectFundBalance | None) -> dict[str, int]:
    if row is None:
        return {"allocated_fen": 0, "pending_fen": 0, "disbursed_fen": 0}
    return {
        "allocated_fen": row.allocated_fen,
        "pending_fen": row.pending_fen,
        "disbursed_fen": row.disbursed_fen,
    }


async def scoped_project(
    context: FundsContext, session: AsyncSession, scope: Scope, project_id: str
) -> FundedProject:
    """The project if it lies in the caller's territory; otherwise exactly like none."""
    project = await context.find(session, project_id)
    if project is None or not scope.covers_region(project.region_code):
        raise project_not_found()
    return project


def checked(new: NewAllocation) -> NewAllocation:
    return NewAllocation(
        rules.source(new.source),
        rules.amount_fen(new.amount_fen),
        rules.text(new.document_number, "document_number", required=True),
        new.issued_on,
    )


class FundsService:
    def __init__(self, context: FundsContext) -> None:
        self.c = context

    def _allocation(
        self, pool: FundPool, project_id: str, new: NewAllocation, caller: Principal
    ) -> FundAllocation:
        return FundAllocation(
            id=uuid.uuid4().hex,
            pool_id=pool.id,
            project_id=project_id,
            source=new.source,
            amount_fen=new.amount_fen,
            document_number=new.document_number,
            issued_on=new.issued_on,
            recorded_by=caller.actor_id,
            recorded_at=self.c.clock(),
        )

    async def allocate_to_pool(
        self, caller: Principal, county_code: str, year: int, new: NewAllocation
    ) -> tuple[FundAllocation, FundPool]:
        county = caller.scope.within(rules.county_code(county_code)).region_code
        year, new = check_year(year), checked(new)
        async with self.c.db.unit_of_work() as session:
            pool = await repo.ensure_pool(session, uuid.uuid4().hex, county, year, new.source)
            before = pool_figures(pool)
            await repo.receive_into_pool(session, pool.id, new.amount_fen)
            allocation = self._allocation(pool, "", new, caller)
            session.add(allocation)
            await session.refresh(pool)
            events.allocated(session, allocation, county)
            events.record(
                session,
                caller,
                "funds.pool_allocation",
                allocation.id,
                county,
                before,
                pool_figures(pool),
                pool_id=pool.id,
                amount_fen=new.amount_fen,
                document_number=new.document_number,
            )
        return allocation, pool

    async def allocate_to_project(
        self, caller: Principal, project_id: str, new: NewAllocation
    ) -> tuple[FundAllocation, FundPool]:
        """From the pool of the project's county, plan year and source: never past the pool's
        unallocated funds (409) nor the project's budget for the source (400)."""
        new = checked(new)
        async with self.c.db.unit_of_work() as session:
            project = await scoped_project(self.c, session, caller.scope, project_id)
            rules.require_fundable(project.status)
            county = rules.county_of(project.region_code)
            pool = await repo.pool_of(session, county, project.year, new.source)
            if pool is None or not await repo.allocate_from_pool(session, pool.id, new.amount_fen):
                unallocated = 0 if pool is None else pool.received_fen - pool.allocated_fen
                raise rules.pool_short(unallocated, new.amount_fen)
            before = balance_figures(await repo.balance(session, project.id, new.source))
            budget = project.budget_fen.get(new.source, 0)
            now = self.c.clock()
            if not await repo.allocate_to_project(
                session, project.id, new.source, project.region_code, new.amount_fen, budget, now
            ):
                raise rules.over_budget(budget, before["allocated_fen"], new.amount_fen, new.source)
            allocation = self._allocation(pool, project.id, new, caller)
            session.add(allocation)
            after = await repo.balance(session, project.id, new.source)
            await session.refresh(pool)
            events.allocated(session, allocation, county)
            events.record(
                session,
                caller,
                "funds.project_allocation",
                project.id,
                project.region_code,
                before,
                balance_figures(after),
                pool_id=pool.id,
                source=new.source,
                amount_fen=new.amount_fen,
                document_number=new.document_number,
            )
        return allocation, pool

    async def pools(
        self, caller: Principal, county_code: str, year: int
    ) -> list[tuple[FundPool, list[FundAllocation]]]:
        county = caller.scope.within(rules.county_code(county_code)).region_code
        async with self.c.db.read_only() as session:
            found = await repo.pools(session, county, check_year(year))
            allocations = await repo.pool_allocations(session, [pool.id for pool in found])
        return [(pool, [a for a in allocations if a.pool_id == pool.id]) for pool in found]

    async def ledger(self, caller: Principal, project_id: str) -> Ledger:
        async with self.c.db.read_only() as session:
            project = await scoped_project(self.c, session, caller.scope, project_id)
            return Ledger(
                project,
                await repo.balances(session, project.id),
                await repo.project_allocations(session, project.id),
                await repo.disbursements(session, project.id),
            )

    async def idle_funds(
        self, caller: Principal, region_code: str, days: float = 0
    ) -> Sequence[ProjectFundBalance]:
        """Funds allocated to projects of the region and not disbursed for more than `days`
        (default: the setting)."""
        scope = caller.scope.within(region_code)
        still_since = self.c.clock() - timedelta(days=days or self.c.idle_days)
        async with self.c.db.read_only() as session:
            return await repo.idle_balances(
                session, still_since, IDLE_LIST_LIMIT, region_code=scope.region_code
            )
