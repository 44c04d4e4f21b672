"""Checks of input every service makes the same way: a value from a fixed vocabulary, a required
text of bounded length. Each refuses with InvalidArgument naming the field."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from kit.errors import FieldViolation, InvalidArgument

E = TypeVar("E", bound=StrEnum)


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
