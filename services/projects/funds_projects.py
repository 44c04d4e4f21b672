"""What funds read of a project through the project library's own repository (it owns the
table and the status lifecycle; funds never change them): its place, plan year, status and
budget per source."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.projects import repository


@dataclass(frozen=True)
class FundedProject:
    id: str
    region_code: str
    year: int
    status: str
    budget_fen: dict[str, int]


async def find_project(session: AsyncSession, project_id: str) -> FundedProject | None:
    project = await repository.get_project(session, project_id)
    if project is None:
        return None
    budgets = (await repository.budgets_of(session, [project.id]))[project.id]
    return FundedProject(
        project.id,
        project.region_code,
        project.year,
        project.status,
        {budget.source: budget.amount_fen for budget in budgets},
    )
