"""Enrolments under load on PostgreSQL: however many enrol at once, a course of capacity N ends
with exactly N enrolled and the rest waiting in one unbroken line, and cancellations racing new
enrolments never leave a seat free while someone waits. Whoever moves up is texted, and so is
the institution's account holder when the county decides its application (on SQLite too)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kit.principal import Principal
from services.training.courses_service import NewCourse
from services.training.institutions_service import NewInstitution
from services.training.models import Enrolment
from tests.integration.training.conftest import (
    COUNTY,
    COUNTY_ADMIN,
    START,
    VILLAGE,
    Training,
    cadre,
)

INSTITUTION = cadre("inst-1", COUNTY, "training_institution")
ON_POSTGRES = pytest.mark.parametrize("service", ["postgres"], indirect=True)


def trainee(serial: int) -> Principal:
    return signed_in(f"trainee-{serial}")


def signed_in(user_id: str) -> Principal:
    return cadre(user_id, VILLAGE, "leader_candidate")


async def published_course(service: Training, capacity: int) -> str:
    """A course of the approved institution, open to the village."""
    courses = service.courses
    applied = await courses.institutions.apply(
        INSTITUTION, NewInstitution("县农广校", COUNTY, "0531-1234567", "")
    )
    await courses.institutions.screen(
        COUNTY_ADMIN, applied.institution.id, True, "资质齐全，同意", 0
    )
    new = NewCourse(
        title="设施蔬菜种植技术",
        category="planting_breeding",
        mode="offline",
        starts_at=START + timedelta(days=1),
        ends_at=START + timedelta(days=3),
        capacity=capacity,
        region_codes=(VILLAGE,),
    )
    return (await courses.courses.publish(INSTITUTION, new)).course.id


async def enrol_all(service: Training, course_id: str, serials: range) -> list[str]:
    """Everyone enrols at the same moment; their enrolments' ids."""
    views = await asyncio.gather(
        *(service.courses.enrolments.enrol(trainee(s), course_id, "", "") for s in serials)
    )
    return [v.enrolment.id for v in views]


async def roster(service: Training, course_id: str) -> tuple[list[Enrolment], list[int], int]:
    """(the enrolled, the waiting line's positions in order, the course's count of seats
    taken)."""
    views = await service.courses.enrolments.list_enrolments(INSTITUTION, course_id, None, 500)
    enrolled = [v.enrolment for v in views if v.enrolment.status == "enrolled"]
    line = sorted(v.waiting_position for v in views if v.enrolment.status == "waiting")
    course = (await service.courses.courses.get(INSTITUTION, course_id)).course
    return enrolled, line, course.enrolled


@ON_POSTGRES
async def test_many_enrolling_at_once_fill_exactly_the_capacity_and_the_rest_wait_in_line(
    service: Training,
) -> None:
    course_id = await published_course(service, capacity=5)
    await enrol_all(service, course_id, range(30))
    enrolled, line, seats = await roster(service, course_id)
    assert (len(enrolled), seats) == (5, 5)
    assert line == list(range(1, 26))  # everyone else in one line, nobody sharing a place


@ON_POSTGRES
async def test_cancellations_racing_new_enrolments_leave_no_seat_free_while_someone_waits(
    service: Training,
) -> None:
    course_id = await published_course(service, capacity=5)
    await enrol_all(service, course_id, range(5))
    for round_ in range(1, 6):
        seated, _, _ = await roster(service, course_id)
        newcomers = range(round_ * 10, round_ * 10 + 6)
        await asyncio.gather(
            *(service.courses.enrolments.act(signed_in(e.user_id), e.id, "cancel") for e in seated),
            *(service.courses.enrolments.enrol(trainee(s), course_id, "", "") for s in newcomers),
        )
        enrolled, line, seats = await roster(service, course_id)
        assert len(enrolled) == seats == 5, f"round {round_}: {seats} seats, {len(line)} waiting"
        assert line == list(range(1, len(line) + 1))


async def test_whoever_moves_up_from_the_waiting_list_and_a_screened_institution_are_texted(
    service: Training,
) -> None:
    course_id = await published_course(service, capacity=1)
    (seated,) = await enrol_all(service, course_id, range(1))
    await enrol_all(service, course_id, range(1, 2))  # waits
    await service.courses.enrolments.act(trainee(0), seated, "cancel")
    texts = await service.texts_requested()
    screening, moved_up = texts
    assert (screening.template, list(screening.user_ids)) == (
        "training_institution_screened",
        [INSTITUTION.subject],
    )
    assert screening.variables["reason"] == "资质齐全，同意"
    assert (moved_up.template, list(moved_up.user_ids)) == (
        "training_seat_granted",
        [trainee(1).subject],
    )
    assert moved_up.variables["course"] == "设施蔬菜种植技术"
