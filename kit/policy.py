"""The authorization policy lives in identity; every other process fetches it from there."""

from __future__ import annotations

import asyncio
import logging

from jingzhun.identity.v1 import identity_pb2 as pb
from kit.authz import Authorizer
from kit.errors import DomainError
from kit.grpc_client import ServiceClient

log = logging.getLogger(__name__)


async def fetch_policy(identity: ServiceClient) -> Authorizer:
    reply = await identity.call("GetAuthorizationPolicy", pb.GetAuthorizationPolicyRequest())
    return Authorizer(
        [(r.role, r.resource, r.action) for r in reply.rules],
        [(g.granter_role, g.grantable_role) for g in reply.grants],
        model=reply.model,
        version=reply.version,
    )


async def fetch_policy_when_ready(identity: ServiceClient, max_delay: float = 5.0) -> Authorizer:
    """Retry with backoff until identity answers (processes may start in any order)."""
    delay = 0.2
    while True:
        try:
            authorizer = await fetch_policy(identity)
        except DomainError:
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
        else:
            log.info("authorization policy loaded", extra={"version": authorizer.version})
            return authorizer
