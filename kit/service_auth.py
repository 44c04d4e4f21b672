"""A process calling identity on its own behalf (not a user's): its access token by OAuth2
client credentials (`svc-<name>`, registered by the operator), renewed before it expires.

Every platform process but identity has such a client, with the least scopes it needs
(`PLATFORM_CLIENTS`); `make run`, the test platform and the Kubernetes bootstrap Job register
exactly these."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.grpc_client import ServiceClient
from kit.settings import CallsIdentity

if TYPE_CHECKING:
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub

RENEW_MARGIN_SECONDS = 60.0

# Process -> the scopes of its client `svc-<process>`: the policy (every process), the
# revocations re-seed (the gateway), phone numbers (notification), the registry's assessment
# counts and the names of the cadres and regions it ranks (assistance's monthly circular),
# helpers' accounts (the registry's backfill of the helpers paired before it recorded them).
PLATFORM_CLIENTS: dict[str, tuple[str, ...]] = {
    "gateway": ("policy:read", "revocations:sync"),
    "registry": ("policy:read", "users:read"),
    "assistance": ("policy:read", "assessment:read", "users:read", "regions:read"),
    "training": ("policy:read",),
    "notification": ("policy:read", "users:contact"),
    "projects": ("policy:read",),
}


class ServiceCredentials:
    def __init__(
        self, identity: ServiceClient[IdentityServiceAsyncStub], client_id: str, client_secret: str
    ) -> None:
        self.identity = identity
        self.client_id = client_id
        self._secret = client_secret
        self._token = ""
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    def of(
        cls, identity: ServiceClient[IdentityServiceAsyncStub], settings: CallsIdentity
    ) -> ServiceCredentials:
        """This process's own credentials, as its settings name them."""
        return cls(identity, settings.identity_client_id, settings.identity_secret)

    async def token(self) -> str:
        """A valid access token of this service (one call to identity every few minutes)."""
        async with self._lock:
            if not self._token or time.monotonic() >= self._renew_at:
                reply = await self.identity.call(
                    self.identity.stub.AuthenticateClient,
                    pb.AuthenticateClientRequest(
                        client_id=self.client_id, client_secret=self._secret
                    ),
                )
                self._token = reply.access_token
                lifetime = max(reply.expires_in - RENEW_MARGIN_SECONDS, reply.expires_in / 2)
                self._renew_at = time.monotonic() + lifetime
            return self._token
