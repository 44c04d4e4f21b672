"""Token revocation in Redis, written by identity and read by the gateway in one round trip.

- `<prefix>rev:ready`: present once identity has seeded Redis from its durable table; when it
  is missing (a Redis restart) the gateway asks identity to re-seed before trusting anything.
- `<prefix>rev:nbf:<actor>`: tokens of that user (or `client:<id>`) issued before this epoch
  millisecond are void (logout everywhere, password change, disable, role change).
- `<prefix>rev:sid:<session>`: that session was logged out; kept as long as its access tokens.
"""

from __future__ import annotations

from redis.asyncio import Redis

from kit.principal import Principal
from kit.redis_client import unavailable_when_unreachable


class RevocationKeys:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    @property
    def ready(self) -> str:
        return f"{self.prefix}rev:ready"

    def not_before(self, actor_id: str) -> str:
        return f"{self.prefix}rev:nbf:{actor_id}"

    def session(self, session_id: str) -> str:
        return f"{self.prefix}rev:sid:{session_id}"


class RevocationStore:
    """What identity writes: durable first (its own table), then this cache. While Redis is
    away the write is refused (RedisUnavailable), and so is the change it belongs to."""

    def __init__(self, redis: Redis, keys: RevocationKeys) -> None:
        self.redis = redis
        self.keys = keys

    async def set_not_before(self, actor_id: str, epoch_ms: int) -> None:
        with unavailable_when_unreachable():
            await self.redis.set(self.keys.not_before(actor_id), epoch_ms)

    async def revoke_session(self, session_id: str, ttl_seconds: int) -> None:
        with unavailable_when_unreachable():
            await self.redis.set(self.keys.session(session_id), 1, ex=max(ttl_seconds, 1))

    async def seed(self, not_before: dict[str, int], sessions: dict[str, int]) -> None:
        """Load every durable revocation, then mark the cache ready."""
        with unavailable_when_unreachable():
            await self._seed(not_before, sessions)

    async def _seed(self, not_before: dict[str, int], sessions: dict[str, int]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for actor_id, epoch_ms in not_before.items():
                pipe.set(self.keys.not_before(actor_id), epoch_ms)
            for session_id, ttl in sessions.items():
                pipe.set(self.keys.session(session_id), 1, ex=max(ttl, 1))
            pipe.set(self.keys.ready, 1)
            await pipe.execute()


class RevocationCheck:
    """What the gateway asks on every authenticated request: one MGET (which the gateway may
    pipeline with its rate-limit call, hence `keys_for` and `verdict`)."""

    def __init__(self, redis: Redis, keys: RevocationKeys) -> None:
        self.redis = redis
        self.keys = keys

    def keys_for(self, principal: Principal) -> list[str]:
        return [
            self.keys.ready,
            self.keys.not_before(principal.actor_id),
            self.keys.session(principal.session_id or "-"),
        ]

    @staticmethod
    def verdict(principal: Principal, values: list) -> bool | None:
        """True if revoked, False if valid, None if the cache is not seeded yet."""
        ready, not_before, session = values
        if ready is None:
            return None
        if session is not None:
            return True
        return not_before is not None and principal.issued_at < int(not_before)

    async def status(self, principal: Principal) -> bool | None:
        return self.verdict(principal, await self.redis.mget(self.keys_for(principal)))
