"""Upgrading a notification database that is in use: messages being sent or waiting keep
their place in the queue, and the parts already submitted keep counting towards the day's cap
and their receipt's deadline; a message waiting when concatenation references came in draws
one when next claimed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from kit import migrations
from kit.db import Database

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
COLUMNS = (
    "id, source_id, user_id, phone_cipher, phone_index, phone_masked, region_code, template,"
    " text, template_params, urgent, status, attempts, next_attempt_at, provider_ids, error,"
    " reply_reference, trace_headers, created_at, updated_at, submitted_at"
)


def _message(id: str, status: str, next_attempt_at: datetime | None) -> dict:
    submitted = AT if status == "submitted" else None
    return {
        "id": id,
        "index": id.encode().ljust(16, b"-"),
        "status": status,
        "next": next_attempt_at,
        "submitted": submitted,
        "at": AT,
        "ids": "p-" + id if submitted else "",
    }


@pytest.fixture(params=["sqlite", "postgres"])
async def url(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> str:
    if request.param == "postgres":
        return await postgres_database("notification")
    return sqlite_url("notification")


async def test_waiting_messages_join_the_queue_and_parts_learn_their_number(url: str) -> None:
    await asyncio.to_thread(migrations.upgrade, "notification", url, "0002")
    db = Database(url)
    rows = [
        _message("queued", "queued", AT),
        _message("sending", "sending", AT),
        _message("held", "held", AT),
        _message("submitted", "submitted", None),
    ]
    async with db.engine.begin() as connection:
        for row in rows:
            await connection.execute(
                text(
                    f"INSERT INTO messages ({COLUMNS}) VALUES (:id, 'task:1', :id, :index,"
                    " :index, '139****0000', '370102001001', 'notice', 'hi', '{}', false,"
                    " :status, 1, :next, :ids, '', '', '{}', :at, :at, :submitted)"
                ),
                row,
            )
        await connection.execute(
            text(
                "INSERT INTO message_parts (provider_id, message_id, parts, state)"
                " VALUES ('p-submitted', 'submitted', 1, '')"
            )
        )
    await db.dispose()
    await asyncio.to_thread(migrations.upgrade, "notification", url)
    db = Database(url)
    async with db.engine.connect() as connection:
        queue = (await connection.execute(text("SELECT message_id FROM message_queue"))).all()
        statuses = (await connection.execute(text("SELECT id, status FROM messages"))).all()
        part = (
            await connection.execute(text("SELECT phone_index, submitted_at FROM message_parts"))
        ).one()
    await db.dispose()
    assert sorted(m for (m,) in queue) == ["held", "queued", "sending"]
    assert dict(statuses)["sending"] == "queued"
    assert part[0] == b"submitted-------"
    assert part[1] is not None


async def test_a_waiting_message_keeps_its_place_and_has_no_reference_nor_accepted_part(
    url: str,
) -> None:
    await asyncio.to_thread(migrations.upgrade, "notification", url, "0003")
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO message_queue (message_id, urgent, due_at)"
                " VALUES ('waiting', false, :at)"
            ),
            {"at": AT},
        )
    await db.dispose()
    await asyncio.to_thread(migrations.upgrade, "notification", url)
    db = Database(url)
    async with db.engine.begin() as connection:
        queued = (
            await connection.execute(
                text("SELECT message_id, reference, accepted FROM message_queue")
            )
        ).one()
        await connection.execute(
            text("INSERT INTO concatenation_counters (phone_index, last) VALUES (:p, 1)"),
            {"p": b"0123456789abcdef"},
        )
    await db.dispose()
    assert tuple(queued) == ("waiting", None, "")
    config = migrations.alembic_config("notification", url)
    await asyncio.to_thread(command.downgrade, config, "0003")  # and back, keeping the queue
    db = Database(url)
    async with db.engine.connect() as connection:
        kept = (await connection.execute(text("SELECT message_id FROM message_queue"))).all()
    await db.dispose()
    assert kept == [("waiting",)]
