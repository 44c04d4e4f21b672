"""Every REST model follows the shared field rules: integers in request bodies and queries fit
the proto fields they are sent in, and every instant the API writes carries its offset."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import datetime

import annotated_types
from fastapi.routing import APIRoute
from pydantic import BaseModel

from gateway.app import create_app
from gateway.fields import Instant, ProtoModel, with_offset
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


def test_every_integer_a_client_sends_is_bounded_within_its_proto_field() -> None:
    unbounded = []
    for route in api_routes():
        seen: set[type[BaseModel]] = set()
        pending = [
            m for p in route.dependant.body_params for m in models_in(p.field_info.annotation)
        ]
        while pending:
            model = pending.pop()
            if model in seen:
                continue
            seen.add(model)
            for name, field in model.model_fields.items():
                for _, constraints in integer_leaves(field.annotation, list(field.metadata)):
                    low, high = bounds(constraints)
                    if low is None or high is None or low < LOW or high > HIGH:
                        unbounded.append(f"{route.path} {model.__name__}.{name}")
                pending.extend(models_in(field.annotation))
        for param in route.dependant.query_params + route.dependant.path_params:
            for _, constraints in integer_leaves(
                param.field_info.annotation, list(param.field_info.metadata)
            ):
                low, high = bounds(constraints)
                if low is None or high is None:
                    unbounded.append(f"{route.path} ?{param.name}")
    assert unbounded == []


def test_every_instant_in_a_response_is_an_instant_with_its_offset() -> None:
    bare = []
    for route in api_routes():
        for model in models_in(route.response_model):
            for name, field in model.model_fields.items():
                if field.annotation is datetime or datetime in typing.get_args(field.annotation):
                    if with_offset not in [getattr(m, "func", None) for m in field.metadata]:
                        bare.append(f"{model.__name__}.{name}")
    assert bare == []


def test_a_proto_model_takes_its_bounds_from_the_message_and_keeps_its_own() -> None:
    class Incomes(ProtoModel, proto=registry_pb2.SetIncomesRequest):
        year: int = 2024
        by_source: dict[str, int]

    assert Incomes(by_source={"wage": 2**63 - 1}).by_source["wage"] == 2**63 - 1
    schema = Incomes.model_json_schema()["properties"]
    assert schema["year"]["maximum"] == 2**31 - 1
    assert schema["by_source"]["additionalProperties"]["maximum"] == 2**63 - 1


def test_an_instant_without_an_offset_is_taken_as_utc() -> None:
    class Stamped(BaseModel):
        at: Instant

    assert (
        Stamped(at=datetime(2026, 12, 1, 23, 23)).model_dump_json()
        == '{"at":"2026-12-01T23:23:00Z"}'
    )
