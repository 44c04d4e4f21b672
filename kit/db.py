"""Async database access: one engine per service, and the unit of work that commits once.

Use-cases open `async with db.unit_of_work() as session:`; repositories take that session and
never commit; inside `db.one_transaction()` (an idempotent call: kit/idempotency.py) every unit
of work shares one transaction, committed at its end. SQLite (the embedded default) gets WAL, foreign keys and a busy timeout;
PostgreSQL is used by URL (`postgresql+asyncpg://...`). `lock_for_transaction` makes work
that checks, then writes (a bootstrap run by several pods at once) take its turn.

The hottest reads of PostgreSQL skip SQLAlchemy: `Database.fetch_row` runs one read-only
statement on a plain asyncpg pool — no transaction, no pre-ping, no reset statement, so one
round trip where the engine makes four (BEGIN, ping, the query, ROLLBACK).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, and_, event, func, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.sql import Executable
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.driver_sql import for_driver
from kit.scope import Scope
from kit.territory import subtree_range


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str, server_settings: dict[str, str] | None = None) -> AsyncEngine:
    """`server_settings`: PostgreSQL settings for every connection of the engine."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"server_settings": server_settings} if server_settings else {},
    )


# How asyncpg reports a connection the server closed, depending on when it notices.
DROPPED_CONNECTION = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Nothing to reset between reads: `fetch_row`'s statements set no session state, and an
    open transaction is rolled back by the pool itself."""


# The session of `Database.one_transaction` while it runs: what every unit of work inside uses.
_held: ContextVar[tuple[Database, AsyncSession] | None] = ContextVar("held_session", default=None)


class Database:
    def __init__(self, url: str, server_settings: dict[str, str] | None = None) -> None:
        self.url = url
        self.is_postgres = not is_sqlite(url)
        self.engine = create_engine(url, server_settings)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._after_commit: list[Callable[[dict], None]] = []
        self._server_settings = server_settings
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()

    async def fetch_row(self, query: str, *args: Any) -> asyncpg.Record | None:
        """One read-only statement's first row (PostgreSQL only), on a pool of plain asyncpg
        connections. A read that meets a connection the server dropped (a restart) is asked
        once more, on a new one: what the engine's pre-ping does, at no cost to other reads."""
        pool = self._pool or await self._open_pool()
        try:
            return await pool.fetchrow(query, *args)
        except DROPPED_CONNECTION:
            return await pool.fetchrow(query, *args)

    async def fetch_rows(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """One read-only statement's rows, as `fetch_row` runs it."""
        pool = self._pool or await self._open_pool()
        try:
            return await pool.fetch(query, *args)
        except DROPPED_CONNECTION:
            return await pool.fetch(query, *args)

    async def read_rows(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """A read-only Core statement's rows: on PostgreSQL one statement on the plain pool
        (no session, no BEGIN/ROLLBACK, no ping), compiled once per shape
        (`kit.driver_sql`); on SQLite, in process, through a read-only session."""
        if not self.is_postgres:
            async with self.read_only() as session:
                connection = await session.connection()
                return (await connection.execute(statement, dict(params or {}))).all()
        query, arguments = for_driver(statement, params)
        return await self.fetch_rows(query, *arguments)

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._pool_lock:
            if self._pool is None:
                dsn = make_url(self.url).set(drivername="postgresql")
                self._pool = await asyncpg.create_pool(
                    dsn.render_as_string(hide_password=False),
                    min_size=1,
                    max_size=10,
                    server_settings=self._server_settings,
                    reset=_keep_session,
                )
            return self._pool

    def on_commit(self, callback: Callable[[dict], None]) -> None:
        """Run `callback(session.info)` after every successful unit of work; what the work
        noted in `session.info` (e.g. "an event was enqueued") tells it whether to act."""
        self._after_commit.append(callback)

    def _held_session(self) -> AsyncSession | None:
        held = _held.get()
        return held[1] if held is not None and held[0] is self else None

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Commits at the end; inside `one_transaction`, flushes only (it commits)."""
        held = self._held_session()
        if held is not None:
            yield held
            await held.flush()
            return
        async with self._transaction(hold=False) as session:
            yield session

    def one_transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One transaction for everything inside: the units of work and reads of this database
        in it share its session (an idempotent call stores its reply with its writes)."""
        return self._transaction(hold=True)

    @asynccontextmanager
    async def _transaction(self, *, hold: bool) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            reset = _held.set((self, session)) if hold else None
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                if reset is not None:
                    _held.reset(reset)
            info = dict(session.info)
        for callback in self._after_commit:
            callback(info)

    @asynccontextmanager
    async def read_only(self) -> AsyncIterator[AsyncSession]:
        held = self._held_session()
        if held is not None:
            yield held
            return
        async with self._sessions() as session:
            yield session

    async def dispose(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        await self.engine.dispose()


def advisory_key(name: str) -> int:
    """A PostgreSQL advisory lock's key for `name`: a signed 64-bit integer, the same in every
    process (Python's own `hash` is salted per process)."""
    digest = hashlib.sha256(f"jingzhun:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock_for_transaction(session: AsyncSession, name: str) -> None:
    """Wait until no other transaction holds `name`, and hold it until this one ends. On
    PostgreSQL, an advisory lock; SQLite needs none here: its file is the local runner's, whose
    steps run one after the other (and a second writer is refused, never interleaved)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.exec(select(func.pg_advisory_xact_lock(advisory_key(name))))


async def lock_row(session: AsyncSession, model: Any, key: Any) -> None:
    """Wait until no other transaction is writing the row of `model` with primary key `key`,
    and hold it until this one ends, so that what this transaction reads next is the other's
    outcome (no lost update). On PostgreSQL, SELECT … FOR UPDATE of the row; on SQLite (one
    writer at a time) a no-op UPDATE of it, which takes the database's write lock (waiting out
    the busy timeout) — call it before any read of the transaction, whose snapshot then starts
    after the other writer's commit."""
    table = model.__table__
    (primary,) = table.primary_key.columns
    if session.get_bind().dialect.name == "postgresql":
        await session.exec(select(primary).where(primary == key).with_for_update())
    else:
        await session.exec(update(table).where(primary == key).values({primary.name: primary}))


def in_subtree(column: Any, region_code: str) -> ColumnElement[bool]:
    """`column` (a division code) lies in the subtree of `region_code`: a range predicate,
    which keeps a btree index usable in prepared statements (BASELINES.md), unlike LIKE."""
    low, high = subtree_range(region_code)
    return and_(column >= low, column <= high)


def in_scope(scope: Scope, village: Any, household: Any, paired: Any = None) -> ColumnElement[bool]:
    """Rows of the caller's scope: `village` (a division code) in its territory and, for a
    caller who sees only their pairings, `household` among `paired` — the registry passes a
    subquery of its pairing table; the other services the ids it answered (`scope.households`)."""
    condition = in_subtree(village, scope.region_code)
    if scope.is_paired_only:
        wanted = sorted(scope.households) if paired is None else paired
        condition = and_(condition, household.in_(wanted))
    return condition
