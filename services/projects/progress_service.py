"""Use-cases of a project's progress (进度): milestones planned and done, progress reports with
photos (content sniffed, bytes in the object store, the record in the database), and the
county's acceptance (验收): accepted completes the project and publishes its completion notice,
failed records the findings and the project runs on. Every change is audited in its unit of
work; a project outside the caller's territory does not exist."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.errors import FailedPrecondition, NotFound
from kit.file_content import JPEG, PNG, WEBP, read_limited, safe_name
from kit.object_store import ObjectStore
from kit.principal import Principal
from kit.territory import Level
from services.projects import progress_repository as repo
from services.projects.lifecycle import require_level
from services.projects.models import Project
from services.projects.progress_models import (
    Acceptance,
    Milestone,
    ProgressReport,
    ReportPhoto,
)
from services.projects.progress_projects import ProjectAccess, ProjectStatus
from services.projects.progress_rules import (
    MilestoneState,
    NewMilestone,
    Outcome,
    check_photo_count,
    checked_acceptance,
    checked_done_on,
    checked_milestones,
    checked_report,
    is_overdue,
)

PHOTO_KINDS = (JPEG, PNG, WEBP)
SERVICE = "projects"


@dataclass(frozen=True)
class ProgressView:
    project_id: str
    status: str
    percent_done: int
    overdue: bool
    milestones: list[tuple[Milestone, bool]]  # each with whether it is overdue
    reports: list[tuple[ProgressReport, list[ReportPhoto]]]
    acceptances: list[Acceptance]


def not_found(what: str) -> NotFound:
    return NotFound(f"{what} not found", reason=f"{what.upper().replace(' ', '_')}_NOT_FOUND")


class ProgressService:
    def __init__(self, projects: ProjectAccess, store: ObjectStore) -> None:
        self.projects = projects
        self.c = projects.c
        self.store = store

    def today(self) -> date:
        return self.projects.today()

    async def view(self, session: AsyncSession, project_id: str, status: str) -> ProgressView:
        today = self.today()
        milestones = list(await repo.milestones_of(session, project_id))
        reports = list(await repo.reports_of(session, project_id))
        photos: dict[str, list[ReportPhoto]] = {}
        for photo in await repo.photos_of(session, project_id):
            photos.setdefault(photo.report_id, []).append(photo)
        marked = [
            (m, is_overdue(MilestoneState(m.planned_on, m.done_on), today)) for m in milestones
        ]
        return ProgressView(
            project_id=project_id,
            status=status,
            percent_done=reports[0].percent_done if reports else 0,
            overdue=any(overdue for _, overdue in marked),
            milestones=marked,
            reports=[(r, photos.get(r.id, [])) for r in reports],
            acceptances=list(await repo.acceptances_of(session, project_id)),
        )

    async def get(self, caller: Principal, project_id: str) -> ProgressView:
        async with self.c.db.read_only() as session:
            project = await self.projects.visible(session, caller, project_id)
            return await self.view(session, project.id, project.status)

    async def add_milestones(
        self, caller: Principal, project_id: str, milestones: list[NewMilestone]
    ) -> ProgressView:
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            project = await self.projects.visible(session, caller, project_id)
            self.projects.require_running(project)
            existing = list(await repo.milestones_of(session, project.id))
            checked = checked_milestones(milestones, project.year, existing=len(existing))
            taken = {m.name for m in existing} & {m.name for m in checked}
            if taken:
                raise FailedPrecondition(
                    f"the project has milestones named {', '.join(sorted(taken))} already",
                    reason="MILESTONE_EXISTS",
                )
            for new in checked:
                session.add(
                    Milestone(
                        id=uuid.uuid4().hex,
                        project_id=project.id,
                        name=new.name,
                        planned_on=new.planned_on,
                        created_by=caller.actor_id,
                        created_at=now,
                    )
                )
            self._audit(
                session,
                caller,
                project,
                "project.milestones_added",
                {
                    "milestones": [
                        {"name": m.name, "planned_on": m.planned_on.isoformat()} for m in checked
                    ]
                },
            )
            await session.flush()
            return await self.view(session, project.id, project.status)

    async def complete_milestone(
        self, caller: Principal, project_id: str, milestone_id: str, done_on: date
    ) -> ProgressView:
        checked_done_on(done_on, self.today())
        async with self.c.db.unit_of_work() as session:
            project = await self.projects.visible(session, caller, project_id)
            self.projects.require_running(project)
            milestone = await session.get(Milestone, milestone_id)
            if milestone is None or milestone.project_id != project.id:
                raise not_found("milestone")
            before = milestone.done_on.isoformat() if milestone.done_on else None
            milestone.done_on = done_on
            session.add(milestone)
            self._audit(
                session,
                caller,
                project,
                "project.milestone_done",
                {"milestone": milestone.name, "before": before, "after": done_on.isoformat()},
            )
            await self.projects.start(session, project, caller.actor_id)
            await session.flush()
            return await self.view(session, project.id, project.status)

    async def report(
        self, caller: Principal, project_id: str, percent_done: int, note: str
    ) -> tuple[ProgressReport, list[ReportPhoto]]:
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            project = await self.projects.visible(session, caller, project_id)
            self.projects.require_running(project)
            reports = await repo.reports_of(session, project.id)
            last = reports[0].percent_done if reports else 0
            trimmed = checked_report(percent_done, note, last)
            report = ProgressReport(
                id=uuid.uuid4().hex,
                project_id=project.id,
                percent_done=percent_done,
                note=trimmed,
                reported_by=caller.actor_id,
                reported_at=now,
            )
            session.add(report)
            self._audit(
                session,
                caller,
                project,
                "project.progress_reported",
                {"before": last, "after": percent_done},
            )
            await self.projects.start(session, project, caller.actor_id)
        return report, []

    async def add_photo(
        self,
        caller: Principal,
        project_id: str,
        report_id: str,
        file_name: str,
        chunks: AsyncIterator[bytes],
    ) -> ReportPhoto:
        """The photo is checked before any byte is kept; the record is written after the
        bytes, so a record never names a missing object (a failed write leaves an orphan
        object at worst, never a broken record)."""
        async with self.c.db.read_only() as session:
            project = await self.projects.visible(session, caller, project_id)
            report = await session.get(ProgressReport, report_id)
            if report is None or report.project_id != project.id:
                raise not_found("report")
            check_photo_count(await repo.photo_count(session, report.id) + 1)
        data, kind = await read_limited(chunks, PHOTO_KINDS)
        photo_id = uuid.uuid4().hex
        key = f"projects/{project.id}/reports/{report.id}/{photo_id}.{kind.extension}"
        await self.store.put(key, data, kind.content_type)
        photo = ReportPhoto(
            id=photo_id,
            report_id=report.id,
            project_id=project.id,
            object_key=key,
            file_name=safe_name(file_name, kind, "photo"),
            content_type=kind.content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=caller.actor_id,
            uploaded_at=self.c.clock(),
        )
        async with self.c.db.unit_of_work() as session:
            session.add(photo)
            self._audit(
                session,
                caller,
                project,
                "project.photo_added",
                {"report_id": report.id, "sha256": photo.sha256, "size_bytes": photo.size_bytes},
            )
        return photo

    async def photo(
        self, caller: Principal, project_id: str, photo_id: str
    ) -> tuple[ReportPhoto, bytes]:
        async with self.c.db.read_only() as session:
            project = await self.projects.visible(session, caller, project_id)
            photo = await session.get(ReportPhoto, photo_id)
        if photo is None or photo.project_id != project.id:
            raise not_found("photo")
        return photo, await self.store.get(photo.object_key, max(k.max_bytes for k in PHOTO_KINDS))

    async def accept(
        self, caller: Principal, project_id: str, outcome: str, findings: str
    ) -> ProgressView:
        """The county's (or a level above's) decision on a running project."""
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            project = await self.projects.visible(session, caller, project_id)
            require_level(caller.region_code, Level.COUNTY)
            if project.status != ProjectStatus.IN_PROGRESS:
                raise FailedPrecondition(
                    f"a project is accepted while in progress (it is {project.status})",
                    reason="NOT_IN_PROGRESS",
                )
            milestones = await repo.milestones_of(session, project.id)
            reports = await repo.reports_of(session, project.id)
            decided, trimmed = checked_acceptance(
                outcome,
                findings,
                [MilestoneState(m.planned_on, m.done_on) for m in milestones],
                reports[0].percent_done if reports else 0,
            )
            session.add(
                Acceptance(
                    id=uuid.uuid4().hex,
                    project_id=project.id,
                    outcome=decided,
                    findings=trimmed,
                    decided_by=caller.actor_id,
                    decided_at=now,
                )
            )
            self._audit(
                session,
                caller,
                project,
                "project.acceptance_decided",
                {"outcome": decided.value, "findings": trimmed},
            )
            if decided == Outcome.ACCEPTED:
                await self.projects.complete(session, project, caller.actor_id)
            await session.flush()
            return await self.view(session, project.id, project.status)

    def _audit(
        self,
        session: AsyncSession,
        caller: Principal,
        project: Project,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        audit.record(
            session,
            SERVICE,
            actor_id=caller.actor_id,
            action=action,
            target_id=project.id,
            region_code=project.region_code,
            detail=detail,
        )
