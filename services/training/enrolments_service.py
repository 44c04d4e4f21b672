"""Use-cases of enrolments: a trainee (a leader candidate or an information officer, or a
registry household's member enrolled by an officer) enrols if their region may; a free seat
enrols them, otherwise they wait in line, and a cancellation moves the first in line up. The
institution records attendance and certifies completion; the trainee rates once after it."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import required_text
from kit.clock import aware
from kit.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from kit.principal import Principal
from kit.territory import is_within
from services.training import courses_repository as repo
from services.training.archives_service import ArchivesService
from services.training.candidates_service import sees_only_own
from services.training.components import Components
from services.training.courses_domain import (
    HOUSEHOLD_MEMBER,
    TRAINEE_ROLES,
    EnrolmentStatus,
    is_eligible,
    session_date,
)
from services.training.courses_service import CoursesService, visible_course
from services.training.directory import TrainingDirectory
from services.training.domain import within_range
from services.training.events import text_seat_granted
from services.training.institutions_service import InstitutionsService, is_institution
from services.training.models import Course, Enrolment

SEATED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)


@dataclass(frozen=True)
class Trainee:
    user_id: str
    household_id: str
    name: str
    role: str
    region_code: str


@dataclass(frozen=True)
class EnrolmentView:
    enrolment: Enrolment
    waiting_position: int = 0


def not_found() -> NotFound:
    return NotFound("enrolment not found", reason="ENROLMENT_NOT_FOUND")


def speaks_for(caller: Principal, enrolment: Enrolment) -> bool:
    """The trainee themselves, or an officer over a household member's region."""
    if enrolment.user_id:
        return enrolment.user_id == caller.subject
    return not sees_only_own(caller) and is_within(enrolment.region_code, caller.region_code)


def require_status(enrolment: Enrolment, *allowed: EnrolmentStatus) -> None:
    if enrolment.status not in allowed:
        raise FailedPrecondition(
            f"the enrolment is {enrolment.status}", reason="ENROLMENT_NOT_" + allowed[0].upper()
        )


