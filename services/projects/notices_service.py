"""A project's public notices (公示) as the public sees them, through the gateway's own client:
the notices running now (before approval, and at completion), and anyone's objection to one
while it runs (the town is texted). `publish_completion_notice` is what progress calls when a
project completes, inside its own unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import public_notice as notices
from kit.errors import FailedPrecondition, InvalidArgument
from kit.public_notice import PUBLIC, NoticeObjection, PublicNotice
from kit.territory import is_valid_code
from services.projects import repository as repo
from services.projects.components import Components
from services.projects.lifecycle import ProjectStatus
from services.projects.models import Project
from services.projects.projects_service import COMPLETION_NOTICE, NOTICE_KINDS
from services.projects.review_service import public_fields
from services.projects.steps import advance

COMPLETED = (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED)
MAX_RESULTS_LENGTH = 500


class NoticesService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def running(
        self, region_code: str, *, after_id: str | None, limit: int
    ) -> list[PublicNotice]:
        """The projects' notices running now, in a region (default: everywhere)."""
        if region_code and not is_valid_code(region_code):
            raise InvalidArgument("region_code is not a division code", reason="INVALID_REGION")
        async with self.c.db.read_only() as session:
            found = await notices.listed(
                session,
                NOTICE_KINDS,
                region_code or None,
                running_at=self.c.clock(),
                after_id=after_id,
                limit=limit,
            )
        return list(found)

    async def lodge(self, notice_id: str, text: str, contact: str) -> NoticeObjection:
        """Anyone's objection to a project in notice; only while the notice runs."""
        now = self.c.clock()
        async with self.c.db.unit_of_work() as session:
            notice = await notices.get(session, notice_id, NOTICE_KINDS)
            if notice is None:
                raise notices.notice_not_found()
            objection = await notices.lodge(session, self.c.protector, notice, text, contact, now)
            project = await repo.get_project(session, notice.subject_id)
            if project is None or not await advance(
                session, self.c, project, {"updated_at": now}, "objection_lodged", PUBLIC
            ):  # the project moved on meanwhile
                raise notices.not_running()
        return objection


async def publish_completion_notice(
    session: AsyncSession,
    c: Components,
    project: Project,
    actor_id: str,
    now: datetime,
    *,
    results: str = "",
) -> PublicNotice:
    """The public notice of a completed (or accepted) project — its name, place, budget, the
    beneficiaries' number and, if given, what it achieved — running for the notice period,
    open to objections. In the caller's unit of work; the project's version moves on (the
    project held is refreshed). Once per project while one is undecided."""
    if project.status not in COMPLETED:
        raise FailedPrecondition(
            "only a completed project is publicly noticed at completion",
            reason="PROJECT_NOT_COMPLETED",
        )
    if await notices.undecided_of(session, COMPLETION_NOTICE, project.id) is not None:
        raise FailedPrecondition(
            "the project's completion notice is published already", reason="NOTICE_PUBLISHED"
        )
    fields = await public_fields(session, project)
    if results.strip():
        fields["results"] = results.strip()[:MAX_RESULTS_LENGTH]
    notice = await notices.publish(
        session,
        kind=COMPLETION_NOTICE,
        subject_id=project.id,
        region_code=project.region_code,
        region_name=project.region_name,
        title=project.name,
        fields=fields,
        period=c.notice_period,
        actor_id=actor_id,
        now=now,
    )
    if not await advance(session, c, project, {"updated_at": now}, "completion_noticed", actor_id):
        raise FailedPrecondition("the project changed meanwhile; read it again", reason="CONFLICT")
    return notice
