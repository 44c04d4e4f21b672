"""What the gateway holds while it runs, built by the lifespan in app.py."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from gateway.guard import Guard, RateLimiter
from gateway.settings import GatewaySettings
from kit.authz import Authorizer
from kit.grpc_client import ServiceClient
from kit.service_auth import ServiceCredentials


@dataclass
class GatewayState:
    settings: GatewaySettings
    redis: Redis
    identity: ServiceClient
    registry: ServiceClient
    transfer: ServiceClient
    notification: ServiceClient
    assistance: ServiceClient
    training: ServiceClient
    guard: Guard
    # Its own client at identity (svc-gateway): the policy, revocations, the public pages.
    credentials: ServiceCredentials
    limiter: RateLimiter
    authorizer: Authorizer | None = None  # loaded from identity once it answers
