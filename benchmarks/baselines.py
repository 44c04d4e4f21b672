"""Baseline servers for the gateway benchmark, run as separate processes like the platform:

- `bare`: FastAPI returning the region JSON (or, with `--households FILE`, the households of
  that JSON file, by id) from memory (the framework's own ceiling);
- `echo-server`: a grpc.aio server with one unary echo method (raw bytes, no work);
- `echo-app`: FastAPI that forwards one echo call per request and returns the same JSON —
  the ceiling of "REST gateway -> one gRPC hop" in Python on this machine.

`python -m benchmarks.baselines bare|echo-app|echo-server --port N [--echo-address A]
[--households FILE]`
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import uvicorn
from fastapi import FastAPI, Response

ECHO_METHOD = "/bench.Echo/Echo"


def region_json(code: str) -> bytes:
    """A response shaped like GET /api/v1/regions/{code}."""
    return json.dumps(
        {
            "code": code,
            "name": "历下区",
            "level": "county",
            "parent_code": "370100000000",
            "ancestors": [
                {"code": "370000000000", "name": "山东省", "level": "province"},
                {"code": "370100000000", "name": "济南市", "level": "city"},
            ],
            "child_count": 10,
            "retired": False,
            "successor_code": None,
        },
        ensure_ascii=False,
    ).encode()


def household_json(households: dict[str, dict], household_id: str) -> bytes:
    """A response shaped like GET /api/v1/households/{id}: the household as the platform gave it."""
    return json.dumps(households[household_id], ensure_ascii=False).encode()


def bare_app(households: dict[str, dict]) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/regions/{code}")
    async def region(code: str) -> Response:
        return Response(region_json(code), media_type="application/json")

    @app.get("/api/v1/households/{household_id}")
    async def household(household_id: str) -> Response:
        return Response(household_json(households, household_id), media_type="application/json")

    return app


def echo_app(echo_address: str, households: dict[str, dict]) -> FastAPI:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with grpc.aio.insecure_channel(echo_address) as channel:
            state["echo"] = channel.unary_unary(ECHO_METHOD)
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/api/v1/regions/{code}")
    async def region(code: str) -> Response:
        reply = await state["echo"](code.encode(), timeout=5)
        return Response(region_json(reply.decode()), media_type="application/json")

    @app.get("/api/v1/households/{household_id}")
    async def household(household_id: str) -> Response:
        reply = await state["echo"](household_id.encode(), timeout=5)
        return Response(household_json(households, reply.decode()), media_type="application/json")

    return app


async def serve_echo(port: int) -> None:
    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["bare", "echo-app", "echo-server"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--echo-address", default="127.0.0.1:50099")
    parser.add_argument("--households", type=Path, help="JSON object: household id -> household")
    args = parser.parse_args()
    if args.kind == "echo-server":
        asyncio.run(serve_echo(args.port))
        return
    households = json.loads(args.households.read_text()) if args.households else {}
    app = bare_app(households) if args.kind == "bare" else echo_app(args.echo_address, households)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
