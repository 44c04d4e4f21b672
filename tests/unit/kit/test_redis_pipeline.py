"""The gateway's pipelined Redis connection against the real Redis: replies go back to their own
commands, a script Redis forgot is loaded again, a killed connection is dialled again, and a
Redis that cannot be reached is redis-py's ConnectionError (the gateway's 503)."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from kit.redis_pipeline import PipelinedRedis


def pipelined(url: str, retries: int = 3) -> PipelinedRedis:
    return PipelinedRedis(url, connect_timeout=1, reply_timeout=1, retries=retries, retry_cap=0.05)


async def test_concurrent_commands_each_get_their_own_reply(
    redis_url: str, redis_prefix: str
) -> None:
    client = pipelined(redis_url)
    try:
        keys = [f"{redis_prefix}pipe:{i}" for i in range(200)]
        counts = await asyncio.gather(
            *(client.execute("INCRBY", key, i) for i, key in enumerate(keys))
        )
        assert counts == list(range(200))
        assert await client.execute("GET", keys[7]) == b"7"
    finally:
        await client.aclose()


async def test_a_script_redis_forgot_and_a_killed_connection_are_recovered(
    redis_url: str, redis_prefix: str
) -> None:
    client = pipelined(redis_url)
    admin = Redis.from_url(redis_url)
    try:
        script = client.register_script("return redis.call('INCR', KEYS[1])")
        key = f"{redis_prefix}pipe:script"
        assert await script(keys=[key], args=[]) == 1
        await admin.script_flush()
        assert await script(keys=[key], args=[]) == 2
        await admin.client_kill_filter(_id=await client.execute("CLIENT", "ID"))  # its own alone
        assert await script(keys=[key], args=[]) == 3
    finally:
        await client.aclose()
        await admin.aclose()


async def test_an_unreachable_redis_is_a_connection_error() -> None:
    client = pipelined("redis://127.0.0.1:1/0", retries=1)
    with pytest.raises(RedisConnectionError):
        await client.execute("PING")
