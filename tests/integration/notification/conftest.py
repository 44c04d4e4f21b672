"""Notification on SQLite and PostgreSQL with the real NATS JetStream and a real identity served
over gRPC. The SMS provider is an in-memory implementation of its interface (the SMPP one is
tested against the SMSC simulator on its own)."""

from __future__ import annotations

import asyncio
import gzip
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from opentelemetry import trace

from jingzhun.identity.v1 import identity_pb2_grpc
from kit import migrations
from kit.bus import Bus
from kit.grpc_client import ServiceClient
from kit.grpc_server import CallContext, WrappingServer
from kit.inbox import Consumer
from kit.outbox import OutboxRelay
from kit.principal import Principal
from kit.service_auth import ServiceCredentials
from kit.tokens import TokenVerifier
from services.identity.app import Identity, load_policy
from services.notification.app import build_components, consumers, timing
from services.notification.broadcasts_service import BroadcastsService
from services.notification.components import Components
from services.notification.directory import Directory
from services.notification.dispatcher import Dispatcher
from services.notification.events import EventHandlers
from services.notification.queue_service import QueueService
from services.notification.receipts import Receipts
from services.notification.replies import Replies
from services.notification.settings import NotificationSettings
from services.notification.sms.provider import (
    DeliveryState,
    OutgoingSms,
    Receipt,
    ReceiptHandler,
    Reply,
    ReplyHandler,
    Submitted,
)
from tests.integration.identity.conftest import REGIONS, build_identity
from tests.integration.support import Clock

SECRET = "notification-test-secret-of-forty-chars!"
PASSWORD = "Passw0rd-for-tests"
# 10:00 in Shandong: no quiet hours.
MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class MemoryProvider:
    """An SmsProvider in memory: keeps what it is given, fails as scripted, and hands receipts
    and replies to the service the way an SMSC does."""

    def __init__(self) -> None:
        self.sent: list[OutgoingSms] = []
        self.trace_ids: list[int] = []  # the trace each submit ran in
        self.failures: list[Exception] = []  # raised by the next submits, in order
        self.parts = 1
        self.instant_receipts = False  # a receipt before submit() even returns
        self._ids = itertools.count(1)
        self.on_receipt: ReceiptHandler
        self.on_reply: ReplyHandler

    async def start(self, on_receipt: ReceiptHandler, on_reply: ReplyHandler) -> None:
        self.on_receipt, self.on_reply = on_receipt, on_reply

    async def submit(self, sms: OutgoingSms) -> Submitted:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(sms)
        self.trace_ids.append(trace.get_current_span().get_span_context().trace_id)
        ids = [f"p{next(self._ids)}" for _ in range(self.parts)]
        if self.instant_receipts:
            for provider_id in ids:
                await self.deliver(provider_id)
        return Submitted(provider_ids=ids)

    async def close(self) -> None:
        pass

    async def deliver(
        self, provider_id: str, state: DeliveryState = DeliveryState.DELIVERED
    ) -> None:
        await self.on_receipt(Receipt(provider_id, state, datetime.now(UTC)))

    async def reply(self, phone: str, text: str, at: datetime = MORNING) -> None:
        await self.on_reply(Reply(phone, text, at))

    def texts_to(self, phone: str) -> list[str]:
        return [sms.text for sms in self.sent if sms.phone == phone]


@dataclass
class Cadre:
    user_id: str
    mobile: str


@dataclass
class IdentityUnderTest:
    address: str
    county_admin: Principal  # admin of 历下区 (370102), with a real access token
    cadres: dict[str, Cadre]


PEOPLE = {  # name: (mobile, region, role)
    "helper_a": ("13900000201", "370102001001", "helper"),
    "helper_b": ("13900000202", "370102002001", "helper"),
    "secretary_a": ("13900000203", "370102001001", "secretary"),
    "helper_qingdao": ("13900000204", "370202001001", "helper"),
}


async def activate(
    identity: Identity, mobile: str, password: str, verifier: TokenVerifier
) -> Principal:
    first = verifier.verify((await identity.auth.authenticate(mobile, password, "")).access_token)
    grant = await identity.auth.change_password(first, password, PASSWORD)
    return verifier.verify(grant.access_token)


