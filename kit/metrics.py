"""Prometheus metrics every process shares (names are a contract: docs/metrics.md): the scrape
server on a port of its own, the gateway's HTTP middleware, the gRPC servers' per-method
figures, and the periodic sampling of backlog gauges by the objects that own the backlog."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

import grpc
from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client import start_http_server as start_scrape_server

from kit.settings import CommonSettings

log = logging.getLogger(__name__)

UNMATCHED = "unmatched"  # the route of a request no route matched (a 404 of the router)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds: from a cached read (~1 ms) to an export of a whole territory (minutes).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)

HTTP_REQUESTS = Counter(
    "jz_http_requests_total", "HTTP requests answered by the gateway", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "jz_http_request_duration_seconds",
    "Time the gateway took to answer a request, body included",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
GRPC_HANDLED = Counter(
    "jz_grpc_server_handled_total", "gRPC calls a service completed", ["service", "method", "code"]
)
GRPC_SECONDS = Histogram(
    "jz_grpc_server_handling_seconds",
    "Time a service took to handle a gRPC call",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_PENDING = Gauge("jz_outbox_pending", "Outbox rows not yet published", ["service"])
CONSUMER_PENDING = Gauge(
    "jz_consumer_pending",
    "Messages a durable consumer has yet to handle (pending + unacknowledged)",
    ["stream", "consumer"],
)

_sample_seconds: float | None = None  # set once this process serves metrics


def serve_metrics(settings: CommonSettings) -> None:
    """Serve `/metrics` on `metrics_host:metrics_port` (a thread of the client library: a
    scrape never waits for the event loop) when the port is set; else do nothing, and no
    backlog is sampled either."""
    global _sample_seconds
    if settings.metrics_port <= 0:
        return
    disable_created_metrics()  # a `_created` series per counter doubles the scrape for nothing
    start_scrape_server(settings.metrics_port, settings.metrics_host)
    _sample_seconds = settings.metrics_sample_seconds
    log.info("serving metrics", extra={"port": settings.metrics_port})


async def sample_every(sample: Callable[[], Awaitable[None]]) -> None:
    """Run `sample` (one cheap read that sets a gauge) now and every `metrics_sample_seconds`
    until cancelled; returns at once in a process that serves no metrics. A failed sample
    leaves the gauge as it was (the owner of the backlog reports its own failures)."""
    if _sample_seconds is None:
        return
    while True:
        try:
            await sample()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.debug("sampling a gauge failed: %s", type(error).__name__)
        await asyncio.sleep(_sample_seconds)


class GrpcMethodMetrics:
    """The series of one gRPC method (`/package.Service/Method`), looked up once per method
    rather than by labels on every call."""

    def __init__(self, full_method: str) -> None:
        service, _, method = full_method.lstrip("/").rpartition("/")
        self._labels = (service, method)
        self._seconds = GRPC_SECONDS.labels(service, method)
        self._handled: dict[grpc.StatusCode, Any] = {}

    def observe(self, code: grpc.StatusCode, seconds: float) -> None:
        self._seconds.observe(seconds)
        handled = self._handled.get(code)
        if handled is None:
            handled = self._handled[code] = GRPC_HANDLED.labels(*self._labels, code.name)
        handled.inc()


Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def route_of(scope: Scope) -> str:
    """The template of the route that answered (`/api/v1/households/{household_id}`), never
    the path itself: one series per route, not one per household."""
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED


class HttpMetricsMiddleware:
    """Count and time every HTTP request by route template, method and status (pure ASGI: a
    few microseconds a request). Outermost but for the error handler: a request that raised
    is counted as the 500 it becomes."""

    def __init__(self, app: Asgi) -> None:
        self.app = app
        self._seconds: dict[tuple[str, str], Any] = {}
        self._requests: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = perf_counter()
        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self._observe(scope, status, perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_of(scope)
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        timed = self._seconds.get((route, method))
        if timed is None:
            timed = self._seconds[route, method] = HTTP_SECONDS.labels(route, method)
        timed.observe(seconds)
        counted = self._requests.get((route, method, status))
        if counted is None:
            counted = self._requests[route, method, status] = HTTP_REQUESTS.labels(
                route, method, str(status)
            )
        counted.inc()
