"""Use-cases of a project's review: the town forwards a proposal to the county (its public
notice starts) or returns it with a reason; the proposer resubmits a returned one; the town
resolves the objections lodged during the notice; the county approves it into the year's plan
or rejects it with a reason once the notice has ended with no open objection. Each level has
its days to act (`due_at`); the scheduler closes ended notices (texting the county when a
notice before approval ended)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import public_notice as notices
from kit.checks import parse
from kit.clock import aware
from kit.errors import Aborted, FailedPrecondition, NotFound
from kit.principal import Principal
from kit.public_notice import NoticeObjection, PublicNotice
from kit.territory import Level
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.lifecycle import (
    STEP_NAMES,
    ProjectAction,
    ProjectStatus,
    decide,
    due_at,
    needed_level,
    require_level,
)
from services.projects.models import Project
from services.projects.projects_service import (
    APPROVAL_NOTICE,
    NOTICE_KINDS,
    ProjectsService,
    ProjectView,
    in_scope,
)
from services.projects.steps import advance

SCHEDULER = "scheduler"


def conflict() -> Aborted:
    return Aborted("the project changed meanwhile; read it again", reason="CONFLICT")


class ReviewService:
    def __init__(self, components: Components, projects: ProjectsService) -> None:
        self.c = components
        self.projects = projects

    async def act(
        self, caller: Principal, project_id: str, action: str, note: str, expected_version: int
    ) -> ProjectView:
        wanted = parse(action, ProjectAction, "action")
        async with self.c.db.unit_of_work() as session:
            project = in_scope(caller, await repo.get_project(session, project_id))
            proposed_at = Level[project.proposer_level.upper()]
            require_level(caller.region_code, needed_level(wanted, proposed_at))
            if expected_version and expected_version != project.version:
                raise Aborted(
                    f"the project changed since version {expected_version} (now {project.version})",
                    reason="VERSION_CONFLICT",
                )
            notice = await notices.undecided_of(session, APPROVAL_NOTICE, project.id)
            if notice is not None:
                await self.close_if_ended(session, project, notice)
            target = decide(project.status, wanted, note)
            now = self.c.clock()
            if target is ProjectStatus.IN_NOTICE:
                notice = await self.publish_notice(session, project, caller.actor_id, now)
            elif target in (ProjectStatus.PLANNED, ProjectStatus.REJECTED) and notice is not None:
                await notices.decide(session, notice, target.value, caller.actor_id, now)
            ends = aware(notice.ends_at) if notice is not None else None
            values: dict[str, Any] = {
                "status": target.value,
                "updated_at": now,
                "due_at": due_at(target, now, self.c.review_days, ends),
            }
            moved = await advance(
                session,
                self.c,
                project,
                values,
                STEP_NAMES[wanted],
                caller.actor_id,
                note.strip(),
                same_version=True,
            )
            if not moved:
                raise conflict()
            return (await self.projects.views(session, [project], full=True))[0]

    async def publish_notice(
        self, session: AsyncSession, project: Project, actor_id: str, now: datetime
    ) -> PublicNotice:
        """The notice before approval: what is public of the project, never a household."""
        return await notices.publish(
            session,
            kind=APPROVAL_NOTICE,
            subject_id=project.id,
            region_code=project.region_code,
            region_name=project.region_name,
            title=project.name,
            fields=await public_fields(session, project),
            period=self.c.notice_period,
            actor_id=actor_id,
            now=now,
        )

    async def resolve(
        self, caller: Principal, project_id: str, objection_id: str, upheld: bool, note: str
    ) -> ProjectView:
        """The town's finding on an objection to one of the project's notices (during the
        notice or after it)."""
        async with self.c.db.unit_of_work() as session:
            project = in_scope(caller, await repo.get_project(session, project_id))
            require_level(caller.region_code, Level.TOWN)
            objection = await session.get(NoticeObjection, objection_id)
            notice = (
                await notices.get(session, objection.notice_id, NOTICE_KINDS)
                if objection is not None
                else None
            )
            if notice is None or notice.subject_id != project.id:
                raise NotFound("objection not found", reason="OBJECTION_NOT_FOUND")
            await self.close_if_ended(session, project, notice)
            now = self.c.clock()
            await notices.resolve(session, notice, objection_id, upheld, note, caller.actor_id, now)
            values = {"updated_at": now}
            if not await advance(
                session, self.c, project, values, "objection_resolved", caller.actor_id, note
            ):
                raise FailedPrecondition(
                    "the project changed meanwhile; read it again", reason="CONFLICT"
                )
            return (await self.projects.views(session, [project], full=True))[0]

    async def close_if_ended(
        self, session: AsyncSession, project: Project, notice: PublicNotice
    ) -> bool:
        """Close the project's ended notice once (whoever is first): before approval the
        county is told it is its turn; at completion the step is only recorded."""
        now = self.c.clock()
        if not await notices.close_if_ended(session, notice, now):
            return False
        step = "notice_ended" if notice.kind == APPROVAL_NOTICE else "completion_notice_ended"
        return await advance(session, self.c, project, {"updated_at": now}, step, SCHEDULER)

    async def close_ended(self, batch: int) -> int:
        """Close one batch of ended notices, before approval and at completion; how many this
        replica closed."""
        async with self.c.db.read_only() as session:
            ended = list(await notices.ended_running(session, NOTICE_KINDS, self.c.clock(), batch))
        closed = 0
        for notice in ended:
            async with self.c.db.unit_of_work() as session:
                session.add(notice)
                project = await repo.get_project(session, notice.subject_id)
                if project is not None:
                    closed += await self.close_if_ended(session, project, notice)
        return closed


async def public_fields(session: AsyncSession, project: Project) -> dict[str, Any]:
    """A project's public fields in a notice: the beneficiaries' number, no household."""
    return {
        "type": project.type,
        "place": project.place,
        "year": project.year,
        "budget_total_fen": await repo.budget_total(session, project.id),
        "beneficiary_count": await repo.beneficiary_count(session, project.id),
    }
