"""Use-cases of courses: an approved institution publishes a course (category, schedule,
capacity, mode, the regions of its county whose people may enrol); an institution sees only its
own courses, officers and trainees those of their county or territory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.checks import parse, required_text
from kit.errors import FailedPrecondition, NotFound
from kit.principal import Principal
from kit.territory import Level, is_within, level_of
from services.training import courses_repository as repo
from services.training.candidates_service import scope_of
from services.training.components import Components
from services.training.courses_domain import (
    MAX_CAPACITY,
    CourseCategory,
    CourseMode,
    InstitutionStatus,
    course_regions,
    schedule,
)
from services.training.domain import within_range
from services.training.events import region_at
from services.training.institutions_service import NO_RATING, is_institution
from services.training.models import Course, Institution


@dataclass(frozen=True)
class NewCourse:
    title: str
    category: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    region_codes: tuple[str, ...]


@dataclass(frozen=True)
class CourseView:
    course: Course
    institution_name: str
    waiting: int = 0
    rating: tuple[float, int] = NO_RATING


def not_found() -> NotFound:
    return NotFound("course not found", reason="COURSE_NOT_FOUND")


async def own_institution(session: AsyncSession, caller: Principal) -> Institution:
    found = await repo.institution_of_owner(session, caller.subject)
    if found is None:
        raise FailedPrecondition("register your institution first", reason="NO_INSTITUTION")
    return found


async def visible_course(session: AsyncSession, caller: Principal, course_id: str) -> Course:
    """The course if the caller may see it (an institution: its own; others: their county's
    or their territory's); else not found."""
    course = await session.get(Course, course_id)
    if course is None:
        raise not_found()
    if is_institution(caller):
        institution = await repo.institution_of_owner(session, caller.subject)
        if institution is None or course.institution_id != institution.id:
            raise not_found()
    elif not (
        is_within(course.county_code, caller.region_code)
        or is_within(caller.region_code, course.county_code)
    ):
        raise not_found()
    return course


class CoursesService:
    def __init__(self, components: Components) -> None:
        self.c = components

    async def publish(self, caller: Principal, new: NewCourse) -> CourseView:
        async with self.c.db.unit_of_work() as session:
            institution = await own_institution(session, caller)
            if institution.status != InstitutionStatus.APPROVED:
                raise FailedPrecondition(
                    "only an approved institution publishes courses",
                    reason="INSTITUTION_NOT_APPROVED",
                )
            starts_at, ends_at = schedule(new.starts_at, new.ends_at)
            course = Course(
                id=uuid.uuid4().hex,
                institution_id=institution.id,
                county_code=institution.county_code,
                title=required_text(new.title, "title", 200),
                category=parse(new.category, CourseCategory, "category"),
                mode=parse(new.mode, CourseMode, "mode"),
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=within_range(new.capacity, "capacity", 1, MAX_CAPACITY),
                region_codes=course_regions(list(new.region_codes), institution.county_code),
                created_at=self.c.clock(),
            )
            session.add(course)
            return CourseView(course, institution.name)

    async def get(self, caller: Principal, course_id: str) -> CourseView:
        async with self.c.db.read_only() as session:
            course = await visible_course(session, caller, course_id)
            return (await self.views(session, [course]))[0]

    async def list_courses(
        self, caller: Principal, region_code: str, after_id: str | None, limit: int
    ) -> list[CourseView]:
        async with self.c.db.read_only() as session:
            institution_id, counties, scope = None, None, None
            if is_institution(caller):
                institution_id = (await own_institution(session, caller)).id
            elif level_of(caller.region_code) > Level.COUNTY and not region_code:
                counties = [region_at(caller.region_code, Level.COUNTY)]
            else:
                scope = scope_of(caller, region_code)
            found = await repo.list_courses(
                session,
                institution_id=institution_id,
                county_codes=counties,
                region_code=scope,
                after_id=after_id,
                limit=limit,
            )
            return await self.views(session, list(found))

    async def views(self, session: AsyncSession, found: list[Course]) -> list[CourseView]:
        ids = [c.id for c in found]
        waiting = await repo.waiting_counts(session, ids)
        ratings = await repo.course_ratings(session, ids)
        names = await repo.institution_names(session, {c.institution_id for c in found})
        return [
            CourseView(
                c,
                names.get(c.institution_id, ""),
                waiting.get(c.id, 0),
                ratings.get(c.id, NO_RATING),
            )
            for c in found
        ]
