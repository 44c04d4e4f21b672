"""The database kit: PostgreSQL settings given to a Database hold on every connection it
makes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from kit import migrations
from kit.clock import utcnow
from kit.db import Database, lock_row
from services.registry.models import Village


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


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_writers_of_a_locked_row_take_turns_and_the_second_sees_the_first(
    backend: str,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await postgres_database("locks") if backend == "postgres" else sqlite_url("locks")
    await asyncio.to_thread(migrations.upgrade, "registry", url)
    db = Database(url)
    try:
        async with db.unit_of_work() as session:
            session.add(Village(code="370102001001", updated_at=utcnow()))
        read: list[int] = []

        async def bump(pause: float) -> None:
            async with db.unit_of_work() as session:
                await lock_row(session, Village, "370102001001")
                village = await session.get(Village, "370102001001", populate_existing=True)
                assert village is not None
                read.append(village.version)
                await asyncio.sleep(pause)  # the other writer waits meanwhile
                village.version += 1
                session.add(village)

        await asyncio.gather(bump(0.2), bump(0.0))
        async with db.read_only() as session:
            final = await session.get(Village, "370102001001")
    finally:
        await db.dispose()
    assert read == [1, 2] and final is not None and final.version == 3  # no lost update
