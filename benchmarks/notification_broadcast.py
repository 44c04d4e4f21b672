"""A notice to every helper of the province, 200,000 of them, through the notification service
beside a bare SMPP client, both talking SMPP 3.4 to the SMSC simulator run as a separate process
(receipts a second after each submit, as a carrier's come; none failing):

1. the service, in this process on PostgreSQL (a database of this run's own): the broadcast
   use-case, its `notification.requested` event relayed through the outbox and NATS to the
   service's consumer, which writes one message per recipient (phone encrypted, blind index) —
   the recipients are supplied in identity's pages of 2,000 by a stub of its ListContacts —;
   then the real dispatcher (claims, phone decryption, SmppProvider, status of every message
   and of its part recorded) until every message is submitted, and until every receipt is
   recorded (all delivered);
2. the baseline: the same SmppProvider (same link, window of 10, no rate limit) pushed the same
   texts to the same numbers by plain asyncio tasks, nothing recorded, receipts only counted.

Quiet hours are off and the rate unlimited: what is measured is the software, not a carrier's
contract. Tracing is configured as in the service (every span recorded). Size:
JZ_BENCH_RECIPIENTS (default 200,000)."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from benchmarks.harness import postgres_database, postgres_server_pid
from benchmarks.load import cpu_seconds, tree_cpu_seconds
from devstack.infra import ensure_nats
from devstack.processes import Supervisor, base_environment, free_port
from jingzhun.identity.v1 import identity_pb2 as identity_pb
from kit import migrations
from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer
from kit.outbox import OutboxRelay
from kit.principal import Principal
from kit.telemetry import configure_tracing
from services.notification import repository as repo
from services.notification.app import build_components, consumers, timing
from services.notification.broadcasts_service import BroadcastsService, NewBroadcast
from services.notification.components import Components
from services.notification.directory import PAGE, Audience, Directory
from services.notification.dispatcher import Dispatcher
from services.notification.domain import DELIVERED
from services.notification.events import NOTIFICATION_REQUESTED, EventHandlers
from services.notification.models import MessagePart, QueuedMessage
from services.notification.queue_service import QueueService
from services.notification.receipts import Receipts
from services.notification.replies import Replies
from services.notification.settings import NotificationSettings
from services.notification.sms.provider import OutgoingSms, Receipt, Reply
from services.notification.sms.smpp import SmppConfig, SmppProvider
from services.notification.sms.text import sign

NATS_URL = "nats://127.0.0.1:4222"
PROVINCE = "370000000000"
VILLAGE = "370102001001"
NOTICE = "请各位帮扶干部于本周五前完成所包农户的入户走访，核实两不愁三保障情况。"
BARE_TASKS = 40  # plenty to keep the window of outstanding submits full
POLL = 1.0
UNANSWERED = col(MessagePart.state) == ""  # a part whose receipt is still to come
ADMIN = Principal(subject="bench", kind="user", region_code=PROVINCE, roles=("admin",))


@dataclass(frozen=True)
class Lap:
    seconds: float
    cpu: dict[str, float]  # CPU-seconds by process: this one, the simulator, PostgreSQL


class Stopwatch:
    """Wall time and the CPU of the processes taking part since it was started."""

    def __init__(self, meters: dict[str, Callable[[], float]]) -> None:
        self.meters = meters
        self.started, self.cpu = time.perf_counter(), self._read()

    def _read(self) -> dict[str, float]:
        return {name: meter() for name, meter in self.meters.items()}

    def lap(self) -> Lap:
        now = self._read()
        spent = {name: now[name] - self.cpu[name] for name in now}
        return Lap(time.perf_counter() - self.started, spent)


class SuppliedDirectory(Directory):
    """Identity's ListContacts, stubbed: every helper of the province from a list."""

    def __init__(self, phones: list[str]) -> None:
        self.phones = phones

    async def contacts(self, audience: Audience) -> AsyncIterator[list[identity_pb.Contact]]:
        for start in range(0, len(self.phones), PAGE):
            yield [
                identity_pb.Contact(user_id=f"u{start + n}", mobile=phone, region_code=VILLAGE)
                for n, phone in enumerate(self.phones[start : start + PAGE])
            ]

    async def check_region(self, caller: Principal, region_code: str) -> None:
        return None


def run() -> list[dict]:
    recipients = int(os.environ.get("JZ_BENCH_RECIPIENTS", "200000"))
    nats = ensure_nats(NATS_URL, Path(tempfile.mkdtemp()) / "nats")
    with tempfile.TemporaryDirectory() as folder, postgres_database("notification") as url:
        migrations.upgrade("notification", url)
        supervisor, port = Supervisor(Path(folder)), free_port()
        simulator = supervisor.spawn(
            "smsc-simulator",
            "services.notification.sms.simulator",
            base_environment({"JZ_LOG_LEVEL": "WARNING"}),
            *("--port", str(port), "--receipt-delay", "1", "--failing-suffix", ""),
        )
        try:
            supervisor.wait_port(simulator, port)
            settings = NotificationSettings(
                database_url=url, quiet_hours="", smpp_port=port, smpp_rate=1e9
            )
            pids = {"simulator": simulator.process.pid, "postgres": postgres_server_pid()}
            return asyncio.run(measure(settings, recipients, pids))
        finally:
            supervisor.stop_all()
            if nats:
                nats.stop()


