"""Training's records follow a division change (identity.division.changed, handled as its
consumer does, in one unit of work): a trainee's enrolment and the regions a course is open to
move to the new codes, on SQLite and PostgreSQL; codes outside the moved subtree stay."""

from __future__ import annotations

from jingzhun.identity.v1 import events_pb2 as identity_events
from services.training.division_changes import on_division_changed
from services.training.models import Course, Enrolment
from tests.integration.training.conftest import COUNTY, NEIGHBOUR, VILLAGE, Training
from tests.integration.training.test_enrolments import published_course, trainee

OLD_TOWN, NEW_TOWN = "370102001", "370102009"  # VILLAGE's town moves; NEIGHBOUR's does not
NEW_VILLAGE = NEW_TOWN + VILLAGE[9:]


async def test_a_recoded_town_takes_its_enrolments_and_courses_regions_along(
    service: Training,
) -> None:
    course_id = await published_course(service, capacity=5)
    enrolment = await service.courses.enrolments.enrol(trainee(1), course_id, "", "")
    db = service.components.db
    async with db.unit_of_work() as session:
        course = await session.get(Course, course_id)
        assert course is not None
        course.region_codes = [*course.region_codes, NEIGHBOUR]
        session.add(course)
    change = identity_events.DivisionChanged(
        change_id="dc-1",
        kind="recode",
        mappings=[identity_events.CodeMapping(old_prefix=OLD_TOWN, new_prefix=NEW_TOWN)],
    )
    async with db.unit_of_work() as session:
        await on_division_changed(
            session, "identity.division.changed", change.SerializeToString(), {}
        )

    async with db.read_only() as session:
        course = await session.get(Course, course_id)
        moved = await session.get(Enrolment, enrolment.enrolment.id)
    assert course is not None and moved is not None
    assert sorted(course.region_codes) == sorted([NEW_VILLAGE, NEIGHBOUR])
    assert course.county_code == COUNTY  # the county itself did not move
    assert moved.region_code == NEW_VILLAGE
