"""Alembic per service: each service keeps its revisions in `services/<svc>/migrations/`.

`upgrade(service, url)` migrates one database to head, and may run in several processes at once
(a Job's replicas, a retried Job beside the first try): on PostgreSQL each takes an advisory
lock keyed by the service's name, so one migrates and the others, once it is done, find the
database at head. `wait_for_head` is what an init container waits with. The env.py of every
service calls `run_env(metadata)`, so the online/offline and async plumbing is written once.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, async_engine_from_config, create_async_engine

from kit.db import advisory_key, create_engine

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
SERVICE_OPTION = "jingzhun_service"  # names the lock in env.py, where only the config is known


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option(SERVICE_OPTION, service)
    return config


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Migrate `service`'s database at `url` (creating a SQLite file's folder if needed)."""
    create_engine(url)  # makes the SQLite folder; the engine itself is not used
    command.upgrade(alembic_config(service, url), revision)


def head_of(service: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(service, "")).get_current_head()


async def current_revision(url: str) -> str | None:
    """The revision the database at `url` is at; None before the first migration."""
    # A database that does not answer is asked again at the next look, not waited for.
    engine = create_async_engine(url, poolclass=pool.NullPool, connect_args={"timeout": 5})
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


async def wait_for_head(service: str, url: str, seconds: float, interval: float = 1.0) -> None:
    """Return once `service`'s database is at head, looking every `interval` seconds (an
    unreachable database is looked at again, like one not yet migrated); TimeoutError with what
    was last seen after `seconds`."""
    head, seen = head_of(service), "nothing yet"
    deadline = time.monotonic() + seconds
    while True:
        try:
            revision = await current_revision(url)
        except Exception as error:  # not up yet, or not created yet: keep waiting
            seen = f"database unreachable ({type(error).__name__}: {error})"
        else:
            if revision == head:
                return
            seen = f"at revision {revision or 'none (not migrated)'}"
        if time.monotonic() + interval > deadline:
            raise TimeoutError(
                f"{service}'s database is not at head {head} after {seconds:g} s: {seen}"
            )
        await asyncio.sleep(interval)


def _migrate(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _exclusive_migrate(connection: AsyncConnection, metadata: MetaData) -> None:
    """Migrate holding the service's advisory lock on PostgreSQL. Alembic reads the database's
    revision only once it holds the lock, so a process that waited finds the work done.
    SQLite takes no lock: its database is one process's local file (the local runner and the
    tests migrate once, before any service starts); several replicas need a server database."""
    if connection.dialect.name != "postgresql":
        await connection.run_sync(_migrate, metadata)
        return
    key = advisory_key(f"migrate:{context.config.get_main_option(SERVICE_OPTION)}")
    await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
    await connection.commit()  # the lock is the session's: it outlives this transaction
    try:
        await connection.run_sync(_migrate, metadata)
    finally:
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        await connection.commit()


async def _run_online(metadata: MetaData) -> None:
    engine = async_engine_from_config(
        context.config.get_section(context.config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with engine.connect() as connection:
        await _exclusive_migrate(connection, metadata)
    await engine.dispose()


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    if context.is_offline_mode():
        context.configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Alembic is synchronous: callers inside an event loop run `upgrade` in a thread.
    asyncio.run(_run_online(metadata))
