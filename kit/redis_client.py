"""The one way to build a Redis client, and what a caller answers while Redis is away.

- A blocking pool: a burst of requests beyond `redis_max_connections` waits (up to
  `redis_pool_timeout_seconds`) for a connection instead of failing at once.
- Every command is retried with exponential backoff on ConnectionError and TimeoutError; a
  retry drops the connection and dials again, so connections left dead by a Redis restart are
  replaced on their first use, and idle ones are pinged first (`health_check_interval`).
- When Redis stays away, `RedisUnavailable` (503 `redis-unavailable`, with Retry-After) is
  what callers see: never an internal error, and nothing that needed Redis is let through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from kit.errors import Unavailable
from kit.settings import CommonSettings

# What a command may fail with while Redis is unreachable (MaxConnectionsError, a full pool
# that stayed full, is a ConnectionError too).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 2
HEALTH_CHECK_SECONDS = 10


def redis_client(common: CommonSettings) -> Redis:
    retry = Retry(
        ExponentialBackoff(cap=common.redis_retry_cap_seconds, base=0.02),
        common.redis_retries,
        supported_errors=UNREACHABLE,
    )
    pool = BlockingConnectionPool.from_url(
        common.redis_url,
        max_connections=common.redis_max_connections,
        timeout=common.redis_pool_timeout_seconds,
        socket_connect_timeout=common.redis_socket_timeout_seconds,
        socket_timeout=common.redis_socket_timeout_seconds,
        health_check_interval=HEALTH_CHECK_SECONDS,
        retry=retry,
        retry_on_error=list(UNREACHABLE),
    )
    return Redis(connection_pool=pool)


class RedisUnavailable(Unavailable):
    default_reason = "REDIS_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__(
            "a store this request needs is unavailable; try again shortly",
            retry_after=RETRY_AFTER_SECONDS,
        )


@contextmanager
def unavailable_when_unreachable() -> Iterator[None]:
    """Inside: a Redis that cannot be reached is a `RedisUnavailable`."""
    try:
        yield
    except UNREACHABLE as error:
        raise RedisUnavailable() from error
