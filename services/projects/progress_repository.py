"""Every SQL statement of projects' progress: milestones, reports and photos, acceptances,
flags raised once (an INSERT that skips a key already there) and benefits to households."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.projects.progress_models import (
    Acceptance,
    HouseholdBenefit,
    Milestone,
    ProgressReport,
    ProjectFlag,
    ReportPhoto,
)


async def milestones_of(session: AsyncSession, project_id: str) -> Sequence[Milestone]:
    statement = (
        select(Milestone)
        .where(col(Milestone.project_id) == project_id)
        .order_by(col(Milestone.planned_on), col(Milestone.name))
    )
    return (await session.exec(statement)).all()


async def reports_of(session: AsyncSession, project_id: str) -> Sequence[ProgressReport]:
    """Newest first."""
    statement = (
        select(ProgressReport)
        .where(col(ProgressReport.project_id) == project_id)
        .order_by(col(ProgressReport.reported_at).desc(), col(ProgressReport.id).desc())
    )
    return (await session.exec(statement)).all()


async def photos_of(session: AsyncSession, project_id: str) -> Sequence[ReportPhoto]:
    statement = (
        select(ReportPhoto)
        .where(col(ReportPhoto.project_id) == project_id)
        .order_by(col(ReportPhoto.uploaded_at), col(ReportPhoto.id))
    )
    return (await session.exec(statement)).all()


async def photo_count(session: AsyncSession, report_id: str) -> int:
    statement = select(func.count()).where(col(ReportPhoto.report_id) == report_id)
    return int((await session.exec(statement)).one())


async def acceptances_of(session: AsyncSession, project_id: str) -> Sequence[Acceptance]:
    """Newest first."""
    statement = (
        select(Acceptance)
        .where(col(Acceptance.project_id) == project_id)
        .order_by(col(Acceptance.decided_at).desc(), col(Acceptance.id).desc())
    )
    return (await session.exec(statement)).all()


async def overdue_milestones(
    session: AsyncSession, today: date, after_id: str, limit: int
) -> Sequence[Milestone]:
    """Milestones past their planned day and not done, by id from `after_id` (a batch)."""
    statement = (
        select(Milestone)
        .where(
            col(Milestone.done_on).is_(None),
            col(Milestone.planned_on) < today,
            col(Milestone.id) > after_id,
        )
        .order_by(col(Milestone.id))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def raise_flag(session: AsyncSession, flag: ProjectFlag) -> bool:
    """Insert the flag unless its key is there already; whether this call raised it."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProjectFlag.__table__)  # type: ignore[attr-defined]
        .values(**flag.model_dump())
        .on_conflict_do_nothing(index_elements=["key"])
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def benefit_with_key(
    session: AsyncSession, project_id: str, household_id: str, kind: str, year: int
) -> HouseholdBenefit | None:
    statement = select(HouseholdBenefit).where(
        col(HouseholdBenefit.project_id) == project_id,
        col(HouseholdBenefit.household_id) == household_id,
        col(HouseholdBenefit.kind) == kind,
        col(HouseholdBenefit.year) == year,
    )
    return (await session.exec(statement)).first()


async def benefits_of(session: AsyncSession, project_id: str) -> Sequence[HouseholdBenefit]:
    statement = (
        select(HouseholdBenefit)
        .where(col(HouseholdBenefit.project_id) == project_id)
        .order_by(
            col(HouseholdBenefit.year),
            col(HouseholdBenefit.household_id),
            col(HouseholdBenefit.kind),
        )
    )
    return (await session.exec(statement)).all()
