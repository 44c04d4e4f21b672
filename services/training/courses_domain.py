"""Pure rules of training courses: the vocabularies, the county's screening of an institution,
who may enrol on a course (their region under one of the course's regions), a rating and when a
followed-up outcome happened."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument
from kit.territory import is_valid_code, is_within


class InstitutionStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"


class CourseCategory(StrEnum):
    PLANTING_BREEDING = "planting_breeding"
    E_COMMERCE = "e_commerce"
    VOCATIONAL_SKILLS = "vocational_skills"
    MANAGEMENT = "management"
    OTHER = "other"


class CourseMode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class FollowUpKind(StrEnum):
    EMPLOYMENT = "employment"
    BUSINESS_STARTED = "business_started"
    INCOME_CHANGE = "income_change"
    OTHER = "other"


TRAINEE_ROLES = ("leader_candidate", "info_officer")
HOUSEHOLD_MEMBER = "household_member"
MAX_CAPACITY = 10_000


def invalid(field: str, message: str, reason: str) -> InvalidArgument:
    return InvalidArgument(message, reason=reason, violations=[FieldViolation(field, message)])


def screened(status: str, approve: bool) -> InstitutionStatus:
    """The institution's status after the county's decision (only an application is decided)."""
    if status != InstitutionStatus.APPLIED:
        raise FailedPrecondition(
            f"the institution is {status} already", reason="INSTITUTION_ALREADY_SCREENED"
        )
    return InstitutionStatus.APPROVED if approve else InstitutionStatus.REJECTED


def course_regions(codes: list[str], county_code: str) -> list[str]:
    """The regions whose people may enrol: each a valid code within the institution's county."""
    found = sorted({code.strip() for code in codes})
    if not found or len(found) > 200:
        raise invalid("region_codes", "1 to 200 regions", "REGIONS_REQUIRED")
    for code in found:
        if not is_valid_code(code) or not is_within(code, county_code):
            raise invalid(
                "region_codes", f"{code} is not within the county {county_code}", "REGION_OUTSIDE"
            )
    return found


def schedule(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    if ends_at <= starts_at:
        raise invalid("ends_at", "the course must end after it starts", "SCHEDULE_INVALID")
    return starts_at, ends_at


def is_eligible(region_code: str, course_regions: list[str]) -> bool:
    return any(is_within(region_code, allowed) for allowed in course_regions)


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise invalid("date", "a date YYYY-MM-DD", "DATE_INVALID") from exc


def session_date(value: str, starts_at: datetime, ends_at: datetime) -> str:
    """A session's date (YYYY-MM-DD) within the course's schedule."""
    day = iso_date(value)
    if not starts_at.date() <= day <= ends_at.date():
        raise invalid("date", "a day of the course's schedule", "DATE_OUTSIDE_COURSE")
    return day.isoformat()


def outcome_date(value: str, today: date) -> str:
    """When a followed-up outcome happened (YYYY-MM-DD): not in the future."""
    day = iso_date(value)
    if day > today:
        raise invalid("date", "an outcome cannot lie in the future", "DATE_IN_FUTURE")
    return day.isoformat()
