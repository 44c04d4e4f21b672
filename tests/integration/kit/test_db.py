"""The database kit: PostgreSQL settings given to a Database hold on every connection it
makes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import text

from kit.db import Database


async def test_server_settings_hold_on_each_connection(
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    db = Database(await postgres_database("kit"), {"plan_cache_mode": "force_custom_plan"})
    try:
        async with db.engine.connect() as first, db.engine.connect() as second:
            shown = [
                (await connection.execute(text("SHOW plan_cache_mode"))).scalar_one()
                for connection in (first, second)
            ]
    finally:
        await db.dispose()
    assert shown == ["force_custom_plan", "force_custom_plan"]
