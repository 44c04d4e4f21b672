"""Use-cases of trainee archives (学员档案): a trainee's courses (status, attendance,
completion, the ratings they gave) and the outcomes officers follow up after training. The
trainee sees their whole archive; an officer only what lies in their territory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import parse, required_text
from kit.errors import FailedPrecondition, NotFound, PermissionDenied
from kit.principal import Principal
from kit.territory import is_within
from services.training import courses_repository as repo
from services.training.candidates_service import sees_only_own
from services.training.components import Components
from services.training.courses_domain import EnrolmentStatus, FollowUpKind, outcome_date
from services.training.domain import within_range
from services.training.institutions_service import is_institution
from services.training.models import Course, Enrolment, FollowUp

MAX_AMOUNT = 100_000_000


@dataclass(frozen=True)
class TraineeKey:
    """One with an account (user_id), or a registry household's member by name."""

    user_id: str = ""
    household_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class NewFollowUp:
    kind: str
    date: str
    details: str
    amount_yuan: int | None = None


@dataclass(frozen=True)
class ArchivedCourse:
    enrolment: Enrolment
    course: Course
    institution_name: str


@dataclass(frozen=True)
class Archive:
    trainee: TraineeKey
    courses: list[ArchivedCourse]
    follow_ups: list[FollowUp]

    @property
    def completed(self) -> list[ArchivedCourse]:
        return [a for a in self.courses if a.enrolment.status == EnrolmentStatus.COMPLETED]


def not_found() -> NotFound:
    return NotFound("trainee not found", reason="TRAINEE_NOT_FOUND")


def trainee_of(caller: Principal, key: TraineeKey) -> TraineeKey:
    """The trainee asked for (nobody named: the caller themselves)."""
    if key.household_id:
        return TraineeKey("", key.household_id, key.name.strip())
    return TraineeKey(key.user_id or caller.subject)


class ArchivesService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def get(self, caller: Principal, key: TraineeKey) -> Archive:
        async with self.c.db.read_only() as session:
            return await self.archive(session, caller, trainee_of(caller, key))

    async def follow_up(self, caller: Principal, key: TraineeKey, new: NewFollowUp) -> Archive:
        trainee = trainee_of(caller, key)
        if trainee.user_id == caller.subject:
            raise PermissionDenied("an officer follows a trainee up", reason="NOT_AN_OFFICER")
        kind = parse(new.kind, FollowUpKind, "kind")
        happened_on = outcome_date(new.date, self.c.clock().date())
        details = required_text(new.details, "details")
        amount = new.amount_yuan
        if amount is not None:
            within_range(amount, "amount_yuan", -MAX_AMOUNT, MAX_AMOUNT)
        async with self.c.db.unit_of_work() as session:
            completed = (await self.archive(session, caller, trainee)).completed
            if not completed:
                raise FailedPrecondition(
                    "the trainee has completed no course yet", reason="NO_COURSE_COMPLETED"
                )
            session.add(
                FollowUp(
                    id=uuid.uuid4().hex,
                    user_id=trainee.user_id,
                    household_id=trainee.household_id,
                    trainee_name=trainee.name,
                    region_code=completed[0].enrolment.region_code,
                    kind=kind,
                    happened_on=happened_on,
                    details=details,
                    amount_yuan=amount,
                    recorded_by=caller.actor_id,
                    recorded_at=self.c.clock(),
                )
            )
            await session.flush()
            return await self.archive(session, caller, trainee)

    async def archive(self, session: AsyncSession, caller: Principal, key: TraineeKey) -> Archive:
        """The trainee's archive as the caller may see it; nothing to see: not found."""
        enrolments, follow_ups = await repo.trainee_history(
            session, key.user_id, key.household_id, key.name
        )
        courses = [ArchivedCourse(*row) for row in enrolments]
        if key.user_id == caller.subject:
            return Archive(key, courses, list(follow_ups))
        if is_institution(caller) or sees_only_own(caller):
            raise not_found()
        scope = caller.region_code
        courses = [a for a in courses if is_within(a.enrolment.region_code, scope)]
        if not courses:
            raise not_found()
        seen = [f for f in follow_ups if is_within(f.region_code, scope)]
        return Archive(key, courses, seen)
