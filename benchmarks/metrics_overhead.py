"""Cost of the metrics on the hot paths: one HTTP request through the gateway's middleware
beside the same bare ASGI app (a direct ASGI call, no server), and one gRPC call's observation."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc
from starlette.routing import Route

from kit.metrics import GrpcMethodMetrics, HttpMetricsMiddleware

REQUESTS = 200_000
SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "GET",
    "path": "/api/v1/households/ab12",
    "headers": [],
}


async def endpoint(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def receive() -> dict:
    return {"type": "http.request", "body": b""}


async def send(message: dict) -> None:
    return None


async def seconds_per_request(app, count: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for _ in range(count):
        scope = dict(SCOPE)
        scope["route"] = ROUTE  # as the router leaves it: the template is what is read
        await app(scope, receive, send)
    return (time.perf_counter() - started) / count


ROUTE = Route("/api/v1/households/{household_id}", endpoint)


def grpc_observation_seconds(count: int) -> float:
    metrics = GrpcMethodMetrics("/jingzhun.registry.v1.RegistryService/GetHousehold")
    started = time.perf_counter()
    for _ in range(count):
        metrics.observe(grpc.StatusCode.OK, time.perf_counter() - started)
    return (time.perf_counter() - started) / count


async def http_costs() -> tuple[float, float]:
    bare, measured = endpoint, HttpMetricsMiddleware(endpoint)
    await seconds_per_request(measured, 10_000)  # warm the series cache and the interpreter
    without = min([await seconds_per_request(bare, REQUESTS) for _ in range(3)])
    with_metrics = min([await seconds_per_request(measured, REQUESTS) for _ in range(3)])
    return without, with_metrics


def run() -> list[dict]:
    without, with_metrics = asyncio.run(http_costs())
    observe = min(grpc_observation_seconds(REQUESTS) for _ in range(3))
    added = with_metrics - without
    return [
        {
            "benchmark": "HTTP metrics middleware, per request (direct ASGI call)",
            "platform": f"{with_metrics * 1e6:.2f} µs ({added * 1e6:.2f} µs added)",
            "baseline": f"{without * 1e6:.2f} µs (the bare ASGI endpoint)",
            "ratio": f"+{added * 1e6:.2f} µs: {added / 100e-6:.1%} of a FastAPI request "
            "(≈ 100 µs, BASELINES.md)",
        },
        {
            "benchmark": "gRPC server metrics, per call (count + histogram)",
            "platform": f"{observe * 1e6:.2f} µs",
            "baseline": "≈ 200 µs CPU of a grpc.aio call (BASELINES.md)",
            "ratio": f"{observe / 200e-6:.2%} of a call",
        },
    ]
