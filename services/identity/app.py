"""Composition root of identity: builds the components and use-cases and serves them."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import logging
from pathlib import Path

import grpc
from redis.asyncio import Redis

from jingzhun.identity.v1 import identity_pb2, identity_pb2_grpc
from kit.audit import audit_subject
from kit.authz import Authorizer
from kit.bus import Bus
from kit.db import Database
from kit.inbox import Consumer
from kit.outbox import OutboxRelay
from kit.redis_client import redis_client
from kit.revocation import RevocationKeys, RevocationStore
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from kit.tokens import ensure_keypair
from services.identity.api_grpc import IdentityApi
from services.identity.audit_service import AuditService
from services.identity.auth_service import AuthService
from services.identity.client_service import ClientService
from services.identity.components import Components
from services.identity.contacts_service import ContactsService
from services.identity.credentials import Passwords, TokenIssuer
from services.identity.domain import Lockout
from services.identity.events import AUDITED_SERVICES, audit_consumer_name, on_audit_recorded
from services.identity.region_service import RegionService, load_tree
from services.identity.region_tree import RegionTree
from services.identity.settings import IdentitySettings
from services.identity.user_service import UserService

POLICY_FILE = Path(__file__).resolve().parent / "policy.csv"
REGION_REFRESH_SECONDS = 5.0
log = logging.getLogger(__name__)


def load_policy(path: Path = POLICY_FILE) -> Authorizer:
    text = path.read_text(encoding="utf-8")
    rules: list[tuple[str, str, str]] = []
    grants: list[tuple[str, str]] = []
    for row in csv.reader(
        line for line in text.splitlines() if line.strip() and not line.startswith("#")
    ):
        kind, *values = (value.strip() for value in row)
        if kind == "p":
            rules.append((values[0], values[1], values[2]))
        else:
            grants.append((values[0], values[1]))
    return Authorizer(rules, grants, version=hashlib.sha256(text.encode()).hexdigest()[:12])


class Identity:
    """The use-cases of identity, wired to one set of components."""

    def __init__(self, components: Components) -> None:
        self.components = components
        self.auth = AuthService(components)
        self.users = UserService(components, self.auth)
        self.clients = ClientService(components, self.users)
        self.regions = RegionService(components, self.auth)
        self.audit = AuditService(components, self.users)
        self.contacts = ContactsService(components, self.users)

    @classmethod
    async def build(cls, settings: IdentitySettings, redis: Redis) -> Identity:
        if settings.common.environment != "prod":
            ensure_keypair(settings.signing_key_file, settings.common.jwt_public_key_file)
        db = Database(settings.database_url)
        components = Components(
            settings=settings,
            db=db,
            passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
            issuer=TokenIssuer.from_file(
                settings.signing_key_file,
                issuer=settings.common.jwt_issuer,
                audience=settings.common.jwt_audience,
                ttl_seconds=settings.access_token_seconds,
            ),
            authorizer=load_policy(),
            revocations=RevocationStore(redis, RevocationKeys(settings.common.redis_prefix)),
            regions=RegionTree([]),
            lockout=Lockout(settings.lockout_threshold, settings.lockout_seconds),
        )
        async with db.read_only() as session:
            components.regions = await load_tree(session)
        return cls(components)

    def api(self) -> IdentityApi:
        return IdentityApi(
            self.auth, self.users, self.clients, self.regions, self.audit, contacts=self.contacts
        )

    async def refresh_regions_forever(self) -> None:
        while True:
            await asyncio.sleep(REGION_REFRESH_SECONDS)
            try:
                await self.regions.refresh_if_changed()
            except Exception:
                log.exception("could not refresh the region tree")


def audit_consumers(bus: Bus, db: Database) -> list[Consumer]:
    """One durable consumer per audited service's stream, each appending to the one log."""
    return [
        Consumer(
            bus,
            db,
            stream=service,
            durable=audit_consumer_name(service),
            filter_subject=audit_subject(service),
            handler=on_audit_recorded,
        )
        for service in AUDITED_SERVICES
    ]


async def run(settings: IdentitySettings, role: Role) -> None:
    """The API (signing tokens, with Redis), and a worker appending every service's audited
    acts to the one log (the database and NATS only: it holds no signing key)."""
    if role is Role.WORKER:
        await run_worker(settings)
        return
    redis = redis_client(settings.common)
    identity = await Identity.build(settings, redis)
    await identity.auth.sync_revocations()
    bus = await service_bus(settings)
    relay = OutboxRelay(identity.components.db, bus)

    def register(server: grpc.aio.Server) -> list[str]:
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(identity.api(), server)
        return [identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name]

    async def stop() -> None:
        await bus.close()
        await redis.aclose()
        await identity.components.db.dispose()

    process = ServiceProcess(
        register,
        identity.components.db,
        every_role=[relay.run],
        api=[identity.refresh_regions_forever],
        worker=[c.run for c in audit_consumers(bus, identity.components.db)],
        on_stop=stop,
    )
    await run_service(settings, process, role)


async def run_worker(settings: IdentitySettings) -> None:
    db = Database(settings.database_url)
    bus = await service_bus(settings)

    async def stop() -> None:
        await bus.close()
        await db.dispose()

    process = ServiceProcess(
        lambda _server: [],
        db,
        every_role=[OutboxRelay(db, bus).run],
        worker=[c.run for c in audit_consumers(bus, db)],
        on_stop=stop,
    )
    await run_service(settings, process, Role.WORKER)
