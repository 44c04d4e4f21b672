"""Training's pure rules: the vocabularies, the level a region is at, checks of free text and
numbers, and times read back from the database."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from kit.errors import FieldViolation, InvalidArgument
from kit.territory import Level, level_of

E = TypeVar("E", bound=StrEnum)


class LeaderType(StrEnum):
    PLANTING = "planting"
    BREEDING = "breeding"
    PROCESSING = "processing"
    ECOMMERCE = "ecommerce"
    COOPERATIVE = "cooperative"
    TOURISM = "tourism"
    OTHER = "other"


class LeadingWay(StrEnum):
    """How a leader lifts a household (带动方式)."""

    EMPLOYMENT = "employment"
    COOPERATIVE = "cooperative"
    LAND_LEASE = "land_lease"
    TECHNIQUE = "technique"
    PURCHASE = "purchase"
    OTHER = "other"


LEVEL_NAMES = {
    Level.PROVINCE: "province",
    Level.CITY: "city",
    Level.COUNTY: "county",
    Level.TOWN: "town",
    Level.VILLAGE: "village",
}


def level_name(region_code: str) -> str:
    return LEVEL_NAMES[level_of(region_code)]


def parse(value: str, vocabulary: type[E], field: str) -> E:
    try:
        return vocabulary(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in vocabulary)
        raise InvalidArgument(
            f"{field} must be one of: {allowed}",
            reason="INVALID_VALUE",
            violations=[FieldViolation(field, f"one of {allowed}")],
        ) from exc


def required_text(value: str, field: str, limit: int = 2000) -> str:
    text = value.strip()
    if not text or len(text) > limit:
        raise InvalidArgument(
            f"{field} is required (at most {limit} characters)",
            reason=f"{field.upper()}_REQUIRED",
            violations=[FieldViolation(field, f"1 to {limit} characters")],
        )
    return text


def within_range(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidArgument(
            f"{field} must be between {low} and {high}",
            reason="OUT_OF_RANGE",
            violations=[FieldViolation(field, f"{low} to {high}")],
        )
    return value


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite hands it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
