"""Idempotent calls on the real databases (SQLite and PostgreSQL): a call made again with its
key answers the stored reply and writes nothing; the same key for another request is refused;
a call that fails keeps nothing; two calls with one key at once write once; replies kept past
their time are forgotten."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from grpc_health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from sqlalchemy import func
from sqlmodel import SQLModel, select

from kit.clock import utcnow
from kit.db import Database
from kit.errors import FailedPrecondition, InvalidArgument
from kit.idempotency import KEPT_FOR, IdempotentCalls, IdempotentReply, forget_expired
from kit.outbox import OutboxMessage, enqueue
from kit.principal import Principal, current_principal

METHOD = "/kittest.v1.KitService/Write"
SERVING = HealthCheckResponse(status=HealthCheckResponse.SERVING)


@pytest.fixture(params=["sqlite", "postgres"])
async def db(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Database]:
    url = (
        await postgres_database("idempotency")
        if request.param == "postgres"
        else sqlite_url("idempotency")
    )
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(
            SQLModel.metadata.create_all,
            tables=[OutboxMessage.__table__, IdempotentReply.__table__],
        )
    yield database
    await database.dispose()


@pytest.fixture(autouse=True)
def caller() -> Iterator[None]:
    reset = current_principal.set(Principal("u1", "user", "370000000000", ("helper",)))
    yield
    current_principal.reset(reset)


def writer(db: Database, before_reply: Callable[[], Awaitable[object]] | None = None):  # type: ignore[no-untyped-def]
    """A call that writes one row in each of two units of work, then answers SERVING."""

    async def call() -> HealthCheckResponse:
        for _ in range(2):
            async with db.unit_of_work() as session:
                enqueue(session, "kittest.written", b"1")
        if before_reply is not None:
            await before_reply()
        return SERVING

    return call


async def rows(db: Database) -> int:
    async with db.read_only() as session:
        return (await session.exec(select(func.count()).select_from(OutboxMessage))).one()


def serialized(reply: object) -> bytes:
    return reply if isinstance(reply, bytes) else reply.SerializeToString()  # type: ignore[attr-defined]


async def test_a_call_made_again_answers_its_stored_reply_and_writes_nothing(db: Database) -> None:
    once = IdempotentCalls(db).once
    request = HealthCheckRequest(service="a")
    first = await once(METHOD, "k1", request, writer(db))
    again = await once(METHOD, "k1", request, writer(db))

    assert serialized(again) == serialized(first) == SERVING.SerializeToString()
    assert await rows(db) == 2
    with pytest.raises(InvalidArgument) as refused:
        await once(METHOD, "k1", HealthCheckRequest(service="b"), writer(db))
    assert refused.value.reason == "IDEMPOTENCY_KEY_REUSED"
    assert await rows(db) == 2
    assert serialized(await once(METHOD, "k2", request, writer(db))) == serialized(first)
    assert await rows(db) == 4  # another key: another write


async def test_a_failed_call_keeps_nothing_and_may_be_made_again(db: Database) -> None:
    once = IdempotentCalls(db).once

    async def refuse() -> None:
        raise FailedPrecondition("not now")

    with pytest.raises(FailedPrecondition):
        await once(METHOD, "k1", HealthCheckRequest(), writer(db, refuse))
    assert await rows(db) == 0  # both units of work rolled back with the call
    await once(METHOD, "k1", HealthCheckRequest(), writer(db))
    assert await rows(db) == 2


async def test_replies_kept_past_their_time_are_forgotten_and_their_keys_free(
    db: Database,
) -> None:
    once = IdempotentCalls(db).once
    await once(METHOD, "old", HealthCheckRequest(service="a"), writer(db))
    await once(METHOD, "new", HealthCheckRequest(service="a"), writer(db))
    async with db.unit_of_work() as session:
        old = await session.get(IdempotentReply, ("u1", "old"))
        assert old is not None
        old.created_at = utcnow() - KEPT_FOR - KEPT_FOR / 24
        session.add(old)

    assert await forget_expired(db) == 1
    await once(METHOD, "old", HealthCheckRequest(service="b"), writer(db))  # free again
    assert await rows(db) == 6


@pytest.mark.postgres
async def test_two_calls_with_one_key_at_once_write_once(
    postgres_database: Callable[[str], Awaitable[str]],
) -> None:
    database = Database(await postgres_database("idempotency_race"))
    async with database.engine.begin() as connection:
        await connection.run_sync(
            SQLModel.metadata.create_all,
            tables=[OutboxMessage.__table__, IdempotentReply.__table__],
        )
    try:
        once = IdempotentCalls(database).once
        both_written = asyncio.Barrier(2)  # neither has committed when the other writes
        replies = await asyncio.gather(
            *(
                once(METHOD, "k1", HealthCheckRequest(), writer(database, both_written.wait))
                for _ in range(2)
            )
        )
        assert [serialized(r) for r in replies] == [SERVING.SerializeToString()] * 2
        assert await rows(database) == 2
    finally:
        await database.dispose()
