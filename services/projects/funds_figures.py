"""The funds ledger's figures where the rest of the projects service shows money: the queries
the project statistics (`statistics_service.FundsFigures`), the finance office's export
(`exports_service.FundsOfProjects`) and the idle-funds flags (`progress_flags.IdleFundsQuery`)
are given by the composition root — each one statement on the ledger's balances."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import aware
from services.projects import funds_repository
from services.projects.funds_models import ProjectFundBalance
from services.projects.models import Project
from services.projects.progress_flags import IdleBalance, IdleCursor
from services.projects.statistics_repository import Where

_balance = ProjectFundBalance


async def by_child_and_source(session: AsyncSession, where: Where) -> Sequence[Any]:
    """(child, source, allocated fen, disbursed fen) of the projects `where` counts."""
    child = where.child()
    statement = (
        select(
            child,
            col(_balance.source),
            func.sum(col(_balance.allocated_fen)),
            func.sum(col(_balance.disbursed_fen)),
        )
        .join(Project, col(Project.id) == col(_balance.project_id))
        .where(*where.conditions())
        .group_by(child, col(_balance.source))
    )
    return (await session.exec(statement)).all()


async def of_projects(session: AsyncSession, project_ids: Sequence[str]) -> Sequence[Any]:
    """(project, source, allocated fen, disbursed fen) of these projects."""
    statement = select(
        col(_balance.project_id),
        col(_balance.source),
        col(_balance.allocated_fen),
        col(_balance.disbursed_fen),
    ).where(col(_balance.project_id).in_(list(project_ids)))
    return (await session.exec(statement)).all()


async def idle(
    session: AsyncSession, cut_off: datetime, after: IdleCursor | None, limit: int
) -> list[IdleBalance]:
    """Balances with money allocated and not disbursed that have not moved since `cut_off`,
    the stillest first, after the cursor (last moved, project, source): the funds' one query
    of idle balances (`funds_repository.idle_balances`)."""
    found = await funds_repository.idle_balances(session, cut_off, limit, after=after)
    return [
        IdleBalance(
            b.project_id, b.source, b.allocated_fen - b.disbursed_fen, aware(b.last_moved_at)
        )
        for b in found
    ]