class EnrolmentsService:
    def __init__(self, components: Components, directory: TrainingDirectory) -> None:
        self.c = components
        self.directory = directory

    async def trainee(self, caller: Principal, household_id: str, name: str) -> Trainee:
        if household_id:
            household = await self.directory.household(caller, household_id)
            member = required_text(name, "trainee_name", 50)
            return Trainee("", household.id, member, HOUSEHOLD_MEMBER, household.village_code)
        role = next((r for r in TRAINEE_ROLES if r in caller.roles), None)
        if role is None:
            raise PermissionDenied(
                "leader candidates and information officers enrol themselves; "
                "others enrol a household's member",
                reason="NOT_A_TRAINEE",
            )
        return Trainee(caller.subject, "", name.strip()[:50], role, caller.region_code)

    async def enrol(
        self, caller: Principal, course_id: str, household_id: str, name: str
    ) -> EnrolmentView:
        trainee = await self.trainee(caller, household_id, name)
        async with self.c.db.unit_of_work() as session:
            course = await visible_course(session, caller, course_id)
            if not is_eligible(trainee.region_code, course.region_codes):
                raise FailedPrecondition(
                    "people of this region may not enrol on this course",
                    reason="REGION_NOT_ELIGIBLE",
                )
            now = self.c.clock()
            if aware(course.ends_at) <= now:
                raise FailedPrecondition("the course has ended", reason="COURSE_ENDED")
            await repo.lock_course(session, course.id)
            key = (trainee.user_id, trainee.household_id, trainee.name)
            if await repo.active_enrolment(session, course.id, *key) is not None:
                raise AlreadyExists("enrolled on this course already", reason="ENROLLED_ALREADY")
            seated = await repo.take_seat(session, course.id)
            await repo.count_in(session, course.id, joined=1, seats=0)
            await session.refresh(course)
            enrolment = Enrolment(
                id=uuid.uuid4().hex,
                course_id=course.id,
                seq=course.joined,
                user_id=trainee.user_id,
                household_id=trainee.household_id,
                trainee_name=trainee.name,
                trainee_role=trainee.role,
                region_code=trainee.region_code,
                enrolled_by=caller.actor_id,
                status=EnrolmentStatus.ENROLLED if seated else EnrolmentStatus.WAITING,
                enrolled_at=now,
            )
            session.add(enrolment)
            await session.flush()
            return await self.view(session, enrolment)

    async def list_enrolments(
        self, caller: Principal, course_id: str, after_id: str | None, limit: int
    ) -> list[EnrolmentView]:
        async with self.c.db.read_only() as session:
            await visible_course(session, caller, course_id)
            officer = not is_institution(caller) and not sees_only_own(caller)
            found = await repo.list_enrolments(
                session,
                course_id,
                region_code=caller.region_code if officer else None,
                user_id=caller.subject if sees_only_own(caller) else None,
                after_id=after_id,
                limit=limit,
            )
            return await self.views(session, course_id, list(found))

    async def act(self, caller: Principal, enrolment_id: str, action: str) -> EnrolmentView:
        async with self.c.db.unit_of_work() as session:
            enrolment, course = await self.visible(session, caller, enrolment_id)
            if action == "cancel":
                await self.cancel(session, caller, enrolment, course)
            elif action == "complete":
                await self.complete(session, caller, enrolment)
            else:
                raise InvalidArgument("action must be cancel or complete", reason="INVALID_VALUE")
            await session.refresh(enrolment)
            return await self.view(session, enrolment)

    async def cancel(
        self, session: AsyncSession, caller: Principal, enrolment: Enrolment, course: Course
    ) -> None:
        if not speaks_for(caller, enrolment):
            raise PermissionDenied("only the trainee cancels", reason="NOT_THE_TRAINEE")
        await repo.lock_course(session, enrolment.course_id)
        await session.refresh(enrolment)  # as it is now that the course is ours
        require_status(enrolment, *SEATED)
        was = enrolment.status
        if not await repo.move_enrolment(session, enrolment.id, was, {"status": "cancelled"}):
            raise Aborted("the enrolment changed meanwhile", reason="CONFLICT")
        if was == EnrolmentStatus.ENROLLED:
            await self.move_up(session, course, caller.actor_id)

    async def move_up(self, session: AsyncSession, course: Course, actor_id: str) -> None:
        """The freed seat goes to the first in line, who is texted, or back to the course."""
        for waiting in await repo.waiting(session, course.id):
            if await repo.move_enrolment(session, waiting.id, "waiting", {"status": "enrolled"}):
                text_seat_granted(session, waiting, course, actor_id)
                return
        await repo.count_in(session, course.id, joined=0, seats=-1)

    async def complete(
        self, session: AsyncSession, caller: Principal, enrolment: Enrolment
    ) -> None:
        self.require_institution(caller)
        require_status(enrolment, EnrolmentStatus.ENROLLED)
        values = {
            "status": "completed",
            "completed_at": self.c.clock(),
            "certified_by": caller.actor_id,
        }
        if not await repo.move_enrolment(session, enrolment.id, "enrolled", values):
            raise Aborted("the enrolment changed meanwhile", reason="CONFLICT")

    async def attend(self, caller: Principal, enrolment_id: str, day: str) -> EnrolmentView:
        self.require_institution(caller)
        async with self.c.db.unit_of_work() as session:
            enrolment, course = await self.visible(session, caller, enrolment_id)
            require_status(enrolment, EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
            attended = session_date(day, aware(course.starts_at), aware(course.ends_at))
            enrolment.attended_dates = sorted({*enrolment.attended_dates, attended})
            session.add(enrolment)
            await session.flush()
            return await self.view(session, enrolment)

    async def rate(
        self, caller: Principal, enrolment_id: str, course: int, institution: int, comment: str
    ) -> EnrolmentView:
        values: dict[str, Any] = {
            "course_rating": within_range(course, "course_rating", 1, 5),
            "institution_rating": within_range(institution, "institution_rating", 1, 5),
            "comment": comment.strip()[:1000],
        }
        async with self.c.db.unit_of_work() as session:
            enrolment, _ = await self.visible(session, caller, enrolment_id)
            if not speaks_for(caller, enrolment):
                raise PermissionDenied("only the trainee rates", reason="NOT_THE_TRAINEE")
            require_status(enrolment, EnrolmentStatus.COMPLETED)
            if not await repo.rate(session, enrolment.id, values):
                raise AlreadyExists("you have rated this course already", reason="RATED_ALREADY")
            await session.refresh(enrolment)
            return await self.view(session, enrolment)

    def require_institution(self, caller: Principal) -> None:
        if not is_institution(caller):
            raise PermissionDenied("the institution certifies", reason="NOT_THE_INSTITUTION")

    async def visible(
        self, session: AsyncSession, caller: Principal, enrolment_id: str
    ) -> tuple[Enrolment, Course]:
        """The enrolment and its course, if the caller sees them; else not found."""
        enrolment = await session.get(Enrolment, enrolment_id)
        if enrolment is None:
            raise not_found()
        try:
            course = await visible_course(session, caller, enrolment.course_id)
        except NotFound:
            raise not_found() from None
        officer = not is_institution(caller) and not sees_only_own(caller)
        if officer and not is_within(enrolment.region_code, caller.region_code):
            raise not_found()
        if sees_only_own(caller) and enrolment.user_id != caller.subject:
            raise not_found()
        return enrolment, course

    async def views(
        self, session: AsyncSession, course_id: str, found: list[Enrolment]
    ) -> list[EnrolmentView]:
        """The enrolments of one course with their places in line, in one look at the line."""
        waiting = [e.seq for e in found if e.status == EnrolmentStatus.WAITING]
        line = await repo.waiting_seqs(session, course_id, max(waiting)) if waiting else []
        return [
            EnrolmentView(e, bisect_left(line, e.seq) + 1)
            if e.status == EnrolmentStatus.WAITING
            else EnrolmentView(e)
            for e in found
        ]

    async def view(self, session: AsyncSession, enrolment: Enrolment) -> EnrolmentView:
        if enrolment.status != EnrolmentStatus.WAITING:
            return EnrolmentView(enrolment)
        return EnrolmentView(enrolment, await repo.waiting_ahead(session, enrolment) + 1)


@dataclass(frozen=True)
class CourseUseCases:
    """The institutions', courses', enrolments' and archives' use-cases, handed to the API
    together."""

    institutions: InstitutionsService
    courses: CoursesService
    enrolments: EnrolmentsService
    archives: ArchivesService
