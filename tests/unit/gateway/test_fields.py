"""Every REST model follows the shared field rules: integers in request bodies and queries fit
the proto fields they are sent in, request bodies take only the JSON types their schema names,
and every instant the API reads or writes carries its offset."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date, datetime

import annotated_types
import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from gateway.app import create_app
from gateway.fields import (
    REGION_CODE,
    REGION_CODE_OR_EMPTY,
    Day,
    Instant,
    ProtoModel,
    RequestModel,
    full_date,
    instant,
)
from jingzhun.registry.v1 import registry_pb2

LOW, HIGH = -(2**63), 2**63 - 1


def api_routes() -> Iterator[APIRoute]:
    for route in create_app().routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for context in contexts() if contexts else []:
            found = context.starlette_route or context.original_route
            if isinstance(found, APIRoute):
                yield found


def models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from models_in(argument)


def bounds(metadata: list[object]) -> tuple[int | None, int | None]:
    low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
    low = (
        low
        if low is not None
        else next((m.gt + 1 for m in metadata if isinstance(m, annotated_types.Gt)), None)
    )
    high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
    return low, high  # type: ignore[return-value]


def integer_leaves(annotation: object, metadata: list[object]) -> Iterator[tuple[object, list]]:
    """(int, its constraints) for each int in an annotation, nested ones included."""
    if annotation is int:
        yield annotation, metadata
        return
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        found = [m for e in extra for m in getattr(e, "metadata", [e])]
        yield from integer_leaves(inner, metadata + found)
        return
    for argument in typing.get_args(annotation):
        yield from integer_leaves(argument, metadata if argument is int else [])


def body_models(route: APIRoute) -> Iterator[type[BaseModel]]:
    """Each model a request body of `route` is made of, nested ones included."""
    seen: set[type[BaseModel]] = set()
    pending = [m for p in route.dependant.body_params for m in models_in(p.field_info.annotation)]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        yield model
        for field in model.model_fields.values():
            pending.extend(models_in(field.annotation))


def test_every_integer_a_client_sends_is_bounded_within_its_proto_field() -> None:
    unbounded = []
    for route in api_routes():
        for model in body_models(route):
            for name, field in model.model_fields.items():
                for _, constraints in integer_leaves(field.annotation, list(field.metadata)):
                    low, high = bounds(constraints)
                    if low is None or high is None or low < LOW or high > HIGH:
                        unbounded.append(f"{route.path} {model.__name__}.{name}")
        for param in route.dependant.query_params + route.dependant.path_params:
            for _, constraints in integer_leaves(
                param.field_info.annotation, list(param.field_info.metadata)
            ):
                low, high = bounds(constraints)
                if low is None or high is None:
                    unbounded.append(f"{route.path} ?{param.name}")
    assert unbounded == []


def test_every_request_body_is_strict_about_json_types() -> None:
    lax = {
        f"{route.path} {model.__name__}"
        for route in api_routes()
        for model in body_models(route)
        if not issubclass(model, RequestModel)
    }
    assert lax == set()


def test_every_instant_and_day_read_or_written_is_in_rfc_3339() -> None:
    bare = []
    for route in api_routes():
        for model in [*models_in(route.response_model), *body_models(route)]:
            for name, field in model.model_fields.items():
                kinds = {field.annotation, *typing.get_args(field.annotation)}
                readers = {getattr(m, "func", None) for m in field.metadata}
                if (datetime in kinds and instant not in readers) or (
                    date in kinds and full_date not in readers
                ):
                    bare.append(f"{model.__name__}.{name}")
        for param in route.dependant.query_params:
            kinds = {param.field_info.annotation, *typing.get_args(param.field_info.annotation)}
            readers = {getattr(m, "func", None) for m in param.field_info.metadata}
            if (datetime in kinds and instant not in readers) or (
                date in kinds and full_date not in readers
            ):
                bare.append(f"{route.path} ?{param.name}")  # a query instant must be an Instant
    assert bare == []


class Body(RequestModel):
    count: int
    flag: bool
    name: str
    share: float
    at: Instant
    day: Day


GOOD = {
    "count": 1,
    "flag": True,
    "name": "x",
    "share": 1,
    "at": "2026-12-01T08:00:00+08:00",
    "day": "2026-12-01",
}


@pytest.mark.parametrize(
    "field, value",
    [
        ("count", "1"),
        ("count", True),
        ("flag", 1),
        ("flag", "true"),
        ("name", 1),
        ("share", "0.5"),
        ("at", "2026-12-01T08:00:00"),  # no offset: which instant?
        ("at", "2026-12-01"),
        ("at", 1764576000),
        ("at", "2026-12-01 08:00:00Z"),
        ("day", "2026-12-01T00:00:00Z"),
        ("day", 20261201),
    ],
)
def test_a_request_body_refuses_a_value_of_another_json_type(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Body.model_validate({**GOOD, field: value})


def test_a_request_body_reads_rfc_3339_instants_with_any_offset() -> None:
    utc = Body.model_validate({**GOOD, "at": "2026-12-01T00:00:00.5Z"}).at
    east = Body.model_validate(GOOD).at
    assert utc.isoformat() == "2026-12-01T00:00:00.500000+00:00"
    assert east.utcoffset() is not None and east.isoformat() == "2026-12-01T08:00:00+08:00"
    assert Body.model_validate({**GOOD, "at": "2026-12-01t00:00:00z"}).at == utc.replace(
        microsecond=0
    )
    assert Body.model_validate(GOOD).day == date(2026, 12, 1)


def test_a_proto_model_takes_its_bounds_from_the_message_and_keeps_its_own() -> None:
    class Incomes(ProtoModel, proto=registry_pb2.SetIncomesRequest):
        year: int = 2024
        by_source: dict[str, int]

    assert Incomes(by_source={"wage": 2**53 - 1}).by_source["wage"] == 2**53 - 1
    schema = Incomes.model_json_schema()["properties"]
    assert schema["year"]["maximum"] == 2**31 - 1
    # A 64-bit field takes the integers a JSON number carries exactly (I-JSON).
    assert schema["by_source"]["additionalProperties"]["maximum"] == 2**53 - 1
    with pytest.raises(ValidationError):
        Incomes(by_source={"wage": 2**53})


def test_a_whole_number_written_with_a_fraction_is_the_integer() -> None:
    """JSON Schema's `integer` admits 2.0; a fraction that is not zero is refused."""
    assert Body.model_validate({**GOOD, "count": 2.0}).count == 2
    with pytest.raises(ValidationError):
        Body.model_validate({**GOOD, "count": 2.5})


