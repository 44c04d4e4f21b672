"""Every SQL statement of the village work team's attendance, work logs and monthly reports.
Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.assistance.models import Attendance, MonthlyReport, WorkLog


def month_range(month: str) -> tuple[str, str]:
    """The days of `month` (YYYY-MM) as bounds of a range on YYYY-MM-DD strings."""
    return f"{month}-01", f"{month}-31"


async def attendance_in(
    session: AsyncSession, region_code: str, month: str
) -> Sequence[Attendance]:
    first, last = month_range(month)
    statement = select(Attendance).where(
        in_subtree(col(Attendance.village_code), region_code),
        col(Attendance.day).between(first, last),
    )
    return (
        await session.exec(statement.order_by(col(Attendance.day), col(Attendance.user_id)))
    ).all()


async def logs_in(session: AsyncSession, region_code: str, month: str) -> Sequence[WorkLog]:
    first, last = month_range(month)
    statement = select(WorkLog).where(
        in_subtree(col(WorkLog.village_code), region_code), col(WorkLog.day).between(first, last)
    )
    return (await session.exec(statement.order_by(col(WorkLog.day), col(WorkLog.created_at)))).all()


async def reports_in(
    session: AsyncSession, region_code: str, month: str | None
) -> Sequence[MonthlyReport]:
    statement = select(MonthlyReport).where(
        in_subtree(col(MonthlyReport.village_code), region_code)
    )
    if month is not None:
        statement = statement.where(col(MonthlyReport.month) == month)
    order = (col(MonthlyReport.month).desc(), col(MonthlyReport.village_code))
    return (await session.exec(statement.order_by(*order))).all()
