"""Pure rules of courses: who may enrol, the regions a course may name, screening once,
session dates within the schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kit.errors import FailedPrecondition, InvalidArgument
from services.training.courses_domain import (
    InstitutionStatus,
    course_regions,
    is_eligible,
    screened,
    session_date,
)

COUNTY, TOWN, VILLAGE = "370323000000", "370323001000", "370323001001"
STARTS, ENDS = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)


def test_people_of_a_region_under_a_course_region_may_enrol_and_others_may_not() -> None:
    assert is_eligible(VILLAGE, [TOWN])
    assert not is_eligible("370323002001", [TOWN])
    assert not is_eligible(TOWN, [VILLAGE])


def test_a_course_names_only_regions_of_its_institution_county() -> None:
    assert course_regions([VILLAGE, TOWN, VILLAGE], COUNTY) == [TOWN, VILLAGE]
    for bad in ([], ["370322001007"], ["37032300100"]):
        with pytest.raises(InvalidArgument):
            course_regions(bad, COUNTY)


def test_an_institution_is_screened_once() -> None:
    assert screened("applied", True) is InstitutionStatus.APPROVED
    assert screened("applied", False) is InstitutionStatus.REJECTED
    with pytest.raises(FailedPrecondition):
        screened("rejected", True)


def test_attendance_is_for_a_day_of_the_course() -> None:
    assert session_date("2026-03-02", STARTS, ENDS) == "2026-03-02"
    for bad in ("2026-03-04", "yesterday"):
        with pytest.raises(InvalidArgument):
            session_date(bad, STARTS, ENDS)
