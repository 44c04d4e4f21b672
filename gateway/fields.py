"""Field types the REST models share, so one rule holds everywhere: every instant carries its
offset (RFC 3339 `date-time`), every request field takes exactly the JSON type the OpenAPI
document names, and every integer fits the proto field it is sent in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from kit.territory import CODE_PATTERN

# Every division code a client sends is checked by this one pattern (kit.territory's rule),
# so the OpenAPI document tells exactly which codes exist in form: `000000000000` is a 422.
REGION_CODE = f"^{CODE_PATTERN}$"
REGION_CODE_OR_EMPTY = f"^(?:{CODE_PATTERN})?$"

# RFC 3339 `date-time` (section 5.6; `t` and `z` may be lower case): the offset is required.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def instant(value: object) -> datetime:
    """An instant the gateway was given: a datetime of its own (from a protobuf Timestamp, UTC
    when naive), or text in RFC 3339 with its offset. A number or a local time is refused: it
    names no instant, or not the one the client meant."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        raise ValueError("an RFC 3339 date-time with its offset, e.g. 2026-12-01T08:00:00+08:00")
    text = value.upper()
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)


def full_date(value: object) -> date:
    """A calendar day: a date of the gateway's own, or text in RFC 3339 `full-date`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not FULL_DATE.fullmatch(value):
        raise ValueError("an RFC 3339 full-date, e.g. 2026-12-01")
    return date.fromisoformat(value)


Instant = Annotated[datetime, BeforeValidator(instant)]
Day = Annotated[date, BeforeValidator(full_date)]


class RequestModel(BaseModel):
    """A request body: each field takes only the JSON type the OpenAPI document names, so
    `"1"` or `true` for an integer and `1` for a string are 422s, as a client reading the
    schema expects (pydantic's lax mode would coerce them). Instants and days are text by
    JSON's nature, read by `Instant` and `Day`."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def whole_numbers_are_integers(cls, data: Any) -> Any:
        return whole_numbers(data)


def whole_numbers(value: Any) -> Any:
    """`value` (parsed JSON) with each number without a fraction as an integer: JSON Schema's
    `integer` admits 2.0. A float field takes the integer as it is; any other field, strict,
    still refuses it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


# The integers JSON carries exactly (RFC 7493, I-JSON, section 2.2): most clients read a JSON
# number as a double, so a larger one is not the integer its sender wrote.
JSON_SAFE = 2**53 - 1

# The range of each protobuf integer kind, by the C++ type its descriptor reports; a 64-bit
# field takes the integers JSON carries exactly.
INTEGER_RANGES: dict[int, tuple[int, int]] = {
    FieldDescriptor.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.CPPTYPE_INT64: (-JSON_SAFE, JSON_SAFE),
    FieldDescriptor.CPPTYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.CPPTYPE_UINT64: (0, JSON_SAFE),
}


def proto_range(message: type[Message], name: str) -> tuple[int, int]:
    """The integers the field `name` of `message` (a map's values, a list's items) can hold."""
    field = message.DESCRIPTOR.fields_by_name[name]
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        field = field.message_type.fields_by_name["value"]
    if field.cpp_type not in INTEGER_RANGES:
        raise TypeError(f"{message.__name__}.{name} is not an integer field")
    return INTEGER_RANGES[field.cpp_type]


def bounded(annotation: Any, low: int, high: int) -> Any:
    """`annotation` with every `int` in it (alone, optional, in a list or a dict's values)
    limited to [low, high]; the field's own tighter limits still apply on top."""
    if annotation is int:
        return Annotated[int, Field(ge=low, le=high)]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return Union[tuple(bounded(arg, low, high) for arg in args)]  # noqa: UP007
    if origin is list:
        return list[bounded(args[0], low, high)]  # type: ignore[misc]
    if origin is dict:
        return dict[args[0], bounded(args[1], low, high)]  # type: ignore[misc, valid-type]
    return annotation


def has_integer(annotation: Any) -> bool:
    return annotation is int or any(has_integer(arg) for arg in get_args(annotation))


class ProtoModel(RequestModel):
    """A request body sent as the proto message named in `class X(ProtoModel, proto=pb.Y)`:
    each integer field is limited to the range of the same-named field of that message, so an
    integer protobuf cannot hold is a 422 and never a 500. An integer field the message lacks
    is an error when the class is made."""

    def __init_subclass__(cls, proto: type[Message] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)  # `proto` is for the hook below, once fields exist

    @classmethod
    def __pydantic_init_subclass__(cls, proto: type[Message] | None = None, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if proto is None:
            return
        for name, field in cls.model_fields.items():
            if has_integer(field.annotation):
                field.annotation = bounded(field.annotation, *proto_range(proto, name))
        cls.model_rebuild(force=True)
