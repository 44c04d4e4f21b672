"""Registry's pure rules besides the lifecycle: vocabulary checks, member relations, and the
field-by-field difference that the history records."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from kit.checks import parse
from kit.errors import FieldViolation, InvalidArgument

E = TypeVar("E", bound=StrEnum)
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")


def parse_all(values: Iterable[str], vocabulary: type[E], field: str) -> list[E]:
    return sorted({parse(value, vocabulary, field) for value in values})


def check_relation(relation: str, field: str) -> str:
    if relation not in RELATIONS:
        raise InvalidArgument(
            f"{field} must be one of: {', '.join(RELATIONS)}",
            reason="INVALID_VALUE",
            violations=[FieldViolation(field, f"one of {', '.join(RELATIONS)}")],
        )
    return relation


def check_members(relations: list[str]) -> None:
    """A household has exactly one head."""
    if relations.count("head") != 1:
        raise InvalidArgument(
            "a household needs exactly one member whose relation is head",
            reason="ONE_HEAD_REQUIRED",
            violations=[FieldViolation("members", "exactly one head")],
        )


def check_location(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidArgument("latitude and longitude go together", reason="INVALID_LOCATION")
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise InvalidArgument("the location is not on Earth", reason="INVALID_LOCATION")


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field whose value differs."""
    return [
        (field, before.get(field), value)
        for field, value in after.items()
        if before.get(field) != value
    ]
