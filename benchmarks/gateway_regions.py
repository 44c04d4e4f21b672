"""An authenticated GET /api/v1/regions/{code} through the gateway and identity's gRPC (token
check, revocation and rate limit in Redis, Casbin, territory), at 64 connections, beside
(a) bare FastAPI returning the same JSON and (b) FastAPI forwarding one grpc.aio echo call —
the ceiling of "REST gateway -> one gRPC service" in Python on this machine."""

from __future__ import annotations

from benchmarks.harness import (
    admin_token,
    compare,
    load,
    measure_baselines,
    pid_of,
    running_platform,
)

REGION = "370102000000"


def run() -> list[dict]:
    path = f"/api/v1/regions/{REGION}"
    with running_platform() as platform:
        ours = load(
            f"{platform.config.gateway_url}{path}",
            {name: [pid_of(platform, name)] for name in ("gateway", "identity")},
            headers={"Authorization": f"Bearer {admin_token(platform)}"},
        )
        echo, bare = measure_baselines(platform, path)
    return compare("GET /regions/{code}, 64 conn", ours, echo, bare)
