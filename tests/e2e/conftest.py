"""End-to-end: the real services and gateway as separate processes, over HTTP, on this run's
own databases, NATS subjects and Redis keys; notification sends its texts to the run's own
SMSC simulator (in this process: tests see what it received)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.platform import SERVICE_PORTS, LocalPlatform, PlatformConfig
from devstack.processes import free_port
from tests.e2e.smsc import SmscThread

STRONG_PASSWORD = "Passw0rd-for-e2e"
LOCKOUT_THRESHOLD = 3
RATE_LIMIT = 300
ADMIN_MOBILES = itertools.count(13800000000)


@pytest.fixture(scope="session")
def smsc() -> Iterator[SmscThread]:
    """The SMSC the platform texts through; numbers ending in 4 fail (the simulator's rule)."""
    simulator = SmscThread(receipt_delay=0.05)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def platform(
    tmp_path_factory: pytest.TempPathFactory,
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
    smsc: SmscThread,
) -> Iterator[LocalPlatform]:
    config = PlatformConfig(
        var_dir=tmp_path_factory.mktemp("platform"),
        nats_url=nats_url,
        redis_url=redis_url,
        bus_prefix=bus_prefix,
        redis_prefix=redis_prefix,
        gateway_port=free_port(),
        service_ports={name: free_port() for name in SERVICE_PORTS},
        extra_env={
            "IDENTITY_ARGON2_TIME_COST": "1",
            "IDENTITY_ARGON2_MEMORY_KIB": "1024",
            "IDENTITY_LOCKOUT_THRESHOLD": str(LOCKOUT_THRESHOLD),
            "GATEWAY_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT),
            "GATEWAY_TOKEN_RATE_LIMIT_PER_MINUTE": "100000",
            "NOTIFICATION_QUIET_HOURS": "",  # tests run at any hour
            "NOTIFICATION_RETRY_BASE_SECONDS": "0.5",
            # An urgent need escalates from its village after a few seconds (the others keep
            # their real deadlines); the scheduler looks twice a second.
            "ASSISTANCE_URGENT_NEED_DEADLINE_HOURS": json.dumps(
                {"village": 0.001, "town": 24, "county": 24, "city": 24, "province": 24}
            ),
            "ASSISTANCE_SCHEDULER_INTERVAL_SECONDS": "0.5",
            # A leader candidate's public notice runs 8 seconds (5 days at least in prod).
            "TRAINING_NOTICE_PERIOD_DAYS": str(8 / 86400),
            "TRAINING_SCHEDULER_INTERVAL_SECONDS": "0.5",
        },
        smsc_port=smsc.port,
    )
    local = LocalPlatform(config)
    local.prepare()
    try:
        local.start()
        yield local
    finally:
        local.stop()
        local.delete_streams()


class Api:
    """The platform as an integrator or a cadre's app sees it: HTTP and nothing else."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self._mobiles = itertools.count(13900000000)

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return bearer(token)

    def get(self, path: str, token: str, **params: object) -> httpx.Response:
        return self.http.get(path, headers=bearer(token), params=params)

    def next_mobile(self) -> str:
        return str(next(self._mobiles))

    def token(self, mobile: str, password: str) -> httpx.Response:
        return self.http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": mobile, "password": password},
        )

    def login(self, mobile: str, password: str) -> str:
        reply = self.token(mobile, password)
        assert reply.status_code == 200, reply.text
        return reply.json()["access_token"]

    def activate(self, mobile: str, initial_password: str) -> str:
        """First login and the forced password change; returns a usable access token."""
        first = self.login(mobile, initial_password)
        changed = self.http.post(
            "/api/v1/auth/password",
            json={"current_password": initial_password, "new_password": STRONG_PASSWORD},
            headers=bearer(first),
        )
        assert changed.status_code == 200, changed.text
        return changed.json()["access_token"]

    def create_user(self, token: str, region: str, *roles: str, mobile: str = "") -> httpx.Response:
        body = {
            "mobile": mobile or self.next_mobile(),
            "name": "测试用户",
            "region_code": region,
            "roles": list(roles),
        }
        return self.http.post("/api/v1/users", json=body, headers=bearer(token))

    def new_user(self, token: str, region: str, *roles: str) -> tuple[str, str, str]:
        """Create an account and activate it: (user id, mobile, access token)."""
        mobile = self.next_mobile()
        reply = self.create_user(token, region, *roles, mobile=mobile)
        assert reply.status_code == 201, reply.text
        created = reply.json()
        return created["user"]["id"], mobile, self.activate(mobile, created["initial_password"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


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
