"""End-to-end: the real services and gateway as separate processes, over HTTP, on this run's
own databases, NATS subjects and Redis keys; notification sends its texts to the run's own
SMSC simulator (in this process: tests see what it received)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.platform import LocalPlatform
from tests.e2e.harness import (
    Api,
    OwnPlatform,
    OwnPlatforms,
    OwnRedis,
    closing_smsc,
    running_platform,
)
from tests.e2e.smsc import SmscThread

ADMIN_MOBILES = itertools.count(13800000000)


@pytest.fixture(scope="session")
def smsc() -> Iterator[SmscThread]:
    """The SMSC the platform texts through; numbers ending in 4 fail (the simulator's rule)."""
    with closing_smsc() as simulator:
        yield simulator


@pytest.fixture(scope="session")
def platform(
    tmp_path_factory: pytest.TempPathFactory,
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
    smsc: SmscThread,
) -> Iterator[LocalPlatform]:
    with running_platform(
        tmp_path_factory.mktemp("platform"),
        nats_url=nats_url,
        redis_url=redis_url,
        bus_prefix=bus_prefix,
        redis_prefix=redis_prefix,
        smsc_port=smsc.port,
        # The shared platform's tokens outlive its longest test (the schemathesis run, over ten
        # minutes on a loaded machine): a 401 there must mean a session ended, not expired.
        extra_env={"IDENTITY_ACCESS_TOKEN_SECONDS": "3600"},
    ) as local:
        yield local


@pytest.fixture(scope="session")
def api(platform: LocalPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=platform.config.gateway_url, timeout=30) as http:
        yield Api(http)


@pytest.fixture(scope="module")
def admin_token(platform: LocalPlatform, api: Api) -> str:
    """A province administrator per test module, bootstrapped like the first one: the gateway's
    rate limit counts per account, and one account doing the whole run's set-up would hit it."""
    mobile = str(next(ADMIN_MOBILES))
    created = platform.bootstrap_admin(mobile, "省管理员")
    return api.activate(mobile, created["initial_password"])


@pytest.fixture
def var_dir(platform: LocalPlatform) -> Path:
    return platform.config.var_dir


@pytest.fixture(scope="session")
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path_factory.mktemp("own-redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def own_platforms(
    tmp_path_factory: pytest.TempPathFactory,
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
) -> OwnPlatforms:
    return OwnPlatforms(tmp_path_factory, nats_url, redis_url, bus_prefix, redis_prefix)


@pytest.fixture(scope="session")
def own_redis_platform(own_platforms: OwnPlatforms, own_redis: OwnRedis) -> Iterator[OwnPlatform]:
    """A platform on a Redis of its own, for tests that stop it."""
    with own_platforms.start(
        "ownredis",
        redis_url=own_redis.url,
        extra_env={"GATEWAY_RATE_LIMIT_PER_MINUTE": "100000"},
    ) as own:
        yield own


@pytest.fixture(scope="session")
def own_smsc(own_redis_platform: OwnPlatform) -> SmscThread:
    return own_redis_platform.smsc


@pytest.fixture(scope="session")
def own_api(own_redis_platform: OwnPlatform) -> Iterator[Api]:
    with httpx.Client(base_url=own_redis_platform.local.config.gateway_url, timeout=30) as http:
        yield Api(http)
