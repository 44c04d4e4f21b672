"""Alembic per service: each service keeps its revisions in `services/<svc>/migrations/`.

`upgrade(service, url)` migrates one database to head; the env.py of every service calls
`run_env(metadata)`, so the online/offline and async plumbing is written once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from kit.db import create_engine

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Migrate `service`'s database at `url` (creating a SQLite file's folder if needed)."""
    create_engine(url)  # makes the SQLite folder; the engine itself is not used
    command.upgrade(alembic_config(service, url), revision)


def _migrate(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(metadata: MetaData) -> None:
    engine = async_engine_from_config(
        context.config.get_section(context.config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, metadata)
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
