"""What progress needs of the project library: a project in the caller's scope (out of it, not
found), its beneficiaries, and its two moves on — started (planned → in progress, by its first
report or milestone done) and completed (in progress → completed, by the county's acceptance,
with the library's completion notice 公示). Each move is the library's `advance`: a conditional
update, a step, an event and an audit record."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import FailedPrecondition
from kit.principal import Principal
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.domain import FundSource
from services.projects.lifecycle import ProjectStatus
from services.projects.models import Project
from services.projects.notices_service import publish_completion_notice
from services.projects.projects_service import in_scope
from services.projects.steps import advance

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
    ) -> None:
        values = {"status": status.value, "updated_at": self.c.clock(), "due_at": None}
        if not await advance(session, self.c, project, values, step, actor):
            raise FailedPrecondition(
                "the project changed meanwhile; read it again", reason="CONFLICT"
            )

    async def start(self, session: AsyncSession, project: Project, actor: str) -> None:
        """A planned project's first progress starts it; a running one stays as it is."""
        if project.status == ProjectStatus.PLANNED:
            await self._move(session, project, ProjectStatus.IN_PROGRESS, "started", actor)

    async def complete(self, session: AsyncSession, project: Project, actor: str) -> None:
        """Accepted: the project completes and the library publishes its completion notice."""
        await self._move(session, project, ProjectStatus.COMPLETED, "completed", actor)
        await publish_completion_notice(session, self.c, project, actor, self.c.clock())