async def measure(
    settings: NotificationSettings, recipients: int, pids: dict[str, int]
) -> list[dict]:
    configure_tracing("notification")
    meters = {
        "benchmark": time.process_time,
        "simulator": lambda: cpu_seconds([pids["simulator"]]),
        "postgres": lambda: tree_cpu_seconds(pids["postgres"]),
    }
    phones = [f"139{n:08d}" for n in range(recipients)]
    bare = await push_bare(SmppConfig.from_settings(settings), phones, meters, settings.signature)
    queued, submitted, settled = await through_service(settings, phones, meters)
    return report(recipients, bare, queued, submitted, settled)


async def push_bare(
    config: SmppConfig, phones: list[str], meters: dict[str, Callable[[], float]], signature: str
) -> tuple[Lap, Lap]:
    """The baseline: (all submitted, all receipts in)."""
    received, all_in = [0], asyncio.Event()

    async def on_receipt(receipt: Receipt) -> None:
        received[0] += 1
        if received[0] == len(phones):
            all_in.set()

    async def on_reply(reply: Reply) -> None:
        return None

    provider = SmppProvider(config)
    await provider.start(on_receipt, on_reply)
    text = sign(NOTICE, signature)
    messages = (OutgoingSms(f"bare{n}", phone, text) for n, phone in enumerate(phones))

    async def push() -> None:
        for sms in messages:
            await provider.submit(sms)

    try:
        watch = Stopwatch(meters)
        await asyncio.gather(*(push() for _ in range(BARE_TASKS)))
        submitted = watch.lap()
        await all_in.wait()
        return submitted, watch.lap()
    finally:
        await provider.close()


async def through_service(
    settings: NotificationSettings, phones: list[str], meters: dict[str, Callable[[], float]]
) -> tuple[Lap, Lap, Lap]:
    """The service: (all queued, all submitted, all receipts recorded)."""
    components = build_components(settings)
    directory = SuppliedDirectory(phones)
    queue = QueueService(components, directory)
    broadcasts = BroadcastsService(components, queue, directory, lambda: frozenset({"helper"}))
    bus = await Bus.connect(NATS_URL, f"bench{secrets.token_hex(3)}.", name="bench")
    await bus.ensure_service_stream("notification")
    (requests,) = [
        c
        for c in consumers(bus, components.db, EventHandlers(queue))
        if c.filter_subject == NOTIFICATION_REQUESTED
    ]
    receipts = Receipts(components)
    provider = SmppProvider(SmppConfig.from_settings(settings))
    await provider.start(receipts.on_receipt, Replies(components, queue).on_reply)
    dispatcher = Dispatcher(components, provider, receipts, timing(settings))
    try:
        watch = Stopwatch(meters)
        notice = await broadcasts.create(ADMIN, NewBroadcast("helper", PROVINCE, text=NOTICE))
        await relay_and_consume(components.db, bus, requests)
        queued = watch.lap()
        watch = Stopwatch(meters)
        sending = asyncio.create_task(dispatcher.run())
        await until_none(components, select(col(QueuedMessage.message_id)))
        submitted = watch.lap()
        await until_none(components, select(col(MessagePart.provider_id)).where(UNANSWERED))
        settled = watch.lap()
        sending.cancel()
        async with components.db.read_only() as session:
            final = await repo.status_counts(session, notice.broadcast.id)
        assert final == {DELIVERED: len(phones)}, final
        return queued, submitted, settled
    finally:
        await provider.close()
        await bus.delete_stream("notification")
        await bus.close()
        await components.db.dispose()


async def relay_and_consume(db: Database, bus: Bus, requests: Consumer) -> None:
    """What the outbox relay and the consumer do in the service: the request published, then
    its recipients' messages queued in one unit of work."""
    await OutboxRelay(db, bus).relay_once()
    while not await requests.poll_once(wait_seconds=5):
        pass


async def until_none(components: Components, statement: SelectOfScalar[str]) -> None:
    """Until `statement` finds no row (an index probe, as the queries here are: polling must
    not weigh on the server it measures). This run's broadcast is the only one."""
    statement = statement.limit(1)
    while True:
        async with components.db.read_only() as session:
            if (await session.exec(statement)).first() is None:
                return
        await asyncio.sleep(POLL)


def report(
    recipients: int, bare: tuple[Lap, Lap], queued: Lap, submitted: Lap, settled: Lap
) -> list[dict]:
    def rate(lap: Lap) -> str:
        return f"{recipients / lap.seconds:,.0f} msg/s ({lap.seconds:.1f} s; {cpu(lap)})"

    def cpu(lap: Lap) -> str:
        return (
            ", ".join(f"{n} {s * 1e6 / recipients:.0f}" for n, s in lap.cpu.items()) + " CPU-µs/msg"
        )

    return [
        {
            "benchmark": f"a notice to {recipients:,} recipients: submitted",
            "platform": f"dispatcher, status kept: {rate(submitted)}",
            "baseline": f"bare SmppProvider: {rate(bare[0])}",
            "ratio": f"{bare[0].seconds / submitted.seconds:.0%} of its rate",
        },
        {
            "benchmark": "the same: every receipt in",
            "platform": f"receipts recorded: {rate(settled)}",
            "baseline": f"receipts counted: {rate(bare[1])}",
            "ratio": f"{bare[1].seconds / settled.seconds:.0%} of its rate",
        },
        {
            "benchmark": "the same: queued (before dispatch)",
            "platform": f"broadcast → event → {recipients:,} messages written: {rate(queued)}",
            "baseline": "",
            "ratio": "",
        },
    ]
