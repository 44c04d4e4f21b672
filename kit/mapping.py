"""One mapping between protobuf messages and the Python types on either side of them: REST
models in the gateway, domain rows and views in the services.

`from_message(pb.X, Target)` and `to_message(Source, pb.X)` are built once per type pair, at
import, from the message's descriptor and the other type's annotations, and compiled into one
plain function (its source is generated and exec'd), so a request pays what the hand copy it
replaces paid and nothing for reflection. The rules, by field name:

- same-named fields are copied; a list or dict field takes a repeated or map field's items;
- a nested message becomes the nested type the annotation names (a model or dataclass), and
  back, through that pair's own mapping;
- google.protobuf.Timestamp <-> an aware datetime (UTC); a `date` <-> RFC 3339 full-date text;
- an unset optional field, or "" / 0 when the annotation is `X | None`, <-> None;
- a proto enum <-> the lower-case name after the enum's prefix (REGION_LEVEL_CITY <-> "city"),
  the values a `Literal` annotation lists;
- whatever differs is an explicit override: `name=function(source) -> value` (`from_=` for a
  proto field named `from`); to a message, `given=("id",)` makes a field the function's keyword
  argument (a path parameter, what a view adds to its row), and None leaves a field unset.

A target field that has no same-named proto field, no override and no default is an error
when the mapping is built, not when a request comes."""

from __future__ import annotations

import dataclasses
import keyword
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Protocol, TypeVar, Union, get_args, get_origin

from google.protobuf.descriptor import EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from pydantic import BaseModel

M = TypeVar("M", bound=Message)
M_co = TypeVar("M_co", bound=Message, covariant=True)
S = TypeVar("S", contravariant=True)
T = TypeVar("T")

TIMESTAMP = "google.protobuf.Timestamp"


def _fields(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each field of a model or dataclass: its annotation and whether it has a default."""
    if issubclass(cls, BaseModel):
        return {n: (f.annotation, not f.is_required()) for n, f in cls.model_fields.items()}
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return {
            f.name: (
                hints[f.name],
                f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING,
            )
            for f in dataclasses.fields(cls)
        }
    raise TypeError(f"{cls.__name__} is neither a pydantic model nor a dataclass")


def _properties(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each property of a class (read like a field when a message is made), by its return type."""
    found = {}
    for name in dir(cls):
        member = getattr(cls, name, None)
        if isinstance(member, property) and member.fget is not None:
            found[name] = (typing.get_type_hints(member.fget).get("return", Any), True)
    return found


def _optional(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without `| None`, whether it had it)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)):
            return (args[0] if len(args) == 1 else Union[tuple(args)]), True  # noqa: UP007
    return annotation, False


def _structured(annotation: Any) -> bool:
    return isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)
    )


def enum_names(enum: EnumDescriptor) -> dict[int, str]:
    """Each value's number and its name without the enum's prefix, in lower case."""
    prefix = "".join(f"_{c}" if c.isupper() else c.upper() for c in enum.name).lstrip("_") + "_"
    return {v.number: v.name.removeprefix(prefix).lower() for v in enum.values}


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _map_value(field: FieldDescriptor) -> FieldDescriptor:
    assert field.message_type is not None
    return field.message_type.fields_by_name["value"]


def _proto_name(name: str) -> str:
    """The proto field an override names: `from_` for `from`, as Python cannot say `from=`."""
    stem = name.removesuffix("_")
    return stem if stem != name and keyword.iskeyword(stem) else name


def _attribute(name: str) -> str:
    """How generated code reads the field `name` of `s` (a proto field may be `from`)."""
    return f"getattr(s, {name!r})" if keyword.iskeyword(name) else f"s.{name}"


def _keyword(name: str, expression: str) -> str:
    """How generated code passes `name=expression` to a message's constructor."""
    return f"**{{{name!r}: {expression}}}" if keyword.iskeyword(name) else f"{name}={expression}"


