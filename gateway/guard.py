"""The checks every authenticated request passes: the token's signature (locally, cached),
then revocation and the rate limit together in ONE Redis command."""

from __future__ import annotations

import asyncio
import time

from kit.errors import ResourceExhausted, Unauthenticated, Unavailable
from kit.principal import Principal
from kit.redis_pipeline import PipelinedRedis
from kit.revocation import RevocationCheck
from kit.tokens import TokenVerifier

WINDOW_SECONDS = 60


# Read the given keys (none, or a token's revocation keys), then count the request in the
# last key's window: one EVALSHA, the one command a request sends to Redis.
COUNT_AND_READ = """
local window = #KEYS
local values = {}
if window > 1 then values = redis.call('MGET', unpack(KEYS, 1, window - 1)) end
values[window] = redis.call('INCR', KEYS[window])
redis.call('EXPIRE', KEYS[window], ARGV[1])
return values
"""


class RateLimiter:
    """Fixed one-minute windows: INCR a per-window key, in a script that also reads what the
    caller needs from Redis (the token's revocation keys), so a request costs one command.
    The script is one EVALSHA (sent whole if Redis lost it) on the gateway's one pipelined
    connection (kit.redis_pipeline), not through redis-py's pool and command layers."""

    def __init__(self, redis: PipelinedRedis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._script = redis.register_script(COUNT_AND_READ)

    async def count(self, bucket: str, reading: list[str]) -> tuple[list, int]:
        """The values of `reading`, and this window's count of `bucket` with this request."""
        window = int(time.time()) // WINDOW_SECONDS
        key = f"{self.prefix}rl:{bucket}:{window}"
        *values, count = await self._script(keys=[*reading, key], args=[2 * WINDOW_SECONDS])
        return values, count

    @staticmethod
    def check(count: int, limit: int) -> None:
        if count > limit:
            raise ResourceExhausted(
                "too many requests; slow down",
                reason="RATE_LIMITED",
                retry_after=max(1, WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS),
            )

    async def hit(self, bucket: str, limit: int) -> None:
        _, count = await self.count(bucket, [])
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
        values, count = await self.limiter.count(
            principal.actor_id, self.revocations.keys_for(principal)
        )
        self.limiter.check(count, principal.requests_per_minute or self.limit)
        return self.revocations.verdict(principal, values)
