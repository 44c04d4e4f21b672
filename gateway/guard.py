"""The checks every authenticated request passes: the token's signature (locally, cached),
then revocation and the rate limit together in ONE Redis round trip."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from kit.errors import ResourceExhausted, Unauthenticated, Unavailable
from kit.principal import Principal
from kit.revocation import RevocationCheck
from kit.tokens import TokenVerifier

WINDOW_SECONDS = 60


class RateLimiter:
    """Fixed one-minute windows: INCR a per-window key (plain commands, so they pipeline with
    the revocation look-up into one round trip; a Lua script would cost a SCRIPT EXISTS)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def queue(self, pipe: Pipeline, bucket: str) -> None:
        window = int(time.time()) // WINDOW_SECONDS
        key = f"{self.prefix}rl:{bucket}:{window}"
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_SECONDS)

    @staticmethod
    def check(count: int, limit: int) -> None:
        if count > limit:
            raise ResourceExhausted(
                "too many requests; slow down",
                reason="RATE_LIMITED",
                retry_after=max(1, WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS),
            )

    async def hit(self, bucket: str, limit: int) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            self.queue(pipe, bucket)
            count, _ = await pipe.execute()
        self.check(count, limit)


class Guard:
    """Admits a token: its signature, then revocation and the rate limit of its principal (an
    integrator client's own quota when its token carries one, else `limit_per_minute`)."""

    def __init__(
        self,
        verifier: TokenVerifier,
        revocations: RevocationCheck,
        limiter: RateLimiter,
        limit_per_minute: int,
        resync,  # type: ignore[no-untyped-def]  # async () -> None: asks identity to re-seed Redis
    ) -> None:
        self.verifier = verifier
        self.revocations = revocations
        self.limiter = limiter
        self.limit = limit_per_minute
        self._resync = resync
        self._resync_lock = asyncio.Lock()

    async def admit(self, token: str) -> Principal:
        principal = self.verifier.verify(token)
        revoked = await self._check(principal)
        if revoked is None:  # Redis lost its revocations (a restart): re-seed, then decide
            async with self._resync_lock:
                if await self.revocations.status(principal) is None:
                    await self._resync()
            revoked = await self.revocations.status(principal)
            if revoked is None:
                raise Unavailable(
                    "the revocation list is not available", reason="REVOCATIONS_UNAVAILABLE"
                )
        if revoked:
            raise Unauthenticated("the access token has been revoked", reason="TOKEN_REVOKED")
        return principal

    async def _check(self, principal: Principal) -> bool | None:
        async with self.revocations.redis.pipeline(transaction=False) as pipe:
            pipe.mget(self.revocations.keys_for(principal))
            self.limiter.queue(pipe, principal.actor_id)
            values, count, _ = await pipe.execute()
        self.limiter.check(count, principal.requests_per_minute or self.limit)
        return self.revocations.verdict(principal, values)
