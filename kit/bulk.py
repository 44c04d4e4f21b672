"""Bulk work: writes by PostgreSQL `COPY` (asyncpg, in the session's own transaction) or one
SQLite `executemany` — the ORM costs 40× on bulk writes (BASELINES.md) —, and look-ups of a
batch of keys."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import Table, any_, bindparam, insert
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
