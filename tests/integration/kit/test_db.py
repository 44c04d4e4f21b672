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


async def test_a_driver_read_survives_the_server_dropping_its_connection(
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await postgres_database("kit")
    db = Database(url, {"application_name": "jz-driver-read"})
    try:
        first = await db.fetch_row("SELECT pg_backend_pid() AS pid")
        assert first is not None
        async with db.engine.connect() as admin:  # as a server restart would
            await admin.execute(text(f"SELECT pg_terminate_backend({first['pid']})"))
        again = await db.fetch_row("SELECT current_setting('application_name') AS name")
    finally:
        await db.dispose()
    assert again is not None and again["name"] == "jz-driver-read"
