"""Every SQL statement about tasks and their assignments. Functions take the caller's session
and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.assistance.models import Assignment, Task


async def get_task(session: AsyncSession, task_id: str) -> Task | None:
    return await session.get(Task, task_id)


async def get_assignment(
    session: AsyncSession, task_id: str, assignee_id: str
) -> Assignment | None:
    return await session.get(Assignment, (task_id, assignee_id))


async def assignments_of(
    session: AsyncSession, task_ids: Sequence[str]
) -> dict[str, list[Assignment]]:
    found: dict[str, list[Assignment]] = {task_id: [] for task_id in task_ids}
    if task_ids:
        statement = (
            select(Assignment)
            .where(col(Assignment.task_id).in_(task_ids))
            .order_by(col(Assignment.task_id), col(Assignment.assignee_id))
        )
        for assignment in (await session.exec(statement)).all():
            found[assignment.task_id].append(assignment)
    return found


async def tasks_assigned_by(
    session: AsyncSession,
    actor_id: str,
    *,
    overdue_by: datetime | None,
    after_id: str | None,
    limit: int,
) -> Sequence[Task]:
    """The assigner's tasks; with `overdue_by`, those due by then that someone has not done."""
    statement = select(Task).where(col(Task.assigned_by) == actor_id)
    if overdue_by is not None:
        late = select(Assignment.task_id).where(col(Assignment.status) != "completed")
        statement = statement.where(col(Task.due_at) <= overdue_by, col(Task.id).in_(late))
    return await _page(session, statement, after_id, limit)


async def tasks_assigned_to(
    session: AsyncSession,
    assignee_id: str,
    *,
    overdue_by: datetime | None,
    after_id: str | None,
    limit: int,
) -> Sequence[Task]:
    statement = select(Task).join(Assignment).where(col(Assignment.assignee_id) == assignee_id)
    if overdue_by is not None:
        statement = statement.where(
            col(Task.due_at) <= overdue_by, col(Assignment.status) != "completed"
        )
    return await _page(session, statement, after_id, limit)


async def _page(session: AsyncSession, statement, after_id: str | None, limit: int):  # type: ignore[no-untyped-def]
    if after_id is not None:
        statement = statement.where(col(Task.id) > after_id)
    return (await session.exec(statement.order_by(col(Task.id)).limit(limit))).all()
