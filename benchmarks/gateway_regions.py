"""An authenticated GET /api/v1/regions/{code} through the gateway and identity's gRPC (token
check, revocation and rate limit in Redis, Casbin, territory), at 64 connections, beside
(a) bare FastAPI returning the same JSON and (b) FastAPI forwarding one grpc.aio echo call —
the ceiling of "REST gateway -> one gRPC service" in Python on this machine."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

import httpx

from benchmarks.load import LoadResult, run_wrk
from devstack.infra import ensure_nats, ensure_redis
from devstack.platform import SERVICE_PORTS, LocalPlatform, PlatformConfig
from devstack.processes import base_environment, free_port

REGION = "370102000000"
SECONDS = 10
CONNECTIONS = 64


def start_platform(var_dir: Path) -> LocalPlatform:
    run = secrets.token_hex(3)
    config = PlatformConfig(
        var_dir=var_dir,
        bus_prefix=f"bench{run}.",
        redis_prefix=f"bench{run}:",
        gateway_port=free_port(),
        service_ports={name: free_port() for name in SERVICE_PORTS},
        extra_env={"GATEWAY_RATE_LIMIT_PER_MINUTE": str(10**9), "JZ_LOG_LEVEL": "WARNING"},
    )
    platform = LocalPlatform(config)
    platform.prepare()
    platform.start()
    return platform


def admin_token(platform: LocalPlatform) -> str:
    created = platform.bootstrap_admin("13800000000", "省管理员")
    with httpx.Client(base_url=platform.config.gateway_url) as http:
        first = http.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "password",
                "username": "13800000000",
                "password": created["initial_password"],
            },
        ).json()["access_token"]
        changed = http.post(
            "/api/v1/auth/password",
            json={
                "current_password": created["initial_password"],
                "new_password": "Bench-passw0rd",
            },
            headers={"Authorization": f"Bearer {first}"},
        )
        return changed.json()["access_token"]


def measure_baselines(platform: LocalPlatform) -> tuple[LoadResult, LoadResult]:
    supervisor = platform.supervisor
    env = base_environment({})
    echo_port, echo_app_port, bare_port = free_port(), free_port(), free_port()
    echo = supervisor.spawn(
        "echo-server", "benchmarks.baselines", env, "echo-server", "--port", str(echo_port)
    )
    supervisor.wait_grpc_port(echo, echo_port)
    echo_app = supervisor.spawn(
        "echo-app",
        "benchmarks.baselines",
        env,
        "echo-app",
        "--port",
        str(echo_app_port),
        "--echo-address",
        f"127.0.0.1:{echo_port}",
    )
    bare = supervisor.spawn("bare", "benchmarks.baselines", env, "bare", "--port", str(bare_port))
    path = f"/api/v1/regions/{REGION}"
    supervisor.wait_http(echo_app, f"http://127.0.0.1:{echo_app_port}{path}")
    supervisor.wait_http(bare, f"http://127.0.0.1:{bare_port}{path}")
    echo_result = run_wrk(
        f"http://127.0.0.1:{echo_app_port}{path}",
        seconds=SECONDS,
        connections=CONNECTIONS,
        headers={},
        server_pids=[echo_app.process.pid, echo.process.pid],
    )
    bare_result = run_wrk(
        f"http://127.0.0.1:{bare_port}{path}",
        seconds=SECONDS,
        connections=CONNECTIONS,
        headers={},
        server_pids=[bare.process.pid],
    )
    return echo_result, bare_result


def row(name: str, ours: LoadResult, baseline: LoadResult, baseline_name: str) -> dict:
    return {
        "benchmark": name,
        "platform": f"{ours.requests_per_second:,.0f} req/s, p99 {ours.p99_ms:.0f} ms, "
        f"{ours.cpu_ms_per_request:.2f} CPU-ms/req",
        "baseline": f"{baseline_name}: {baseline.requests_per_second:,.0f} req/s, p99 {baseline.p99_ms:.0f} ms, "
        f"{baseline.cpu_ms_per_request:.2f} CPU-ms/req",
        "ratio": f"{ours.requests_per_second / baseline.requests_per_second:.0%} of its req/s",
    }


def run() -> list[dict]:
    started = [
        ensure_nats("nats://127.0.0.1:4222", Path(tempfile.mkdtemp()) / "nats"),
        ensure_redis("redis://127.0.0.1:6379/0", Path(tempfile.mkdtemp()) / "redis"),
    ]
    platform = start_platform(Path(tempfile.mkdtemp(prefix="jz-bench-")))
    try:
        token = admin_token(platform)
        gateway = next(c for c in platform.supervisor.children if c.name == "gateway")
        identity = next(c for c in platform.supervisor.children if c.name == "identity")
        ours = run_wrk(
            f"{platform.config.gateway_url}/api/v1/regions/{REGION}",
            seconds=SECONDS,
            connections=CONNECTIONS,
            headers={"Authorization": f"Bearer {token}"},
            server_pids=[gateway.process.pid, identity.process.pid],
        )
        if ours.non_2xx:
            raise RuntimeError(f"{ours.non_2xx} requests failed during the benchmark")
        echo, bare = measure_baselines(platform)
    finally:
        platform.stop()
        platform.delete_streams()
        for server in started:
            if server:
                server.stop()
    return [
        row("GET /regions/{code}, 64 conn", ours, echo, "(b) FastAPI + grpc echo"),
        row("GET /regions/{code}, 64 conn", ours, bare, "(a) bare FastAPI"),
    ]
