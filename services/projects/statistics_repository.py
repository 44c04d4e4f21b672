"""The statements of projects' statistics and exports: each figure one GROUP BY over the
region's subtree (a range on the division code, BASELINES.md), by child region — the first
digits of a project's code at the child level — or by project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.territory import subtree_range
from services.projects.models import Project, ProjectBeneficiary, ProjectBudget
from services.projects.progress_models import HouseholdBenefit, Milestone, ProgressReport
from services.projects.progress_projects import RUNNING


@dataclass(frozen=True)
class Where:
    """The projects counted: a region's subtree, a year (0: every year), child prefix length."""

    region_code: str
    year: int
    child_length: int

    def child(self) -> Any:
        return func.substr(col(Project.region_code), 1, self.child_length)

    def conditions(self) -> list[Any]:
        low, high = subtree_range(self.region_code)
        found = [col(Project.region_code) >= low, col(Project.region_code) <= high]
        if self.year:
            found.append(col(Project.year) == self.year)
        return found


async def _rows(session: AsyncSession, statement: Any) -> Sequence[Any]:
    return (await session.exec(statement)).all()


async def counts(session: AsyncSession, where: Where) -> Sequence[Any]:
    """(child, type, status, projects)."""
    child = where.child()
    statement = (
        select(child, col(Project.type), col(Project.status), func.count())
        .where(*where.conditions())
        .group_by(child, col(Project.type), col(Project.status))
    )
    return await _rows(session, statement)


async def budgets(session: AsyncSession, where: Where) -> Sequence[Any]:
    """(child, source, budget fen)."""
    child = where.child()
    statement = (
        select(child, col(ProjectBudget.source), func.sum(col(ProjectBudget.amount_fen)))
        .join(Project, col(Project.id) == col(ProjectBudget.project_id))
        .where(*where.conditions())
        .group_by(child, col(ProjectBudget.source))
    )
    return await _rows(session, statement)


async def beneficiaries(session: AsyncSession, where: Where, by_child: bool) -> Sequence[Any]:
    """(child, households) — or one row (households) of the whole region, each counted once."""
    households = func.count(distinct(col(ProjectBeneficiary.household_id)))
    child = where.child()
    statement = (
        (select(child, households) if by_child else select(households))
        .join(Project, col(Project.id) == col(ProjectBeneficiary.project_id))
        .where(*where.conditions())
    )
    return await _rows(session, statement.group_by(child) if by_child else statement)


async def overdue(session: AsyncSession, where: Where, today: date) -> Sequence[Any]:
    """(child, running projects with a milestone past its day and not done)."""
    child = where.child()
    statement = (
        select(child, func.count(distinct(col(Milestone.project_id))))
        .join(Project, col(Project.id) == col(Milestone.project_id))
        .where(
            *where.conditions(),
            col(Project.status).in_(RUNNING),
            col(Milestone.done_on).is_(None),
            col(Milestone.planned_on) < today,
        )
        .group_by(child)
    )
    return await _rows(session, statement)


async def benefits(session: AsyncSession, where: Where) -> Sequence[Any]:
    """(child, fen of benefits to households recorded)."""
    child = where.child()
    statement = (
        select(child, func.sum(col(HouseholdBenefit.amount_fen)))
        .join(Project, col(Project.id) == col(HouseholdBenefit.project_id))
        .where(*where.conditions())
        .group_by(child)
    )
    return await _rows(session, statement)


# ------------------------------------------------------------------ exports, by project


async def projects_page(
    session: AsyncSession, where: Where, after_id: str, limit: int
) -> Sequence[Project]:
    statement = (
        select(Project)
        .where(*where.conditions(), col(Project.id) > after_id)
        .order_by(col(Project.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def budgets_of(session: AsyncSession, project_ids: Sequence[str]) -> Sequence[Any]:
    """(project, source, budget fen)."""
    statement = (
        select(
            col(ProjectBudget.project_id),
            col(ProjectBudget.source),
            func.sum(col(ProjectBudget.amount_fen)),
        )
        .where(col(ProjectBudget.project_id).in_(project_ids))
        .group_by(col(ProjectBudget.project_id), col(ProjectBudget.source))
    )
    return await _rows(session, statement)


async def figures_of(
    session: AsyncSession, project_ids: Sequence[str], today: date
) -> dict[str, dict[str, int]]:
    """Per project: beneficiary households, percent done (reports never go back: the highest
    is the latest), overdue milestones and benefits fen — one GROUP BY each."""
    found: dict[str, dict[str, int]] = {p: {} for p in project_ids}
    statements = {
        "households": select(
            col(ProjectBeneficiary.project_id),
            func.count(distinct(col(ProjectBeneficiary.household_id))),
        )
        .where(col(ProjectBeneficiary.project_id).in_(project_ids))
        .group_by(col(ProjectBeneficiary.project_id)),
        "percent_done": select(
            col(ProgressReport.project_id), func.max(col(ProgressReport.percent_done))
        )
        .where(col(ProgressReport.project_id).in_(project_ids))
        .group_by(col(ProgressReport.project_id)),
        "overdue": select(col(Milestone.project_id), func.count())
        .where(
            col(Milestone.project_id).in_(project_ids),
            col(Milestone.done_on).is_(None),
            col(Milestone.planned_on) < today,
        )
        .group_by(col(Milestone.project_id)),
        "benefits_fen": select(
            col(HouseholdBenefit.project_id), func.sum(col(HouseholdBenefit.amount_fen))
        )
        .where(col(HouseholdBenefit.project_id).in_(project_ids))
        .group_by(col(HouseholdBenefit.project_id)),
    }
    for name, statement in statements.items():
        for project_id, value in await _rows(session, statement):
            found[project_id][name] = int(value or 0)
    return found