def test_an_instant_without_an_offset_is_taken_as_utc() -> None:
    class Stamped(BaseModel):
        at: Instant

    assert (
        Stamped(at=datetime(2026, 12, 1, 23, 23)).model_dump_json()
        == '{"at":"2026-12-01T23:23:00Z"}'
    )


def request_schemas(document: dict) -> Iterator[tuple[str, dict]]:
    """(name, schema) of each parameter and each property of a request body, through `$ref`s."""
    schemas = document["components"]["schemas"]
    pending: list[tuple[str, object]] = []
    for operation in (op for item in document["paths"].values() for op in item.values()):
        pending += [(p["name"], p["schema"]) for p in operation.get("parameters", [])]
        for content in operation.get("requestBody", {}).get("content", {}).values():
            pending.append(("", content["schema"]))
    seen: set[str] = set()
    while pending:
        name, schema = pending.pop()
        if isinstance(schema, list):
            pending += [(name, item) for item in schema]
        if not isinstance(schema, dict):
            continue
        yield name, schema
        ref = schema.get("$ref", "")
        if ref and ref not in seen:
            seen.add(ref)
            pending.append((name, schemas[ref.rsplit("/", 1)[1]]))
        for key, value in schema.items():
            if key == "properties":
                pending += list(value.items())
            elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
                pending.append((name, value))


def test_every_division_code_a_client_sends_is_checked_by_the_one_pattern() -> None:
    codes = [
        (name, schema)
        for name, schema in request_schemas(create_app().openapi())
        if name.endswith(("code", "codes")) and schema.get("type") == "string"
    ]
    other = {n for n, s in codes if s.get("pattern") not in (REGION_CODE, REGION_CODE_OR_EMPTY)}
    assert len(codes) > 10 and other == set()
