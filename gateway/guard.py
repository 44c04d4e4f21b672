"""The checks every authenticated request passes: the token's signature (locally, cached),
then revocation and the rate limit together in ONE Redis round trip."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

from kit.errors import ResourceExhausted, Unauthenticated, Unavailable
from kit.principal import Principal
from kit.revocation import RevocationCheck
from kit.tokens import TokenVerifier

# Fixed window: INCR, set the expiry on the first hit, answer (count, milliseconds left).
RATE_LIMIT_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
"""
WINDOW_MS = 60_000


class RateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self.script = redis.register_script(RATE_LIMIT_LUA)

    def key(self, bucket: str) -> str:
        return f"{self.prefix}rl:{bucket}:{int(time.time() * 1000) // WINDOW_MS}"

    @staticmethod
    def check(result: list[int], limit: int) -> None:
        count, left_ms = result
        if count > limit:
            raise ResourceExhausted(
                "too many requests; slow down",
                reason="RATE_LIMITED",
                retry_after=max(1, -(-int(left_ms) // 1000)),
            )

    async def hit(self, bucket: str, limit: int) -> None:
        self.check(await self.script(keys=[self.key(bucket)], args=[WINDOW_MS]), limit)


class Guard:
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
            await self.limiter.script(
                keys=[self.limiter.key(principal.actor_id)], args=[WINDOW_MS], client=pipe
            )
            values, rate = await pipe.execute()
        self.limiter.check(rate, self.limit)
        return self.revocations.verdict(principal, values)
