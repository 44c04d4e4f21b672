"""Bulk work: writes by PostgreSQL `COPY` (asyncpg, in the session's own transaction) or one
SQLite `executemany` — the ORM costs 40× on bulk writes (BASELINES.md) —, updates of a batch
of rows by key in one statement, and look-ups of a batch of keys."""

from __future__ import annotations

import functools
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, any_, bindparam, insert, update
from sqlalchemy.dialects import postgresql
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_rows(
    session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]]
) -> None:
    """Append `rows` (dicts of column -> value) to `model`'s table, inside the session's
    transaction: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    table: Table = model.__table__  # type: ignore[attr-defined]
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=map(itemgetter(*columns), rows), columns=columns
        )
    else:
        await connection.execute(insert(table), rows)


async def one_of(session: AsyncSession, column: Any, values: list[Any], kind: Any) -> Any:
    """`column` is one of `values`: on PostgreSQL `= ANY(array)`, one prepared statement for
    every batch (an IN list of a thousand parameters is a new statement each time)."""
    if (await session.connection()).dialect.name == "postgresql":
        return column == any_(bindparam("values", values, type_=postgresql.ARRAY(kind)))
    return column.in_(values)


async def update_rows(
    session: AsyncSession, model: type[SQLModel], rows: list[dict[str, Any]], key: str
) -> None:
    """Rows of `model` found by `key`, each set to the other columns of its dict (every dict
    has the same columns; plain column types: they go to the driver as they are): on
    PostgreSQL one `UPDATE … FROM unnest(arrays)` — a single execution for the whole batch,
    where an executemany runs once a row — sent by asyncpg as a prepared statement (building
    and compiling it in SQLAlchemy each batch cost more than the driver's work), on SQLite an
    executemany."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    names = tuple(name for name in rows[0] if name != key)
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        arrays = [[row[name] for row in rows] for name in (key, *names)]
        await raw.driver_connection.execute(_update_from_arrays(table, key, names), *arrays)  # type: ignore[union-attr]
        return
    statement = update(table).where(table.c[key] == bindparam(f"p_{key}"))
    statement = statement.values({name: bindparam(f"p_{name}") for name in names})
    await connection.execute(statement, [{f"p_{k}": v for k, v in row.items()} for row in rows])


@functools.lru_cache(maxsize=64)
def _update_from_arrays(table: Table, key: str, names: tuple[str, ...]) -> str:
    """`UPDATE table SET name = u.name… FROM unnest($1::type[]…) AS u(key, names…) WHERE
    table.key = u.key`, for asyncpg."""
    dialect = postgresql.dialect()
    quote = dialect.identifier_preparer.quote
    columns = (key, *names)
    arrays = ", ".join(
        f"${n}::{table.c[name].type.compile(dialect=dialect)}[]"
        for n, name in enumerate(columns, start=1)
    )
    assignments = ", ".join(f"{quote(name)} = u.{quote(name)}" for name in names)
    return (
        f"UPDATE {quote(table.name)} SET {assignments} FROM unnest({arrays})"
        f" AS u({', '.join(quote(name) for name in columns)})"
        f" WHERE {quote(table.name)}.{quote(key)} = u.{quote(key)}"
    )
