"""A service calling another on its own behalf (not a user's): its access token from identity
by OAuth2 client credentials (`svc-<name>`, registered by the operator), renewed before it
expires."""

from __future__ import annotations

import asyncio
import time

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.grpc_client import ServiceClient

RENEW_MARGIN_SECONDS = 60.0


class ServiceCredentials:
    def __init__(self, identity: ServiceClient, client_id: str, client_secret: str) -> None:
        self.identity = identity
        self.client_id = client_id
        self._secret = client_secret
        self._token = ""
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        """A valid access token of this service (one call to identity every few minutes)."""
        async with self._lock:
            if not self._token or time.monotonic() >= self._renew_at:
                reply = await self.identity.call(
                    "AuthenticateClient",
                    pb.AuthenticateClientRequest(
                        client_id=self.client_id, client_secret=self._secret
                    ),
                )
                self._token = reply.access_token
                lifetime = max(reply.expires_in - RENEW_MARGIN_SECONDS, reply.expires_in / 2)
                self._renew_at = time.monotonic() + lifetime
            return self._token