def _compile(
    name: str, body: list[str], namespace: dict[str, Any], keywords: str = ""
) -> Callable[..., Any]:
    source = (
        f"def {name}(s, /{', *' if keywords else ''}{keywords}):\n"
        + "\n".join(f"    {line}" for line in body)
        + "\n"
    )
    exec(compile(source, f"<mapping {name}>", "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    function.__doc__ = source
    return function


def from_message(
    message: type[M], target: type[T], **overrides: Callable[[M], Any]
) -> Callable[[M], T]:
    """The function that turns a `message` into a `target` (a pydantic model or a dataclass)."""
    return _from_descriptor(message.DESCRIPTOR, target, overrides)


@cache
def _nested_from(descriptor: Any, target: type) -> Callable[[Any], Any]:
    return _from_descriptor(descriptor, target, {})


def _from_descriptor(
    descriptor: Any, target: type, overrides: dict[str, Callable[[Any], Any]]
) -> Callable[[Any], Any]:
    namespace: dict[str, Any] = {"Target": target, "UTC": UTC, "date": date}
    arguments = []
    for name, (annotation, has_default) in _fields(target).items():
        if name in overrides:
            namespace[f"o_{name}"] = overrides[name]
            arguments.append(f"{name}=o_{name}(s)")
            continue
        field = descriptor.fields_by_name.get(name)
        if field is None:
            if has_default:
                continue
            raise TypeError(f"{target.__name__}.{name}: no field {descriptor.full_name}.{name}")
        arguments.append(f"{name}={_read(field, annotation, namespace)}")
    unknown = set(overrides) - set(_fields(target))
    if unknown:
        raise TypeError(f"{target.__name__} has no field {sorted(unknown)}")
    body = ["return Target(" + ", ".join(arguments) + ")"]
    return _compile(f"{descriptor.name}_to_{target.__name__}", body, namespace)


def _sequence(annotation: Any) -> tuple[Any, str]:
    """The item type of a `list[X]` or a `tuple[X, ...]`, and the collection's name."""
    arguments = get_args(annotation)
    return arguments[0], "tuple" if get_origin(annotation) is tuple else "list"


def _read(field: FieldDescriptor, annotation: Any, namespace: dict[str, Any]) -> str:
    """The expression that reads `field` of the message `s` as `annotation`."""
    value = _attribute(field.name)
    inner, optional = _optional(annotation)
    if _is_map(field):
        item = _map_value(field)
        item_type = get_args(inner)[1]
        if item.message_type is not None and _structured(item_type):
            namespace[f"n_{field.name}"] = _nested_from(item.message_type, item_type)
            return f"{{k: n_{field.name}(v) for k, v in {value}.items()}}"
        return f"dict({value})"
    if field.is_repeated:
        item_type, collection = _sequence(inner)
        if field.message_type is not None:
            namespace[f"n_{field.name}"] = _nested_from(field.message_type, item_type)
            items = f"[n_{field.name}(v) for v in {value}]"
            return items if collection == "list" else f"{collection}({items})"
        return f"{collection}({value})"
    if field.message_type is not None:
        if field.message_type.full_name == TIMESTAMP:
            expression = f"{value}.ToDatetime(UTC)"
        else:
            namespace[f"n_{field.name}"] = _nested_from(field.message_type, inner)
            expression = f"n_{field.name}({value})"
        if optional:
            return f"({expression} if s.HasField({field.name!r}) else None)"
        return expression
    if field.enum_type is not None:
        namespace[f"e_{field.name}"] = enum_names(field.enum_type)
        expression = f"e_{field.name}[{value}]"
        return f"({expression} if {value} else None)" if optional else expression
    if inner is date:
        expression = f"date.fromisoformat({value})"
        return f"({expression} if {value} else None)" if optional else expression
    if optional:
        if field.has_presence:
            return f"({value} if s.HasField({field.name!r}) else None)"
        return f"({value} or None)"
    return value


class ToMessage(Protocol[S, M_co]):
    def __call__(self, source: S, /, **given: Any) -> M_co: ...


def to_message(
    source: type[S],
    message: type[M],
    *,
    given: tuple[str, ...] = (),
    **overrides: Callable[[S], Any],
) -> ToMessage[S, M]:
    """The function that turns a `source` (a model, a dataclass or a SQLModel row; its fields
    and properties) into a `message`; the fields named in `given` are the function's keyword arguments (a path
    parameter, what a view adds to its row). A message field the source lacks and nothing
    names stays unset."""
    named = {_proto_name(name): function for name, function in overrides.items()}
    return _to_descriptor(source, message.DESCRIPTOR, named, given)  # type: ignore[return-value]


@cache
def _nested_to(source: type, descriptor: Any) -> Callable[[Any], Any]:
    return _to_descriptor(source, descriptor, {}, ())


def _to_descriptor(
    source: type,
    descriptor: Any,
    overrides: dict[str, Callable[[Any], Any]],
    given: tuple[str, ...],
) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"Message": GetMessageClass(descriptor)}
    sources = _fields(source) | _properties(source)
    unknown = (set(overrides) | set(given)) - set(descriptor.fields_by_name)
    if unknown:
        raise TypeError(f"{descriptor.full_name} has no field {sorted(unknown)}")
    arguments = []
    for field in descriptor.fields:
        name = field.name
        if name in given:
            arguments.append(_keyword(name, name))
        elif name in overrides:
            namespace[f"o_{name}"] = overrides[name]
            arguments.append(_keyword(name, f"o_{name}(s)"))
        elif name in sources:
            arguments.append(_keyword(name, _write(field, sources[name][0], namespace)))
    body = ["return Message(" + ", ".join(arguments) + ")"]
    name = f"{source.__name__}_to_{descriptor.name}"
    return _compile(name, body, namespace, "".join(f", {n}" for n in given))


def _write(field: FieldDescriptor, annotation: Any, namespace: dict[str, Any]) -> str:
    """The expression that gives `field` its value from the attribute of `s` (None: unset)."""
    value = _attribute(field.name)
    inner, optional = _optional(annotation)
    if _is_map(field):
        item = _map_value(field)
        item_type = get_args(inner)[1]
        if item.message_type is not None and _structured(item_type):
            namespace[f"n_{field.name}"] = _nested_to(item_type, item.message_type)
            return f"{{k: n_{field.name}(v) for k, v in {value}.items()}}"
        return value
    if field.is_repeated:
        (item_type,) = get_args(inner)
        if field.message_type is not None:
            namespace[f"n_{field.name}"] = _nested_to(item_type, field.message_type)
            return f"[n_{field.name}(v) for v in {value}]"
        return value
    if field.message_type is not None and field.message_type.full_name != TIMESTAMP:
        namespace[f"n_{field.name}"] = _nested_to(inner, field.message_type)
        expression = f"n_{field.name}({value})"
        return f"(None if {value} is None else {expression})" if optional else expression
    if field.enum_type is not None and inner is not int:
        namespace[f"e_{field.name}"] = {v: k for k, v in enum_names(field.enum_type).items()}
        expression = f"e_{field.name}[{value}]"
        return f"(None if {value} is None else {expression})" if optional else expression
    if inner is date or (inner is datetime and field.message_type is None):
        expression = f"{value}.isoformat()"
        return f"(None if {value} is None else {expression})" if optional else expression
    return value
