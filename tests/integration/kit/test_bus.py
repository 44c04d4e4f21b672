"""The outbox, the relay and idempotent consumers against the real NATS JetStream, on SQLite
and PostgreSQL: committed events arrive exactly once, rolled-back ones never."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from opentelemetry import trace
from prometheus_client import REGISTRY
from sqlmodel import SQLModel, col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer
from kit.outbox import InboxMessage, OutboxMessage, OutboxRelay, enqueue
from kit.telemetry import configure_tracing

SERVICE = "kittest"


@pytest.fixture(params=["sqlite", "postgres"])
async def db(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
) -> AsyncIterator[Database]:
    url = await postgres_database("bus") if request.param == "postgres" else sqlite_url("bus")
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(
            SQLModel.metadata.create_all, tables=[OutboxMessage.__table__, InboxMessage.__table__]
        )
    yield database
    await database.dispose()


@pytest.fixture
async def bus(nats_url: str, bus_prefix: str, request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    prefix = f"{bus_prefix}{request.node.name.replace('[', '_').replace(']', '')}."
    connected = await Bus.connect(nats_url, prefix, name="kit-tests")
    await connected.ensure_service_stream(SERVICE)
    yield connected
    await connected.delete_stream(SERVICE)
    await connected.close()


class Recorder:
    """A consumer's handler that remembers what it saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bytes, dict[str, str]]] = []

    async def __call__(
        self, session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        self.seen.append((subject, payload, headers))


def consumer(bus: Bus, db: Database, recorder: Recorder) -> Consumer:
    return Consumer(
        bus,
        db,
        stream=SERVICE,
        durable="recorder",
        filter_subject=f"{SERVICE}.>",
        handler=recorder,
        ack_wait=2,
    )


async def drain(consumer: Consumer) -> None:
    while await consumer.poll_once(wait_seconds=0.5):
        pass


async def test_a_committed_event_arrives_once_even_when_the_relay_publishes_it_twice(
    db: Database, bus: Bus
) -> None:
    async with db.unit_of_work() as session:
        enqueue(session, f"{SERVICE}.thing.created", b"one")
    relay = OutboxRelay(db, bus)
    assert await relay.relay_once() == 1
    async with db.unit_of_work() as session:  # as if the relay crashed before marking the row
        await session.exec(update(OutboxMessage).values(published_at=None))  # type: ignore[call-overload]
    assert await relay.relay_once() == 1
    recorder = Recorder()
    await drain(consumer(bus, db, recorder))
    assert [(s, p) for s, p, _ in recorder.seen] == [(f"{SERVICE}.thing.created", b"one")]


async def test_a_message_redelivered_after_a_lost_ack_is_handled_once(
    db: Database, bus: Bus
) -> None:
    await bus.publish(f"{SERVICE}.thing.updated", b"two", msg_id="m-2")
    recorder = Recorder()
    reader = consumer(bus, db, recorder)
    subscription = await reader._subscribe()
    (message,) = await subscription.fetch(1, timeout=2)
    await reader.process(message)  # handled and committed, then the ack is lost
    await asyncio.sleep(reader.ack_wait + 0.5)
    assert await reader.poll_once(wait_seconds=2) == 1  # the broker delivers it again
    assert len(recorder.seen) == 1
    async with db.read_only() as session:
        assert (await session.exec(select(InboxMessage))).one().id == "m-2"


async def test_the_outbox_backlog_gauge_counts_the_rows_not_yet_published(
    db: Database, bus: Bus
) -> None:
    async with db.unit_of_work() as session:
        for n in range(3):
            enqueue(session, f"{SERVICE}.thing.created", f"{n}".encode())
    relay = OutboxRelay(db, bus, batch=2)
    labels = {"service": "kit-tests"}
    await relay.sample_pending()
    assert REGISTRY.get_sample_value("jz_outbox_pending", labels) == 3
    await relay.relay_once()
    await relay.sample_pending()
    assert REGISTRY.get_sample_value("jz_outbox_pending", labels) == 1


async def test_the_consumer_gauge_counts_what_the_consumer_has_yet_to_handle(
    db: Database, bus: Bus
) -> None:
    reader = consumer(bus, db, Recorder())
    await reader._subscribe()
    for n in range(4):
        await bus.publish(f"{SERVICE}.thing.updated", b"x", msg_id=f"pending-{n}")
    labels = {"stream": bus.stream_name(SERVICE), "consumer": "recorder"}
    await reader.sample_pending()
    assert REGISTRY.get_sample_value("jz_consumer_pending", labels) == 4
    await drain(reader)
    await reader.sample_pending()
    assert REGISTRY.get_sample_value("jz_consumer_pending", labels) == 0


async def test_a_rolled_back_unit_of_work_publishes_nothing(db: Database, bus: Bus) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as session:
            enqueue(session, f"{SERVICE}.thing.created", b"never")
            raise RuntimeError("the use-case failed")
    assert await OutboxRelay(db, bus).relay_once() == 0


async def test_the_trace_of_the_writer_continues_in_the_consumer(db: Database, bus: Bus) -> None:
    configure_tracing("kit-tests")
    with trace.get_tracer(__name__).start_as_current_span("write") as span:
        async with db.unit_of_work() as session:
            enqueue(session, f"{SERVICE}.thing.created", b"traced")
        trace_id = format(span.get_span_context().trace_id, "032x")
    await OutboxRelay(db, bus).relay_once()
    recorder = Recorder()
    await drain(consumer(bus, db, recorder))
    ((_, _, headers),) = recorder.seen
    assert trace_id in headers["traceparent"]


async def test_the_relay_runs_by_itself_after_a_commit(db: Database, bus: Bus) -> None:
    relay = OutboxRelay(db, bus, poll_interval=30)  # only the commit can wake it in time
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.2)
        async with db.unit_of_work() as session:
            enqueue(session, f"{SERVICE}.thing.created", b"woken")
        for _ in range(50):
            async with db.read_only() as session:
                pending = (
                    await session.exec(
                        select(OutboxMessage).where(col(OutboxMessage.published_at).is_(None))
                    )
                ).all()
            if not pending:
                break
            await asyncio.sleep(0.1)
        assert not pending
    finally:
        task.cancel()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_nats(port: int, store: Path) -> subprocess.Popen:
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    return subprocess.Popen(
        [binary, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
        else:
            writer.close()
            return
    raise TimeoutError(f"nothing listens on {port}")


async def test_events_written_while_the_broker_is_down_go_out_when_it_returns(
    db: Database, tmp_path: Path, bus_prefix: str
) -> None:
    port = free_port()
    server = start_nats(port, tmp_path / "js")
    await wait_for_port(port)
    bus = await Bus.connect(f"nats://127.0.0.1:{port}", bus_prefix)
    await bus.ensure_service_stream(SERVICE)
    server.terminate()
    server.wait()
    async with db.unit_of_work() as session:
        enqueue(session, f"{SERVICE}.thing.created", b"kept")
    relay = OutboxRelay(db, bus)
    with pytest.raises(Exception):  # noqa: B017  (whatever the client raises while disconnected)
        await relay.relay_once()
    server = start_nats(port, tmp_path / "js")
    try:
        await wait_for_port(port)
        for _ in range(100):  # the client reconnects by itself
            try:
                if await relay.relay_once() == 1:
                    break
            except Exception:
                await asyncio.sleep(0.1)
        recorder = Recorder()
        await drain(consumer(bus, db, recorder))
        assert [p for _, p, _ in recorder.seen] == [b"kept"]
    finally:
        await bus.close()
        server.terminate()
        server.wait()
