"""SQLAlchemy Core statements as asyncpg takes them, compiled once per shape.

The hottest reads skip the ORM session (its pool pre-ping, BEGIN, ROLLBACK and result
machinery: BASELINES.md, give the hottest reads a lean query path) and run on the plain
asyncpg pool of `kit.db.Database`. They are still written as Core statements — the ORM's own
conditions, scopes and orders — and compiled here for the driver: SQL with $n placeholders,
cached per statement shape under SQLAlchemy's own cache key, the values bound per call. Their
rows become `row_type`s: the table's columns as plain attributes, without the ORM's state."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import SQLModel

M = TypeVar("M", bound=SQLModel)

_DRIVER = PGDialect_asyncpg()
# The statement's SQL per shape, as SQLAlchemy's own statement cache keeps it: the values are
# the cache key's parameters.
_compiled: dict[tuple, SQLCompiler] = {}


def for_driver(
    statement: Executable, params: Mapping[str, Any] | None = None
) -> tuple[str, list[Any]]:
    """The statement as asyncpg takes it: SQL with $n placeholders, and their values (those
    in the statement, and `params` for its named bind parameters)."""
    key = statement._generate_cache_key()  # type: ignore[attr-defined]
    assert key is not None  # our own statements are all cacheable
    compiled = _compiled.get(key.key)
    if compiled is None:
        compiled = cast(SQLCompiler, statement.compile(dialect=_DRIVER, cache_key=key))  # type: ignore[attr-defined]
        # An expanding IN (a list of values) is rendered per call, never cached: none here.
        assert not compiled.post_compile_params, "no IN (list) in a lean read"
        _compiled[key.key] = compiled
    values = compiled.construct_params(
        params=dict(params) if params else None, extracted_parameters=key.bindparams
    )
    return compiled.string, [values[name] for name in compiled.positiontup or ()]


def row_type(model: type[M]) -> Callable[..., M]:
    """What a lean read makes of `model`'s rows: a slotted class with the table's columns as
    attributes, in the table's order (built positionally from a `ROW(...)` of those columns, or
    by name), without SQLAlchemy's instance state. 0.7 µs a 29-column row against ~17 µs for
    `model_construct`, which sets up that state; read like the model (kit.mapping and the
    services read attributes), never added to a session or changed."""
    columns = [column.name for column in model.__table__.columns]  # type: ignore[attr-defined]
    fields = [(name, model.model_fields[name].annotation) for name in columns]
    record = dataclasses.make_dataclass(f"{model.__name__}Row", fields, slots=True)
    record.__module__ = model.__module__
    return cast(Callable[..., M], record)
