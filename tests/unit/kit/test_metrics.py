"""The gateway's HTTP metrics are labelled by route template, never by the path asked for."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI, HTTPException
from prometheus_client import REGISTRY

from kit.metrics import HttpMetricsMiddleware

TEMPLATE = "/api/v1/things/{thing_id}"


def app_with_metrics() -> FastAPI:
    app = FastAPI()

    @app.get(TEMPLATE)
    async def read_thing(thing_id: str) -> dict[str, str]:
        if thing_id == "missing":
            raise HTTPException(status_code=404)
        return {"id": thing_id}

    app.add_middleware(HttpMetricsMiddleware)
    return app


def requests_of(route: str, method: str, status: str) -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value("jz_http_requests_total", labels) or 0.0


async def get(*paths: str) -> None:
    transport = httpx.ASGITransport(app=app_with_metrics())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for path in paths:
            await http.get(path)


async def test_requests_for_different_things_share_their_route_templates_series() -> None:
    before = requests_of(TEMPLATE, "GET", "200")
    await get(*(f"/api/v1/things/{uuid.uuid4()}" for _ in range(3)))
    assert requests_of(TEMPLATE, "GET", "200") == before + 3
    paths = {s.labels.get("route") for m in REGISTRY.collect() for s in m.samples}
    assert not any(str(p).startswith("/api/v1/things/") and p != TEMPLATE for p in paths)


async def test_a_thing_not_found_is_a_404_of_its_route_and_an_unknown_path_is_unmatched() -> None:
    before = (requests_of(TEMPLATE, "GET", "404"), requests_of("unmatched", "GET", "404"))
    await get("/api/v1/things/missing", "/no/such/route")
    after = (requests_of(TEMPLATE, "GET", "404"), requests_of("unmatched", "GET", "404"))
    assert after == (before[0] + 1, before[1] + 1)


async def test_every_request_is_timed_under_its_route_template() -> None:
    labels = {"route": TEMPLATE, "method": "GET"}
    before = REGISTRY.get_sample_value("jz_http_request_duration_seconds_count", labels) or 0.0
    await get("/api/v1/things/1")
    assert REGISTRY.get_sample_value("jz_http_request_duration_seconds_count", labels) == before + 1