async def populate(
    identity: Identity, verifier: TokenVerifier
) -> tuple[Principal, dict[str, Cadre]]:
    created = await identity.users.bootstrap_admin("13800000000", "省管理员", "370000000000")
    assert created is not None
    province = Principal(
        subject=created[0].id, kind="user", region_code="370000000000", roles=("admin",)
    )
    cadres = {}
    for name, (mobile, region, role) in PEOPLE.items():
        view, _ = await identity.users.create(province, mobile, name, region, [role])
        cadres[name] = Cadre(view.user.id, mobile)
    _, password = await identity.users.create(
        province, "13900000200", "县管理员", "370102000000", ["admin"]
    )
    await identity.clients.register_service(
        "notification", "370000000000", ["users:contact"], SECRET
    )
    return await activate(identity, "13900000200", password, verifier), cadres


@pytest.fixture(scope="session")
async def identity_service(
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
    redis_prefix: str,
    keypair: tuple[Path, Path],
) -> AsyncIterator[IdentityUnderTest]:
    folder = tmp_path_factory.mktemp("notification-identity")
    regions = folder / "regions.tsv.gz"
    with gzip.open(regions, "wt", encoding="utf-8") as out:
        out.writelines(f"{code}\t{name}\n" for code, name in REGIONS)
    url = f"sqlite+aiosqlite:///{folder / 'identity.db'}"
    identity = await build_identity(
        url, redis_url, f"{redis_prefix}notification:", keypair, regions
    )
    verifier = TokenVerifier.from_file(keypair[1], issuer="jingzhun", audience="jingzhun")
    admin, cadres = await populate(identity, verifier)
    server = grpc.aio.server()
    wrapped = WrappingServer(server, CallContext(verifier).wrap)
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(identity.api(), wrapped)  # type: ignore[arg-type]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield IdentityUnderTest(f"127.0.0.1:{port}", admin, cadres)
    await server.stop(grace=None)
    await identity.components.db.dispose()
    await identity.components.revocations.redis.aclose()


@dataclass
class Notification:
    """The service's parts, wired as app.py wires them, plus the means to run its loops."""

    components: Components
    clock: Clock
    provider: MemoryProvider
    queue: QueueService
    dispatcher: Dispatcher
    broadcasts: BroadcastsService
    bus: Bus
    relay: OutboxRelay
    consumers: list[Consumer]
    cadres: dict[str, Cadre]
    county_admin: Principal

    async def flow(self) -> None:
        """Publish what the outbox holds and let every consumer take what it can."""
        await self.relay.relay_once()
        for consumer in self.consumers:
            while await consumer.poll_once(wait_seconds=0.5):
                pass


@pytest.fixture
async def bus(nats_url: str, bus_prefix: str, request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    prefix = f"{bus_prefix}{request.node.name.replace('[', '_').replace(']', '')}."
    connected = await Bus.connect(nats_url, prefix, name="notification-tests")
    for stream in ("identity", "notification"):
        await connected.ensure_service_stream(stream)
    yield connected
    for stream in ("identity", "notification"):
        await connected.delete_stream(stream)
    await connected.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def service(
    request: pytest.FixtureRequest,
    sqlite_url: Callable[[str], str],
    postgres_database: Callable[[str], Awaitable[str]],
    identity_service: IdentityUnderTest,
    bus: Bus,
) -> AsyncIterator[Notification]:
    url = (
        await postgres_database("notification")
        if request.param == "postgres"
        else sqlite_url("notification")
    )
    await asyncio.to_thread(migrations.upgrade, "notification", url)
    settings = NotificationSettings(database_url=url, quiet_hours="", identity_secret=SECRET)
    components = build_components(settings)
    components.clock = clock = Clock(MORNING)
    client = ServiceClient(
        identity_service.address, identity_pb2_grpc.IdentityServiceStub, timeout=10
    )
    directory = Directory(client, ServiceCredentials(client, settings.identity_client_id, SECRET))
    queue = QueueService(components, directory)
    provider, receipts = MemoryProvider(), Receipts(components)
    await provider.start(receipts.on_receipt, Replies(components, queue).on_reply)
    authorizer = load_policy()
    yield Notification(
        components=components,
        clock=clock,
        provider=provider,
        queue=queue,
        dispatcher=Dispatcher(components, provider, receipts, timing(settings)),
        broadcasts=BroadcastsService(components, queue, directory, lambda: authorizer.roles),
        bus=bus,
        relay=OutboxRelay(components.db, bus),
        consumers=consumers(bus, components.db, EventHandlers(queue)),
        cadres=identity_service.cadres,
        county_admin=identity_service.county_admin,
    )
    await client.close()
    await components.db.dispose()
