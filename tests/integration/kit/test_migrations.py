"""Migrations as Kubernetes runs them: several `migrate` Jobs at once on a fresh PostgreSQL
database, and the `await-schema` init container of the pods that wait for them."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from kit.migrations import current_revision, head_of

ROOT = Path(__file__).resolve().parents[3]
COPIES = 4


async def registry_command(url: str, *args: str) -> tuple[int, str]:
    """`python -m services.registry args` on the database at `url`: its exit code and stderr."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.registry",
        *args,
        cwd=ROOT,
        env={**os.environ, "REGISTRY_DATABASE_URL": url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await child.communicate()
    return child.returncode or 0, stderr.decode(errors="replace")


async def tables_of(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_four_migrations_started_together_on_a_fresh_database_all_succeed(
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await postgres_database("migrate")
    outcomes = await asyncio.gather(*(registry_command(url, "migrate") for _ in range(COPIES)))
    failures = [stderr[-2000:] for code, stderr in outcomes if code != 0]
    assert failures == []
    assert await current_revision(url) == head_of("registry")
    assert {"households", "outbox", "alembic_version"} <= await tables_of(url)


@pytest.mark.postgres
async def test_await_schema_fails_before_the_migration_and_passes_after(
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    url = await postgres_database("await")
    code, stderr = await registry_command(url, "await-schema", "--timeout", "1")
    assert code != 0 and "not at head" in stderr
    assert (await registry_command(url, "migrate"))[0] == 0
    assert await registry_command(url, "await-schema", "--timeout", "1") == (0, "")
