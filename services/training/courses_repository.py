"""Every SQL statement of training institutions, courses and enrolments. Functions take the
caller's session and never commit; a seat is taken by one conditional update, so capacity
holds however many enrol at once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import in_subtree
from services.training.models import Course, Enrolment, FollowUp, Institution

ACTIVE = ("enrolled", "waiting", "completed")


async def institution_of_owner(session: AsyncSession, user_id: str) -> Institution | None:
    statement = select(Institution).where(col(Institution.owner_user_id) == user_id)
    return (await session.exec(statement)).first()


async def institution_names(
    session: AsyncSession, institution_ids: Collection[str]
) -> dict[str, str]:
    """The name of each institution (by id)."""
    if not institution_ids:
        return {}
    statement = select(Institution.id, Institution.name).where(
        col(Institution.id).in_(list(institution_ids))
    )
    return dict((await session.exec(statement)).all())


async def list_institutions(
    session: AsyncSession, region_code: str, status: str | None, after_id: str | None, limit: int
) -> Sequence[Institution]:
    statement = select(Institution).where(in_subtree(col(Institution.county_code), region_code))
    if status is not None:
        statement = statement.where(col(Institution.status) == status)
    if after_id is not None:
        statement = statement.where(col(Institution.id) > after_id)
    return (await session.exec(statement.order_by(col(Institution.id)).limit(limit))).all()


async def screen_institution(
    session: AsyncSession, institution: Institution, values: dict[str, Any]
) -> bool:
    """Apply `values` only if nobody screened the institution since it was read."""
    statement = (
        update(Institution)
        .where(col(Institution.id) == institution.id)
        .where(col(Institution.version) == institution.version)
        .values(**values, version=Institution.version + 1)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def list_courses(
    session: AsyncSession,
    *,
    institution_id: str | None,
    county_codes: Sequence[str] | None,
    region_code: str | None,
    after_id: str | None,
    limit: int,
) -> Sequence[Course]:
    """An institution's courses, the courses of given counties, or those under a region."""
    statement = select(Course)
    if institution_id is not None:
        statement = statement.where(col(Course.institution_id) == institution_id)
    if county_codes is not None:
        statement = statement.where(col(Course.county_code).in_(county_codes))
    if region_code is not None:
        statement = statement.where(in_subtree(col(Course.county_code), region_code))
    if after_id is not None:
        statement = statement.where(col(Course.id) > after_id)
    return (await session.exec(statement.order_by(col(Course.id)).limit(limit))).all()


async def lock_course(session: AsyncSession, course_id: str) -> None:
    """Hold the course's row until the unit of work ends, so that enrolments and cancellations
    on one course take turns: a cancellation then sees everyone who joined the waiting list
    before it, and an enrolment every seat freed (SQLite writes one at a time anyway)."""
    statement = select(Course.id).where(col(Course.id) == course_id).with_for_update()
    await session.exec(statement)


