"""What progress needs of the project library: a project in the caller's scope (out of it, not
found), its beneficiaries, and its two moves on — started (planned → in progress, by its first
report or milestone done) and completed (in progress → completed, by the county's acceptance,
with the completion notice 公示 of its name, place, budget and number of beneficiaries). Each
move is a conditional update (repository.move_project), a step, an event and an audit record."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit import public_notice as notices
from kit.errors import FailedPrecondition
from kit.principal import Principal
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.domain import FundSource
from services.projects.events import SERVICE, publish_step
from services.projects.lifecycle import ProjectStatus
from services.projects.models import Project, ProjectStep
from services.projects.projects_service import COMPLETION_NOTICE, in_scope

LOCAL_TIME = ZoneInfo("Asia/Shanghai")
RUNNING = (ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS)
SOURCES = {
    FundSource.CENTRAL: "中央",
    FundSource.PROVINCIAL: "省级",
    FundSource.CITY: "市级",
    FundSource.COUNTY: "县级",
    FundSource.INTEGRATED: "统筹整合",
    FundSource.OTHER: "其他",
}

__all__ = ["RUNNING", "SOURCES", "ProjectAccess", "ProjectStatus"]


class ProjectAccess:
    def __init__(self, components: Components) -> None:
        self.c = components

    def today(self) -> date:
        """Today where the projects are (a planned day passes at local midnight)."""
        return self.c.clock().astimezone(LOCAL_TIME).date()

    async def get(self, session: AsyncSession, project_id: str) -> Project | None:
        return await repo.get_project(session, project_id)

    async def visible(self, session: AsyncSession, caller: Principal, project_id: str) -> Project:
        return in_scope(caller, await repo.get_project(session, project_id))

    def require_running(self, project: Project) -> None:
        if project.status not in RUNNING:
            raise FailedPrecondition(
                f"the project's progress is kept once it is planned and until it is accepted "
                f"(it is {project.status})",
                reason="PROJECT_NOT_RUNNING",
            )

    async def beneficiaries(self, session: AsyncSession, project_id: str) -> set[str]:
        found = (await repo.beneficiaries_of(session, [project_id]))[project_id]
        return {b.household_id for b in found}

    def place_of(self, project: Project) -> str:
        return project.region_name or project.region_code

    async def _move(
        self, session: AsyncSession, project: Project, status: ProjectStatus, step: str, actor: str
    ) -> int:
        """Move the project on; its budget total (for the event and the notice)."""
        before = project.status
        now = self.c.clock()
        values = {"status": status.value, "updated_at": now, "due_at": None}
        if not await repo.move_project(session, project, values, same_version=False):
            raise FailedPrecondition(
                "the project changed meanwhile; read it again", reason="CONFLICT"
            )
        seq = await repo.next_step_seq(session, project.id)
        session.add(
            ProjectStep(
                project_id=project.id, seq=seq, action=step, status=status, actor_id=actor, at=now
            )
        )
        budgets = (await repo.budgets_of(session, [project.id]))[project.id]
        total = sum(b.amount_fen for b in budgets)
        publish_step(session, project, step, actor, self.c.reviewer_role, total)
        audit.record(
            session,
            SERVICE,
            actor_id=actor,
            action=f"project.{step}",
            target_id=project.id,
            region_code=project.region_code,
            detail={"before": {"status": before}, "after": {"status": status.value}},
            at=now,
        )
        return total

    async def start(self, session: AsyncSession, project: Project, actor: str) -> None:
        """A planned project's first progress starts it; a running one stays as it is."""
        if project.status == ProjectStatus.PLANNED:
            await self._move(session, project, ProjectStatus.IN_PROGRESS, "started", actor)

    async def complete(self, session: AsyncSession, project: Project, actor: str) -> None:
        """Accepted: the project completes and its completion notice (公示) is published.
        (The notice is published here through kit.public_notice until the project library
        exposes its own publish_completion_notice.)"""
        total = await self._move(session, project, ProjectStatus.COMPLETED, "completed", actor)
        households = await self.beneficiaries(session, project.id)
        await notices.publish(
            session,
            kind=COMPLETION_NOTICE,
            subject_id=project.id,
            region_code=project.region_code,
            region_name=project.region_name,
            title=project.name,
            fields={
                "type": project.type,
                "place": project.place,
                "year": project.year,
                "budget_total_fen": total,
                "beneficiary_households": len(households),
            },
            period=self.c.notice_period,
            actor_id=actor,
            now=self.c.clock(),
        )
