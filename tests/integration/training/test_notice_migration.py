"""Upgrading training to the one public notice mechanism (migration 0005): a candidate in
notice keeps its notice, its period, its open objection (the contact still encrypted) and its
status; a candidate never noticed gets no notice; and the downgrade gives it all back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from kit import migrations
from kit.db import Database

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CANDIDATE = (
    "INSERT INTO leader_candidates (id, user_id, nominated_by, name, id_number_cipher,"
    " id_number_index, id_number_masked, phone_masked, village_code, village_name, leader_type,"
    " project, scale, years_in_business, skills, annual_revenue_yuan, status, notice_starts_at,"
    " notice_ends_at, open_objections, version, created_at, updated_at) VALUES (:id, '', 'u1',"
    " :name, :cipher, :index, '370102********0011', '', '370102001001', '某村', 'breeding',"
    " '养牛', '300头', 8, '[]', 0, :status, :starts, :ends, :open, 3, :at, :at)"
)


@pytest.fixture(params=["sqlite", "postgres"])
async def url(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> str:
    if request.param == "postgres":
        return await postgres_database("training")
    return sqlite_url("training")


async def test_notices_and_objections_move_onto_the_shared_tables_and_back(url: str) -> None:
    await asyncio.to_thread(migrations.upgrade, "training", url, "0004")
    db = Database(url)
    async with db.engine.begin() as connection:
        for id, status, starts, open_objections in (
            ("c1", "in_notice", AT, 1),
            ("c2", "registered", None, 0),
        ):
            await connection.execute(
                text(CANDIDATE),
                {
                    "id": id,
                    "name": "王" + id,
                    "cipher": b"x",
                    "index": id.encode(),
                    "status": status,
                    "starts": starts,
                    "ends": starts + timedelta(days=7) if starts else None,
                    "open": open_objections,
                    "at": AT,
                },
            )
        await connection.execute(
            text(
                "INSERT INTO leader_candidate_steps (candidate_id, seq, action, status, actor_id,"
                " note, at) VALUES ('c1', 3, 'notice_published', 'in_notice', 'town-1', '', :at)"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                "INSERT INTO leader_objections (id, candidate_id, text, contact_cipher,"
                " contact_masked, status, upheld, resolution, resolved_by, lodged_at)"
                " VALUES ('o1', 'c1', '拖欠工资', :cipher, '137****1111', 'open', false, '', '',"
                " :at)"
            ),
            {"cipher": b"sealed", "at": AT},
        )
    await db.dispose()
    await asyncio.to_thread(migrations.upgrade, "training", url)
    db = Database(url)
    async with db.engine.connect() as connection:
        notices = (
            await connection.execute(
                text(
                    "SELECT id, kind, subject_id, title, state, open_objections, published_by,"
                    " fields FROM public_notices"
                )
            )
        ).all()
        objection = (
            await connection.execute(
                text("SELECT notice_id, contact_cipher, status FROM public_notice_objections")
            )
        ).one()
    await db.dispose()
    ((id, kind, subject, title, state, open_objections, published_by, fields),) = notices
    assert (id, kind, subject, title, state) == ("c1", "leader_candidate", "c1", "王c1", "running")
    assert (open_objections, published_by) == (1, "town-1")
    shown = json.loads(fields) if isinstance(fields, str) else fields  # SQLite: the JSON text
    assert shown == {
        "leader_type": "breeding",
        "project": "养牛",
        "scale": "300头",
        "years_in_business": 8,
    }
    assert tuple(objection) == ("c1", b"sealed", "open")

    config = migrations.alembic_config("training", url)
    await asyncio.to_thread(command.downgrade, config, "0004")
    db = Database(url)
    async with db.engine.connect() as connection:
        back = (
            await connection.execute(
                text("SELECT open_objections FROM leader_candidates ORDER BY id")
            )
        ).all()
        objections = (
            await connection.execute(text("SELECT candidate_id FROM leader_objections"))
        ).all()
    await db.dispose()
    assert [n for (n,) in back] == [1, 0]
    assert [c for (c,) in objections] == ["c1"]
