"""Redis through the real gateway, on a Redis of the platform's own: a burst larger than the
connection pool waits for connections instead of failing; while Redis is away every request is
a 503 problem with Retry-After (and a revoked token is refused, never let through); once Redis
is back, connections it left dead are replaced and every request succeeds again."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from tests.e2e.harness import STRONG_PASSWORD, Api, OwnPlatform, OwnRedis, bearer

pytestmark = pytest.mark.e2e

BURST = 150  # beyond the pool's 100 connections
AFTER_RESTART = 20


@pytest.fixture(scope="module")
def own_admin(own_redis_platform: OwnPlatform, own_api: Api) -> str:
    created = own_redis_platform.local.bootstrap_admin("13811110000", "省管理员")
    return own_api.activate("13811110000", created["initial_password"])


async def statuses(base_url: str, token: str, count: int) -> Counter[int]:
    """The statuses of `count` requests for the caller's own account, all at once."""
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        replies = await asyncio.gather(
            *(http.get("/api/v1/me", headers=bearer(token)) for _ in range(count))
        )
    return Counter(reply.status_code for reply in replies)


async def test_a_burst_larger_than_the_pool_gets_no_server_error(
    own_redis_platform: OwnPlatform, own_admin: str
) -> None:
    burst = await statuses(own_redis_platform.local.config.gateway_url, own_admin, BURST)
    assert burst == {200: BURST}


async def test_redis_away_is_a_503_with_retry_after_and_back_serves_every_request(
    own_redis_platform: OwnPlatform, own_api: Api, own_admin: str, own_redis: OwnRedis
) -> None:
    base_url = own_redis_platform.local.config.gateway_url
    _, mobile, _ = own_api.new_user(own_admin, "370115001001", "helper")
    logged_out = own_api.login(mobile, STRONG_PASSWORD)
    assert own_api.http.post("/api/v1/auth/logout", headers=bearer(logged_out)).status_code == 204
    assert await statuses(base_url, own_admin, AFTER_RESTART) == {200: AFTER_RESTART}  # pooled

    own_redis.stop()
    try:
        away = own_api.get("/api/v1/me", own_admin)
        revoked_while_away = own_api.get("/api/v1/me", logged_out)
    finally:
        own_redis.start()  # empty: the revocations it held are gone with it

    assert away.status_code == 503, away.text
    assert away.headers["content-type"] == "application/problem+json"
    assert away.json()["type"] == "urn:jingzhun:problem:redis-unavailable"
    assert int(away.headers["retry-after"]) > 0
    assert revoked_while_away.status_code == 503
    assert await statuses(base_url, own_admin, AFTER_RESTART) == {200: AFTER_RESTART}
    assert own_api.get("/api/v1/me", logged_out).status_code == 401
