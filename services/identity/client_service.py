"""Use-cases of integrator clients: OAuth2 client credentials bound to one region and a set of
scopes, created by administrators within their subtree."""

from __future__ import annotations

import re
import secrets

from sqlmodel.ext.asyncio.session import AsyncSession

from kit import audit
from kit.authz import scope_of
from kit.clock import utcnow
from kit.db import lock_for_transaction
from kit.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from kit.principal import Principal
from kit.territory import is_within
from services.identity import repository as repo
from services.identity.auth_service import now_ms
from services.identity.components import Components
from services.identity.domain import (
    SERVICE_CLIENT_PREFIX,
    is_platform_client,
    validate_region_code,
    validate_requests_per_minute,
)
from services.identity.models import Client
from services.identity.user_service import UserService

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


class ClientService:
    def __init__(self, components: Components, users: UserService) -> None:
        self.c = components
        self.users = users

    def allowed_scopes(self, client_role: str = "integrator") -> set[str]:
        return {
            scope_of(resource, action)
            for role, resource, action in self.c.authorizer.rules
            if role == client_role
        }

    async def create(
        self,
        caller: Principal,
        name: str,
        region_code: str,
        scopes: list[str],
        requests_per_minute: int = 0,
    ) -> tuple[Client, str]:
        self.users.require_region(caller, region_code)
        quota = validate_requests_per_minute(requests_per_minute)
        unknown = sorted(set(scopes) - self.allowed_scopes())
        if not scopes or unknown or not name.strip():
            raise InvalidArgument(
                "a client needs a name and scopes from: "
                + ", ".join(sorted(self.allowed_scopes())),
                reason="INVALID_SCOPE",
                violations=[FieldViolation("scopes", f"unknown scope {s}") for s in unknown],
            )
        secret = secrets.token_urlsafe(32)
        client = Client(
            client_id="jz-" + secrets.token_hex(8),
            name=name.strip(),
            secret_hash=await self.c.passwords.hash(secret),
            region_code=region_code,
            scopes=" ".join(sorted(set(scopes))),
            requests_per_minute=quota,
            created_by=caller.actor_id,
            created_at=utcnow(),
        )
        async with self.c.db.unit_of_work() as session:
            session.add(client)
            audit.record(
                session,
                repo.SERVICE,
                at=client.created_at,
                actor_id=caller.actor_id,
                action="client.created",
                target_id=client.client_id,
                region_code=region_code,
                detail={"scopes": client.scopes.split(), "requests_per_minute": quota},
            )
        return client, secret

    async def register_service(
        self, name: str, region_code: str, scopes: list[str], secret: str
    ) -> Client:
        """Create or re-key `svc-<name>`, the client of one of the platform's own services
        (by the operator, from the command line); unchanged when already so registered. Two
        runs at once take turns (the second finds the first's client)."""
        validate_region_code(region_code)
        unknown = sorted(set(scopes) - self.allowed_scopes("service"))
        if not SERVICE_NAME.match(name) or not scopes or unknown or len(secret) < 32:
            raise InvalidArgument(
                "a service client needs a name (a-z, 0-9, -), a secret of at least 32 "
                "characters and scopes from: " + ", ".join(sorted(self.allowed_scopes("service"))),
                reason="INVALID_SERVICE_CLIENT",
            )
        client_id, wanted = SERVICE_CLIENT_PREFIX + name, " ".join(sorted(set(scopes)))
        async with self.c.db.unit_of_work() as session:
            await lock_for_transaction(session, f"identity:register-service:{client_id}")
            client = await repo.get_client(session, client_id)
            if (
                client is not None
                and (client.region_code, client.scopes) == (region_code, wanted)
                and await self.c.passwords.verify(client.secret_hash, secret)
            ):
                return client
            client = client or Client(
                client_id=client_id,
                name=name,
                secret_hash="",
                region_code=region_code,
                scopes=wanted,
                created_by="operator",
                created_at=utcnow(),
            )
            client.secret_hash = await self.c.passwords.hash(secret)
            client.region_code, client.scopes = region_code, wanted
            session.add(client)
            audit.record(
                session,
                repo.SERVICE,
                at=utcnow(),
                actor_id="operator",
                action="client.registered",
                target_id=client_id,
                region_code=region_code,
                detail={"scopes": wanted.split()},
            )
        return client

    async def list_clients(
        self, caller: Principal, region_code: str, after_id: str | None, limit: int
    ) -> list[Client]:
        scope = region_code or caller.region_code
        self.users.require_region(caller, scope)
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_clients(session, region_code=scope, after_id=after_id, limit=limit)
            )

    async def _changeable(self, session: AsyncSession, caller: Principal, client_id: str) -> Client:
        """The caller's integrator client to change: out of their subtree it does not exist;
        a platform process's client (`svc-*`, the operator's) is never changed through the
        API, since disabling one silently stops what that process does (all SMS, for
        notification's)."""
        client = await repo.get_client(session, client_id)
        if client is None or not is_within(client.region_code, caller.region_code):
            raise NotFound("client not found", reason="CLIENT_NOT_FOUND")
        if is_platform_client(client.client_id):
            raise FailedPrecondition(
                "a platform service's client is managed by the operator "
                "(python -m services.identity register-service), not through the API",
                reason="PLATFORM_CLIENT",
            )
        return client

    async def disable(self, caller: Principal, client_id: str) -> Client:
        async with self.c.db.unit_of_work() as session:
            client = await self._changeable(session, caller, client_id)
            if not client.disabled:
                client.disabled = True
                client.not_before_ms = now_ms()
                session.add(client)
                await self.c.revocations.set_not_before(
                    f"client:{client.client_id}", client.not_before_ms
                )
                audit.record(
                    session,
                    repo.SERVICE,
                    at=utcnow(),
                    actor_id=caller.actor_id,
                    action="client.disabled",
                    target_id=client.client_id,
                    region_code=client.region_code,
                )
            return client

    async def update(
        self, caller: Principal, client_id: str, requests_per_minute: int | None
    ) -> Client:
        """Set the client's own requests per minute (0: the gateway's default; None: as it
        is), carried by the tokens it gets from now on (those it holds keep theirs until they
        expire, minutes)."""
        changes = requests_per_minute is not None
        quota = (
            None
            if requests_per_minute is None
            else validate_requests_per_minute(requests_per_minute)
        )
        async with self.c.db.unit_of_work() as session:
            client = await self._changeable(session, caller, client_id)
            if changes and client.requests_per_minute != quota:
                client.requests_per_minute = quota
                session.add(client)
                audit.record(
                    session,
                    repo.SERVICE,
                    at=utcnow(),
                    actor_id=caller.actor_id,
                    action="client.quota_changed",
                    target_id=client.client_id,
                    region_code=client.region_code,
                    detail={"requests_per_minute": quota},
                )
            return client
