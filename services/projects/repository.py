"""Every SQL statement of the project library. Functions take the caller's session and never
commit; every move of a project is one conditional update (whoever moves it first wins,
however many replicas or people act at once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.projects.lifecycle import OWNER
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget, ProjectStep

UNDER_REVIEW = [status.value for status in OWNER]  # the statuses at which a level must act


@dataclass(frozen=True)
class ProjectFilter:
    region_code: str  # a subtree
    year: int = 0
    type: str = ""
    status: str = ""
    overdue_at: datetime | None = None  # only those whose deadline passed before then


async def get_project(session: AsyncSession, project_id: str) -> Project | None:
    return await session.get(Project, project_id)


async def list_projects(
    session: AsyncSession, wanted: ProjectFilter, *, after_id: str | None, limit: int
) -> Sequence[Project]:
    statement = select(Project).where(in_subtree(col(Project.region_code), wanted.region_code))
    if wanted.year:
        statement = statement.where(col(Project.year) == wanted.year)
    if wanted.type:
        statement = statement.where(col(Project.type) == wanted.type)
    if wanted.status:
        statement = statement.where(col(Project.status) == wanted.status)
    if wanted.overdue_at is not None:
        statement = statement.where(col(Project.due_at) < wanted.overdue_at)
    if after_id is not None:
        statement = statement.where(col(Project.id) > after_id)
    return (await session.exec(statement.order_by(col(Project.id)).limit(limit))).all()


async def overdue_reviews(
    session: AsyncSession, now: datetime, after_id: str, limit: int
) -> Sequence[Project]:
    """Projects under review (proposed, in notice) whose level's deadline passed, by id."""
    statement = (
        select(Project)
        .where(
            col(Project.status).in_(UNDER_REVIEW),
            col(Project.due_at) < now,
            col(Project.id) > after_id,
        )
        .order_by(col(Project.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def budgets_of(
    session: AsyncSession, project_ids: Sequence[str]
) -> dict[str, list[ProjectBudget]]:
    found: dict[str, list[ProjectBudget]] = {project_id: [] for project_id in project_ids}
    if project_ids:
        statement = (
            select(ProjectBudget)
            .where(col(ProjectBudget.project_id).in_(project_ids))
            .order_by(col(ProjectBudget.project_id), col(ProjectBudget.source))
        )
        for budget in (await session.exec(statement)).all():
            found[budget.project_id].append(budget)
    return found


async def beneficiaries_of(
    session: AsyncSession, project_ids: Sequence[str]
) -> dict[str, list[ProjectBeneficiary]]:
    found: dict[str, list[ProjectBeneficiary]] = {project_id: [] for project_id in project_ids}
    if project_ids:
        statement = (
            select(ProjectBeneficiary)
            .where(col(ProjectBeneficiary.project_id).in_(project_ids))
            .order_by(col(ProjectBeneficiary.project_id), col(ProjectBeneficiary.household_id))
        )
        for beneficiary in (await session.exec(statement)).all():
            found[beneficiary.project_id].append(beneficiary)
    return found


async def steps_of(session: AsyncSession, project_id: str) -> list[ProjectStep]:
    statement = (
        select(ProjectStep)
        .where(col(ProjectStep.project_id) == project_id)
        .order_by(col(ProjectStep.seq))
    )
    return list((await session.exec(statement)).all())


async def next_step_seq(session: AsyncSession, project_id: str) -> int:
    statement = select(func.coalesce(func.max(ProjectStep.seq), 0)).where(
        col(ProjectStep.project_id) == project_id
    )
    return int((await session.exec(statement)).one()) + 1


async def move_project(
    session: AsyncSession, project: Project, values: dict[str, Any], *, same_version: bool
) -> bool:
    """Apply `values` (and the next version) only if the project is still at the status (and,
    if `same_version`, the version) it was read with; the project held is refreshed."""
    statement = (
        update(Project)
        .where(col(Project.id) == project.id, col(Project.status) == project.status)
        .values(**values, version=Project.version + 1)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    if same_version:
        statement = statement.where(col(Project.version) == project.version)
    result = await session.exec(statement)  # type: ignore[call-overload]
    moved = bool(result.rowcount == 1)
    if moved:
        await session.refresh(project)
    return moved


async def budget_total(session: AsyncSession, project_id: str) -> int:
    statement = select(func.coalesce(func.sum(ProjectBudget.amount_fen), 0)).where(
        col(ProjectBudget.project_id) == project_id
    )
    return int((await session.exec(statement)).one())


async def beneficiary_count(session: AsyncSession, project_id: str) -> int:
    statement = select(func.count()).where(col(ProjectBeneficiary.project_id) == project_id)
    return int((await session.exec(statement)).one())


async def replace_proposal_rows(
    session: AsyncSession,
    project_id: str,
    budgets: Sequence[ProjectBudget],
    beneficiaries: Sequence[ProjectBeneficiary],
) -> None:
    """The project's budget and beneficiaries, replaced as a whole (an edited proposal)."""
    for table in (ProjectBudget, ProjectBeneficiary):
        statement = delete(table).where(col(table.project_id) == project_id)
        await session.exec(statement)  # type: ignore[call-overload]
    session.add_all([*budgets, *beneficiaries])
    await session.flush()
