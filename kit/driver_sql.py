"""SQLAlchemy Core statements as asyncpg takes them, compiled once per shape.

The hottest reads skip the ORM session (its pool pre-ping, BEGIN, ROLLBACK and result
machinery: BASELINES.md, give the hottest reads a lean query path) and run on the plain
asyncpg pool of `kit.db.Database`. They are still written as Core statements — the ORM's own
conditions, scopes and orders — and compiled here for the driver: SQL with $n placeholders,
cached per statement shape under SQLAlchemy's own cache key, the values bound per call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

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
