"""The authorization policy lives in identity; every other process fetches it from there, as
its own service client."""

from __future__ import annotations

import asyncio
import logging

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.authz import Authorizer
from kit.errors import DomainError
from kit.service_auth import ServiceCredentials

log = logging.getLogger(__name__)


async def fetch_policy(credentials: ServiceCredentials) -> Authorizer:
    reply = await credentials.identity.call(
        credentials.identity.stub.GetAuthorizationPolicy,
        pb.GetAuthorizationPolicyRequest(),
        token=await credentials.token(),
    )
    return Authorizer(
        [(r.role, r.resource, r.action) for r in reply.rules],
        [(g.granter_role, g.grantable_role) for g in reply.grants],
        model=reply.model,
        version=reply.version,
    )


async def fetch_policy_when_ready(
    credentials: ServiceCredentials, max_delay: float = 5.0
) -> Authorizer:
    """Retry with backoff until identity answers and knows this process's client (processes
    and the bootstrap that registers the clients may start in any order)."""
    delay = 0.2
    while True:
        try:
            authorizer = await fetch_policy(credentials)
        except DomainError as error:
            log.info("authorization policy not available yet", extra={"reason": error.reason})
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
        else:
            log.info("authorization policy loaded", extra={"version": authorizer.version})
            return authorizer
