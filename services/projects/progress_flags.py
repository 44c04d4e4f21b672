"""Flags on projects, found by the scheduler and texted once each: to the county office, a
milestone past its planned day and not done (overdue) and a project's funds allocated but not
disbursed past the limit (idle); to the reviewers of the level whose turn it is, a review past
its days. A flag's key names its cause (`overdue:<milestone>`, `idle:<project>:<source>:<still
since>`, `review:<project>:<status>:<due>`); it is inserted unless there, and the text is sent in
the same unit of work with the key as its message id, so a restart, a second replica or a
second look raises and texts nothing again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2 as notification_events
from kit.clock import aware
from kit.outbox import enqueue
from kit.territory import PREFIX_LENGTH, Level, code_from_prefix
from services.projects import progress_repository as repo
from services.projects import repository as library_repo
from services.projects.events import region_at
from services.projects.lifecycle import owner_level
from services.projects.models import Project
from services.projects.progress_models import ProjectFlag
from services.projects.progress_projects import LOCAL_TIME, RUNNING, ProjectAccess

NOTIFICATION_REQUESTED = "notification.requested"
SUMMARY_LENGTH = 30
LEVEL_NAMES = {Level.TOWN: "乡镇", Level.COUNTY: "县级"}


@dataclass(frozen=True)
class IdleBalance:
    """A project's funds of one source, allocated and not disbursed, still since a moment."""

    project_id: str
    source: str
    remaining_fen: int
    still_since: datetime


# Where a page of idle balances ends: (still since, project, source).
IdleCursor = tuple[datetime, str, str]
# The funds' query of idle balances (allocated, not disbursed, not moved since the cut-off),
# the stillest first after the cursor, at most `limit` (services/projects/funds_figures.py).
IdleFundsQuery = Callable[
    [AsyncSession, datetime, IdleCursor | None, int], Awaitable[Sequence[IdleBalance]]
]


def county_of(region_code: str) -> str:
    return code_from_prefix(region_code[: PREFIX_LENGTH[Level.COUNTY]])


def summary(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}元"


class FlagsService:
    def __init__(
        self,
        projects: ProjectAccess,
        *,
        office_role: str,
        idle_after: timedelta,
        idle_funds: IdleFundsQuery | None = None,
    ) -> None:
        self.projects = projects
        self.c = projects.c
        self.office_role = office_role
        self.idle_after = idle_after
        self.idle_funds = idle_funds

    async def _raise(
        self, session: AsyncSession, project: Project, key: str, kind: str, flag: str
    ) -> bool:
        """Raise the flag (once per key) and text the county office about it."""
        text = notification_events.NotificationRequested(
            template="project_flagged",
            variables={"flag": flag},
            audience=notification_events.Audience(
                role=self.office_role, region_code=county_of(project.region_code)
            ),
        )
        return await self._raise_texting(session, project, key, kind, flag, text)

    async def _raise_texting(
        self,
        session: AsyncSession,
        project: Project,
        key: str,
        kind: str,
        flag: str,
        text: notification_events.NotificationRequested,
    ) -> bool:
        raised = await repo.raise_flag(
            session,
            ProjectFlag(
                key=key,
                project_id=project.id,
                kind=kind,
                region_code=project.region_code,
                detail=flag,
                raised_at=self.c.clock(),
            ),
        )
        if raised:
            text.source_id = f"project-flag:{key}"
            text.requested_by = "scheduler"
            text.variables.update(
                project=summary(project.name), region=self.projects.place_of(project)
            )
            enqueue(session, NOTIFICATION_REQUESTED, text, msg_id=f"project-flag-{key}-sms")
        return raised

    async def flag_overdue_reviews(self, batch: int) -> int:
        """Raise a flag for each review past its level's days, texting the reviewers of that
        level (the town, or the county after the notice) once per overdue step; how many
        were new."""
        raised, after = 0, ""
        while True:
            async with self.c.db.unit_of_work() as session:
                found = list(
                    await library_repo.overdue_reviews(session, self.c.clock(), after, batch)
                )
                for project in found:
                    raised += await self._flag_review(session, project)
            if len(found) < batch:
                return raised
            after = found[-1].id

    async def _flag_review(self, session: AsyncSession, project: Project) -> bool:
        level = owner_level(project.status)
        if level is None or project.due_at is None:
            return False
        due = aware(project.due_at)
        stage = f"{LEVEL_NAMES[level]}审核已逾期（应于{due.astimezone(LOCAL_TIME).date()}前办理），请尽快处理"
        text = notification_events.NotificationRequested(
            template="project_step",
            variables={"stage": stage},
            audience=notification_events.Audience(
                role=self.c.reviewer_role, region_code=region_at(project.region_code, level)
            ),
        )
        key = f"review:{project.id}:{project.status}:{due.isoformat()}"
        return await self._raise_texting(session, project, key, "review_overdue", stage, text)

    async def flag_overdue(self, batch: int) -> int:
        """Raise a flag for each overdue milestone of a running project; how many were new."""
        raised, after = 0, ""
        while True:
            async with self.c.db.unit_of_work() as session:
                found = list(
                    await repo.overdue_milestones(session, self.projects.today(), after, batch)
                )
                for milestone in found:
                    project = await self.projects.get(session, milestone.project_id)
                    if project is None or project.status not in RUNNING:
                        continue
                    planned = milestone.planned_on.isoformat()
                    flag = f"里程碑“{summary(milestone.name)}”已逾期（计划{planned}完成）"
                    raised += await self._raise(
                        session, project, f"overdue:{milestone.id}", "overdue", flag
                    )
            if len(found) < batch:
                return raised
            after = found[-1].id

    async def flag_idle_funds(self, batch: int) -> int:
        """Raise a flag for each balance idle past the limit; how many were new."""
        if self.idle_funds is None:
            return 0
        raised, after = 0, None
        cut_off = self.c.clock() - self.idle_after
        while True:
            async with self.c.db.unit_of_work() as session:
                found = list(await self.idle_funds(session, cut_off, after, batch))
                for idle in found:
                    project = await self.projects.get(session, idle.project_id)
                    if project is None:
                        continue
                    since = idle.still_since.date().isoformat()
                    key = f"idle:{idle.project_id}:{idle.source}:{idle.still_since.isoformat()}"
                    flag = f"资金{yuan(idle.remaining_fen)}自{since}起未拨付"
                    raised += await self._raise(session, project, key, "idle_funds", flag)
            if len(found) < batch:
                return raised
            last = found[-1]
            after = (last.still_since, last.project_id, last.source)
