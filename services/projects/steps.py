"""One move of a project: the conditional update, the step in its history, its event (and the
text to whoever acts next) and its audit record (who, when, before, after) — all in the
caller's unit of work, so none of them happens without the others."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.clock import aware
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.events import SERVICE, publish_step
from services.projects.models import Project, ProjectStep


def state_of(project: Project) -> dict[str, Any]:
    """What a move changes, as the audit log keeps it before and after."""
    due = aware(project.due_at).isoformat() if project.due_at else None
    return {"status": project.status, "version": project.version, "due_at": due}


async def advance(
    session: AsyncSession,
    c: Components,
    project: Project,
    values: dict[str, Any],
    step: str,
    actor_id: str,
    note: str = "",
    *,
    same_version: bool = False,
    changed: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> bool:
    """Move the project (if it is still as it was read) and record the move; False if someone
    moved it first (nothing is recorded then). `changed`: what else the move changed, before
    and after, for the audit record."""
    before = state_of(project) | (changed[0] if changed else {})
    if not await repo.move_project(session, project, values, same_version=same_version):
        return False
    session.add(
        ProjectStep(
            project_id=project.id,
            seq=await repo.next_step_seq(session, project.id),
            action=step,
            status=project.status,
            actor_id=actor_id,
            note=note,
            at=project.updated_at,
        )
    )
    total = await repo.budget_total(session, project.id)
    publish_step(session, project, step, actor_id, c.reviewer_role, total)
    audit.record(
        session,
        SERVICE,
        actor_id=actor_id,
        action=f"project.{step}",
        target_id=project.id,
        region_code=project.region_code,
        detail={
            "before": before,
            "after": state_of(project) | (changed[1] if changed else {}),
            "note": note,
        },
        at=aware(project.updated_at),
    )
    return True
