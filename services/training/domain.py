"""Training's pure rules: the vocabularies, checks of free text and numbers, and times read
back from the database."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from kit.errors import FieldViolation, InvalidArgument

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


def within_range(value: int, field: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidArgument(
            f"{field} must be between {low} and {high}",
            reason="OUT_OF_RANGE",
            violations=[FieldViolation(field, f"{low} to {high}")],
        )
    return value
