"""What the gateway benchmarks share: a platform of their own (this run's NATS prefix, Redis
prefix and, for PostgreSQL, databases dropped afterwards), activated accounts, the baseline
servers of `benchmarks.baselines` loaded the same way beside it, and the printed rows."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import asyncpg
import httpx

from benchmarks.load import LoadResult, cpu_seconds, parent_of, run_wrk, tree_cpu_seconds
from devstack.infra import ensure_nats, ensure_redis
from devstack.platform import SERVICE_PORTS, LocalPlatform, PlatformConfig
from devstack.processes import base_environment, free_port

SECONDS = 10
CONNECTIONS = 64
PASSWORD = "Bench-passw0rd"
POSTGRES_ADMIN_URL = os.environ.get(
    "JZ_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def postgres_database(name: str, prefix: str = "bench") -> Iterator[str]:
    """A database of its own for this run (its SQLAlchemy URL), dropped at the end."""
    database = f"{prefix}_{name}_{secrets.token_hex(3)}"

    async def execute(statement: str) -> None:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await admin.execute(statement)
        finally:
            await admin.close()

    asyncio.run(execute(f'CREATE DATABASE "{database}"'))
    try:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{database}"
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def postgres_server_pid() -> int:
    """The PostgreSQL server's main process (on this machine): the parent of a connection's."""

    async def server_pid() -> int:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:  # while the connection, and so its process, lives
            return parent_of(await admin.fetchval("SELECT pg_backend_pid()"))
        finally:
            await admin.close()

    return asyncio.run(server_pid())


@contextmanager
def running_platform(
    database_urls: dict[str, str] | None = None,
    *,
    smsc_port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[LocalPlatform]:
    """The whole platform on free ports (SQLite unless `database_urls` says otherwise), texting
    through the SMSC at `smsc_port` if given (else a simulator of its own), `extra_env` added."""
    started = [
        ensure_nats("nats://127.0.0.1:4222", Path(tempfile.mkdtemp()) / "nats"),
        ensure_redis("redis://127.0.0.1:6379/0", Path(tempfile.mkdtemp()) / "redis"),
    ]
    run = secrets.token_hex(3)
    config = PlatformConfig(
        var_dir=Path(tempfile.mkdtemp(prefix="jz-bench-")),
        bus_prefix=f"bench{run}.",
        redis_prefix=f"bench{run}:",
        gateway_port=free_port(),
        service_ports={name: free_port() for name in SERVICE_PORTS},
        database_urls=database_urls or {},
        extra_env={
            "GATEWAY_RATE_LIMIT_PER_MINUTE": str(10**9),
            "JZ_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        },
        smsc_port=smsc_port,
    )
    platform = LocalPlatform(config)
    try:
        platform.prepare()
        platform.start()
        yield platform
    finally:
        platform.stop()
        platform.delete_streams()
        for server in started:
            if server:
                server.stop()


def pid_of(platform: LocalPlatform, name: str) -> int:
    return next(c.process.pid for c in platform.supervisor.children if c.name == name)


def activate(http: httpx.Client, mobile: str, initial_password: str) -> str:
    """First login and the forced password change; returns a usable access token."""
    first = http.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": mobile, "password": initial_password},
    )
    first.raise_for_status()
    changed = http.post(
        "/api/v1/auth/password",
        json={"current_password": initial_password, "new_password": PASSWORD},
        headers={"Authorization": f"Bearer {first.json()['access_token']}"},
    )
    changed.raise_for_status()
    return changed.json()["access_token"]


def admin_token(platform: LocalPlatform) -> str:
    """The province administrator's access token."""
    created = platform.bootstrap_admin("13800000000", "省管理员")
    with httpx.Client(base_url=platform.config.gateway_url) as http:
        return activate(http, "13800000000", created["initial_password"])


def measure_baselines(
    platform: LocalPlatform, path: str, *args: str, script: Path | None = None
) -> tuple[LoadResult, LoadResult]:
    """(b) FastAPI + one grpc.aio echo and (a) bare FastAPI, each answering `path` (and the
    requests of `script`); `args` go to `benchmarks.baselines` after the kind."""
    supervisor = platform.supervisor
    env = base_environment({})
    echo_port, echo_app_port, bare_port = free_port(), free_port(), free_port()
    echo = supervisor.spawn(
        "echo-server", "benchmarks.baselines", env, "echo-server", "--port", str(echo_port)
    )
    supervisor.wait_port(echo, echo_port)
    echo_app = supervisor.spawn(
        "echo-app",
        "benchmarks.baselines",
        env,
        "echo-app",
        "--port",
        str(echo_app_port),
        "--echo-address",
        f"127.0.0.1:{echo_port}",
        *args,
    )
    bare = supervisor.spawn(
        "bare", "benchmarks.baselines", env, "bare", "--port", str(bare_port), *args
    )
    supervisor.wait_http(echo_app, f"http://127.0.0.1:{echo_app_port}{path}")
    supervisor.wait_http(bare, f"http://127.0.0.1:{bare_port}{path}")
    echo_result = load(
        f"http://127.0.0.1:{echo_app_port}{path}",
        {"echo-app": [echo_app.process.pid], "echo-server": [echo.process.pid]},
        script=script,
    )
    bare_result = load(
        f"http://127.0.0.1:{bare_port}{path}", {"bare": [bare.process.pid]}, script=script
    )
    return echo_result, bare_result


def load(
    url: str,
    servers: dict[str, list[int]],
    *,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    with_postgres: bool = False,
) -> LoadResult:
    """`wrk` at the benchmarks' connections and duration; the CPU of `servers` (name -> pids)
    counts, and with `with_postgres` that of the whole PostgreSQL server (its other users'
    too: run it on an otherwise quiet server)."""
    cpu: dict[str, Callable[[], float]] = {
        name: partial(cpu_seconds, pids) for name, pids in servers.items()
    }
    if with_postgres:
        cpu["postgres"] = partial(tree_cpu_seconds, postgres_server_pid())
    return run_wrk(
        url,
        seconds=SECONDS,
        connections=CONNECTIONS,
        headers=headers or {},
        servers=cpu,
        script=script,
    )


def describe(result: LoadResult) -> str:
    by_server = ", ".join(f"{name} {ms:.2f}" for name, ms in result.cpu_ms_by_server.items())
    return (
        f"{result.requests_per_second:,.0f} req/s, p99 {result.p99_ms:.0f} ms, "
        f"{result.cpu_ms_per_request:.2f} CPU-ms/req ({by_server})"
    )


def compare(name: str, ours: LoadResult, echo: LoadResult, bare: LoadResult) -> list[dict]:
    """The two rows of a gateway benchmark: ours beside (b), then beside (a)."""
    if ours.non_2xx:
        raise RuntimeError(f"{ours.non_2xx} requests failed during the benchmark")
    return [
        {
            "benchmark": name,
            "platform": describe(ours),
            "baseline": f"{label}: {describe(baseline)}",
            "ratio": f"{ours.requests_per_second / baseline.requests_per_second:.0%} of its req/s, "
            f"{ours.cpu_ms_per_request / baseline.cpu_ms_per_request:.1f}x its CPU",
        }
        for label, baseline in (("(b) FastAPI + grpc echo", echo), ("(a) bare FastAPI", bare))
    ]