async def take_seat(session: AsyncSession, course_id: str) -> bool:
    """One more seat taken, if one is free (False: the course is full)."""
    statement = (
        update(Course)
        .where(col(Course.id) == course_id, col(Course.enrolled) < col(Course.capacity))
        .values(enrolled=Course.enrolled + 1)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def count_in(session: AsyncSession, course_id: str, *, joined: int, seats: int) -> None:
    """Add to the course's counters (the order of the waiting list, the seats taken)."""
    statement = (
        update(Course)
        .where(col(Course.id) == course_id)
        .values(joined=Course.joined + joined, enrolled=Course.enrolled + seats)  # type: ignore[operator]
        .execution_options(synchronize_session=False)
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def move_enrolment(
    session: AsyncSession, enrolment_id: str, status: str, values: dict[str, Any]
) -> bool:
    """Apply `values` only if the enrolment is still at `status` (whoever moves first wins)."""
    statement = (
        update(Enrolment)
        .where(col(Enrolment.id) == enrolment_id, col(Enrolment.status) == status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def waiting(session: AsyncSession, course_id: str, limit: int = 5) -> Sequence[Enrolment]:
    statement = (
        select(Enrolment)
        .where(col(Enrolment.course_id) == course_id, col(Enrolment.status) == "waiting")
        .order_by(col(Enrolment.seq))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def waiting_ahead(session: AsyncSession, enrolment: Enrolment) -> int:
    statement = select(func.count()).where(
        col(Enrolment.course_id) == enrolment.course_id,
        col(Enrolment.status) == "waiting",
        col(Enrolment.seq) < enrolment.seq,
    )
    return int((await session.exec(statement)).one())


async def waiting_seqs(session: AsyncSession, course_id: str, up_to: int) -> list[int]:
    """The places (`seq`) of the course's waiting list up to `up_to`, in order."""
    statement = (
        select(Enrolment.seq)
        .where(col(Enrolment.course_id) == course_id, col(Enrolment.status) == "waiting")
        .where(col(Enrolment.seq) <= up_to)
        .order_by(col(Enrolment.seq))
    )
    return list((await session.exec(statement)).all())


async def active_enrolment(
    session: AsyncSession, course_id: str, user_id: str, household_id: str, name: str
) -> Enrolment | None:
    """The trainee's enrolment on the course that is not cancelled, if any."""
    statement = select(Enrolment).where(
        col(Enrolment.course_id) == course_id,
        col(Enrolment.user_id) == user_id,
        col(Enrolment.household_id) == household_id,
        col(Enrolment.trainee_name) == name,
        col(Enrolment.status).in_(ACTIVE),
    )
    return (await session.exec(statement)).first()


async def rate(session: AsyncSession, enrolment_id: str, values: dict[str, Any]) -> bool:
    """Record a rating on a completed enrolment not rated yet (False: rated already)."""
    statement = (
        update(Enrolment)
        .where(col(Enrolment.id) == enrolment_id, col(Enrolment.status) == "completed")
        .where(col(Enrolment.course_rating) == 0)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount == 1)


async def list_enrolments(
    session: AsyncSession,
    course_id: str,
    *,
    region_code: str | None,
    user_id: str | None,
    after_id: str | None,
    limit: int,
) -> Sequence[Enrolment]:
    """A course's enrolments (of trainees under a region, or one trainee's)."""
    statement = select(Enrolment).where(col(Enrolment.course_id) == course_id)
    if region_code is not None:
        statement = statement.where(in_subtree(col(Enrolment.region_code), region_code))
    if user_id is not None:
        statement = statement.where(col(Enrolment.user_id) == user_id)
    if after_id is not None:
        statement = statement.where(col(Enrolment.id) > after_id)
    return (await session.exec(statement.order_by(col(Enrolment.id)).limit(limit))).all()


async def waiting_counts(session: AsyncSession, course_ids: Sequence[str]) -> dict[str, int]:
    statement = (
        select(Enrolment.course_id, func.count())
        .where(col(Enrolment.course_id).in_(course_ids), col(Enrolment.status) == "waiting")
        .group_by(col(Enrolment.course_id))
    )
    return {course_id: int(n) for course_id, n in (await session.exec(statement)).all()}


async def course_ratings(
    session: AsyncSession, course_ids: Sequence[str]
) -> dict[str, tuple[float, int]]:
    """The average and count of the ratings each course received."""
    statement = (
        select(Enrolment.course_id, func.avg(Enrolment.course_rating), func.count())
        .where(col(Enrolment.course_id).in_(course_ids), col(Enrolment.course_rating) > 0)
        .group_by(col(Enrolment.course_id))
    )
    rows = (await session.exec(statement)).all()
    return {course_id: (float(avg), int(n)) for course_id, avg, n in rows}


async def institution_ratings(
    session: AsyncSession, institution_ids: Sequence[str]
) -> dict[str, tuple[float, int]]:
    """The average and count of the ratings each institution received over its courses."""
    statement = (
        select(Course.institution_id, func.avg(Enrolment.institution_rating), func.count())
        .join(Course, col(Course.id) == col(Enrolment.course_id))
        .where(
            col(Course.institution_id).in_(institution_ids), col(Enrolment.institution_rating) > 0
        )
        .group_by(col(Course.institution_id))
    )
    rows = (await session.exec(statement)).all()
    return {institution_id: (float(avg), int(n)) for institution_id, avg, n in rows}


async def trainee_history(
    session: AsyncSession, user_id: str, household_id: str, name: str
) -> tuple[Sequence[tuple[Enrolment, Course, str]], Sequence[FollowUp]]:
    """A trainee's enrolments (with their course and institution's name) and follow-ups,
    newest first."""
    courses = (
        select(Enrolment, Course, Institution.name)
        .join(Course, col(Course.id) == col(Enrolment.course_id))
        .join(Institution, col(Institution.id) == col(Course.institution_id))
        .where(col(Enrolment.user_id) == user_id, col(Enrolment.household_id) == household_id)
        .order_by(col(Enrolment.enrolled_at).desc(), col(Enrolment.id))
    )
    follow_ups = (
        select(FollowUp)
        .where(col(FollowUp.user_id) == user_id, col(FollowUp.household_id) == household_id)
        .order_by(col(FollowUp.happened_on).desc(), col(FollowUp.recorded_at).desc())
    )
    if household_id:
        courses = courses.where(col(Enrolment.trainee_name) == name)
        follow_ups = follow_ups.where(col(FollowUp.trainee_name) == name)
    found = (await session.exec(courses)).all()
    return [(e, c, n) for e, c, n in found], (await session.exec(follow_ups)).all()
