"""Cost of the metrics on the hot paths, called directly as ASGI (no server, no network): the
gateway's middleware around a bare ASGI endpoint beside the endpoint alone (its own cost,
isolated), set against one request to a FastAPI route (the difference of two FastAPI runs is
lost in this machine's noise); and one gRPC call's observation (count and histogram)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc
from fastapi import FastAPI

from kit.metrics import GrpcMethodMetrics, HttpMetricsMiddleware

REQUESTS = 20_000
OBSERVATIONS = 200_000
PATH = "/api/v1/households/ab12"
SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": PATH,
    "raw_path": PATH.encode(),
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"bench")],
    "client": ("127.0.0.1", 5000),
    "server": ("127.0.0.1", 8080),
}


def household_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/households/{household_id}")
    async def get_household(household_id: str) -> dict[str, str]:
        return {"id": household_id}

    return app


async def bare_endpoint(scope: dict, receive: Any, send: Any) -> None:
    scope["route"] = ROUTE  # as the router leaves it: the middleware reads the template
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


class Route:
    path = "/api/v1/households/{household_id}"


ROUTE = Route()


async def receive() -> dict:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: dict) -> None:
    return None


async def seconds_per_request(app: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await app(dict(SCOPE), receive, send)
    return (time.perf_counter() - started) / count


async def http_costs(bare: Any, measured: Any) -> tuple[float, float]:
    """Best of five rounds each, interleaved (the machine's noise hits both alike)."""
    for app in (bare, measured):
        await seconds_per_request(app, 2_000)  # build the middleware stack, warm the caches
    rounds = [
        (await seconds_per_request(bare, REQUESTS), await seconds_per_request(measured, REQUESTS))
        for _ in range(5)
    ]
    return min(r[0] for r in rounds), min(r[1] for r in rounds)


def grpc_observation_seconds(count: int) -> float:
    metrics = GrpcMethodMetrics("/jingzhun.registry.v1.RegistryService/GetHousehold")
    started = time.perf_counter()
    for _ in range(count):
        metrics.observe(grpc.StatusCode.OK, 0.002)
    return (time.perf_counter() - started) / count


def run() -> list[dict]:
    without, with_metrics = asyncio.run(
        http_costs(bare_endpoint, HttpMetricsMiddleware(bare_endpoint))
    )
    added = with_metrics - without
    app = household_app()
    fastapi = asyncio.run(http_costs(app, app))[0]
    observe = min(grpc_observation_seconds(OBSERVATIONS) for _ in range(3))
    return [
        {
            "benchmark": "gateway HTTP metrics middleware, per request (direct ASGI call)",
            "platform": f"+{added * 1e6:.2f} µs ({with_metrics * 1e6:.2f} µs around a bare "
            f"endpoint of {without * 1e6:.2f} µs)",
            "baseline": f"{fastapi * 1e6:.0f} µs: one request to a FastAPI route, same way",
            "ratio": f"{added / fastapi:.1%} of that request",
        },
        {
            "benchmark": "gRPC server metrics, per call (count + histogram)",
            "platform": f"{observe * 1e6:.2f} µs",
            "baseline": "≈ 200 µs CPU of a grpc.aio call (BASELINES.md)",
            "ratio": f"{observe / 200e-6:.1%} of a call",
        },
    ]
