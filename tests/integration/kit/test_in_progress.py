"""A consumer's message is held by a crashed worker for one short ack wait, never for the
length of its work; a live worker keeps it however long the work takes. Real worker processes
(tests/integration/kit/slow_worker.py) against the real NATS JetStream."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nats.js.api import AckPolicy, ConsumerConfig
from sqlmodel import SQLModel

from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer
from kit.outbox import InboxMessage
from tests.integration.kit.slow_worker import DURABLE, STREAM, SUBJECT

ACK_WAIT = 2.0
LONG_WORK = 3 * ACK_WAIT
STARTUP = 15.0  # a bound on a worker process's start, not an expectation


@pytest.fixture
async def bus(nats_url: str, bus_prefix: str, request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    connected = await Bus.connect(nats_url, f"{bus_prefix}{request.node.name}.", name="kit-tests")
    await connected.ensure_stream(STREAM, [f"{STREAM}.>"])
    yield connected
    await connected.delete_stream(STREAM)
    await connected.close()


class Workers:
    """Worker processes sharing one durable consumer and one journal of what they did."""

    def __init__(self, nats_url: str, bus: Bus, folder: Path) -> None:
        self.db_url = f"sqlite+aiosqlite:///{folder / 'inbox.db'}"
        self.args = [nats_url, bus.prefix, self.db_url]
        self.journal = folder / "journal"
        self.journal.touch()
        self.processes: list[subprocess.Popen] = []

    def start(self, work: float) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.kit.slow_worker", *self.args,
             str(self.journal), "--ack-wait", str(ACK_WAIT), "--work", str(work)]
        )  # fmt: skip
        self.processes.append(process)
        return process

    def lines(self) -> list[str]:
        return self.journal.read_text().splitlines()

    async def until(self, line: str, within: float) -> None:
        """Return once the journal has `line` (a worker's `<pid> <what>`), within `within` s."""
        started = time.monotonic()
        while line not in self.lines():
            assert time.monotonic() - started < within, f"no {line!r} in {self.lines()}"
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
async def workers(nats_url: str, bus: Bus, tmp_path: Path) -> AsyncIterator[Workers]:
    started = Workers(nats_url, bus, tmp_path)
    # The inbox table, made once here: two workers starting together would race to create it.
    database = Database(started.db_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all, tables=[InboxMessage.__table__])
    await database.dispose()
    yield started
    started.stop()


async def test_a_killed_workers_message_goes_to_another_within_seconds(
    bus: Bus, workers: Workers
) -> None:
    first = workers.start(work=300)
    await workers.until(f"{first.pid} ready", STARTUP)
    await bus.publish(SUBJECT, b"r1", msg_id="r1")
    await workers.until(f"{first.pid} started r1", 10)
    first.kill()  # SIGKILL mid-work: no ack, no nak
    first.wait()
    killed_at = time.monotonic()
    second = workers.start(work=0)
    await workers.until(f"{second.pid} done r1", STARTUP + ACK_WAIT)
    assert time.monotonic() - killed_at < STARTUP + ACK_WAIT


async def test_a_live_worker_keeps_its_message_however_long_the_work_takes(
    bus: Bus, workers: Workers
) -> None:
    both = [workers.start(work=LONG_WORK), workers.start(work=LONG_WORK)]
    for process in both:
        await workers.until(f"{process.pid} ready", STARTUP)
    await bus.publish(SUBJECT, b"r2", msg_id="r2")
    handled_by = None
    while handled_by is None:
        handled_by = next((w.pid for w in both if f"{w.pid} done r2" in workers.lines()), None)
        await asyncio.sleep(0.05)
    assert [line for line in workers.lines() if "started r2" in line] == [
        f"{handled_by} started r2"
    ]
    info = await bus.js.consumer_info(bus.stream_name(STREAM), DURABLE)
    assert info.num_redelivered == 0


async def test_a_consumer_made_by_an_earlier_release_takes_the_new_ack_wait(bus: Bus) -> None:
    stream = bus.stream_name(STREAM)
    await bus.js.add_consumer(
        stream,
        config=ConsumerConfig(
            durable_name=DURABLE,
            filter_subject=bus.subject(SUBJECT),
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=600,
            max_deliver=10,
        ),
    )
    consumer = Consumer(
        bus, None, stream=STREAM, durable=DURABLE, filter_subject=SUBJECT,  # type: ignore[arg-type]
        handler=None, ack_wait=ACK_WAIT,  # type: ignore[arg-type]
    )  # fmt: skip
    assert await consumer.poll_once(wait_seconds=0.2) == 0
    info = await bus.js.consumer_info(stream, DURABLE)
    assert info.config.ack_wait == ACK_WAIT


def test_notifications_requests_are_held_by_a_crashed_worker_for_seconds_only() -> None:
    from services.notification.app import consumers

    handlers = SimpleNamespace(on_user_created=None, on_requested=None)
    waits = {c.durable: c.ack_wait for c in consumers(None, None, handlers)}  # type: ignore[arg-type]
    assert waits["notification-requests"] <= 30
