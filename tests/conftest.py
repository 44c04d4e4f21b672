"""Fixtures every test may use: a run id that isolates this run's data, the broker, cache and
PostgreSQL URLs, and a signing key pair. Each run gets its own database names, NATS subject and
stream prefix and Redis key prefix, so runs never see each other's data."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from devstack.infra import ensure_nats, ensure_redis
from kit.tokens import ensure_keypair

POSTGRES_ADMIN_URL = os.environ.get("JZ_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
# On CI a missing PostgreSQL is a failure; on a newcomer's laptop those tests are skipped.
REQUIRE_POSTGRES = os.environ.get("JZ_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def run_id() -> str:
    return f"t{os.getpid()}{secrets.token_hex(3)}"


def _server_url(variable: str, default: str, ensure, folder: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The machine's server at $variable (or default), or the project's own when none answers
    (a newcomer's laptop); what was started here stops at the end of the run."""
    url = os.environ.get(variable, default)
    started = ensure(url, folder)
    yield url
    if started:
        started.stop()


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _server_url(
        "JZ_NATS_URL", "nats://127.0.0.1:4222", ensure_nats, tmp_path_factory.mktemp("nats")
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _server_url(
        "JZ_REDIS_URL", "redis://127.0.0.1:6379/0", ensure_redis, tmp_path_factory.mktemp("redis")
    )


@pytest.fixture(scope="session")
def bus_prefix(run_id: str) -> str:
    return f"{run_id}."


@pytest.fixture(scope="session")
def redis_prefix(run_id: str) -> str:
    return f"{run_id}:"


@pytest.fixture(scope="session")
def keypair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    private, public = folder / "jwt-signing.pem", folder / "jwt-signing.pub.pem"
    ensure_keypair(private, public)
    return private, public


@pytest.fixture(scope="session")
async def postgres_database(run_id: str) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Factory: `await postgres_database("identity")` creates a database for this run and
    returns its SQLAlchemy URL; all are dropped at the end of the run. It connects on first
    use, so SQLite-only tests never need PostgreSQL (a test that does is skipped without it,
    or fails on CI, where JZ_REQUIRE_POSTGRES=1)."""
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    admin: list[asyncpg.Connection] = []
    made: list[str] = []

    async def create(name: str) -> str:
        if not admin:
            try:
                admin.append(await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3))
            except (OSError, asyncpg.PostgresError) as exc:
                if REQUIRE_POSTGRES:
                    raise
                pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc}")
        database = f"{run_id}_{name}_{len(made)}"
        await admin[0].execute(f'CREATE DATABASE "{database}"')
        made.append(database)
        return f"{base}/{database}"

    yield create
    for database in made:
        await admin[0].execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    for connection in admin:
        await connection.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    yield lambda name: f"sqlite+aiosqlite:///{tmp_path / name}.db"
