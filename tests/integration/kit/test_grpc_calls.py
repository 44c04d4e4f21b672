"""A call through kit.grpc_client into a kit.grpc_server service carries the caller's token,
request id and trace, and brings the callee's DomainError back as the same error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from prometheus_client import REGISTRY

from kit.errors import NotFound
from kit.grpc_client import ServiceClient
from kit.grpc_server import CallContext, WrappingServer
from kit.principal import current_principal
from kit.telemetry import configure_tracing
from kit.tokens import TokenVerifier
from services.identity.credentials import TokenIssuer


class Witness(health_pb2_grpc.HealthServicer):
    """Remembers what the server saw of each call; `missing` raises NotFound."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    async def Check(self, request, context):  # type: ignore[no-untyped-def]
        if request.service == "missing":
            raise NotFound("no such thing", reason="THING_NOT_FOUND")
        principal = current_principal.get()
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        request_id = dict(context.invocation_metadata()).get("x-request-id", "")
        self.seen.append((trace_id, principal.subject if principal else "", request_id))
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


@pytest.fixture
async def served(keypair: tuple[Path, Path]) -> AsyncIterator[tuple[ServiceClient, Witness]]:
    configure_tracing("kit-tests")
    verifier = TokenVerifier.from_file(keypair[1], issuer="jingzhun", audience="jingzhun")
    server = grpc.aio.server()
    wrapped = WrappingServer(server, CallContext(verifier).wrap)
    witness = Witness()
    health_pb2_grpc.add_HealthServicer_to_server(witness, wrapped)  # type: ignore[arg-type]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    client = ServiceClient(f"127.0.0.1:{port}", health_pb2_grpc.HealthStub, timeout=5)
    yield client, witness
    await client.close()
    await server.stop(grace=None)


async def test_the_callee_sees_the_callers_trace_identity_and_request_id(
    served: tuple[ServiceClient, Witness], keypair: tuple[Path, Path]
) -> None:
    client, witness = served
    issuer = TokenIssuer.from_file(
        keypair[0], issuer="jingzhun", audience="jingzhun", ttl_seconds=60
    )
    token = issuer.issue(
        subject="u-1", kind="user", region_code="370100000000", roles=["admin"]
    ).token
    with trace.get_tracer(__name__).start_as_current_span("gateway request") as span:
        await client.call(
            client.stub.Check, health_pb2.HealthCheckRequest(), token=token, request_id="r-1"
        )
        trace_id = format(span.get_span_context().trace_id, "032x")
    assert witness.seen == [(trace_id, "u-1", "r-1")]


async def test_a_domain_error_crosses_grpc_as_itself(served: tuple[ServiceClient, Witness]) -> None:
    client, _ = served
    with pytest.raises(NotFound) as raised:
        await client.call(client.stub.Check, health_pb2.HealthCheckRequest(service="missing"))
    assert (raised.value.message, raised.value.reason) == ("no such thing", "THING_NOT_FOUND")


def handled(code: str) -> float:
    labels = {"service": "grpc.health.v1.Health", "method": "Check", "code": code}
    return REGISTRY.get_sample_value("jz_grpc_server_handled_total", labels) or 0.0


async def test_every_call_is_counted_by_the_code_it_ended_with_and_timed(
    served: tuple[ServiceClient, Witness],
) -> None:
    client, _ = served
    timed = {"service": "grpc.health.v1.Health", "method": "Check"}
    before = (handled("OK"), handled("NOT_FOUND"))
    calls = REGISTRY.get_sample_value("jz_grpc_server_handling_seconds_count", timed) or 0.0
    await client.call(client.stub.Check, health_pb2.HealthCheckRequest())
    with pytest.raises(NotFound):
        await client.call(client.stub.Check, health_pb2.HealthCheckRequest(service="missing"))
    assert (handled("OK"), handled("NOT_FOUND")) == (before[0] + 1, before[1] + 1)
    assert REGISTRY.get_sample_value("jz_grpc_server_handling_seconds_count", timed) == calls + 2


async def test_a_method_known_only_to_a_generic_handler_is_wrapped_too(
    keypair: tuple[Path, Path],
) -> None:
    """The generated servicers register each method twice (generic and pre-registered); a
    method only a generic handler knows still refuses a call without a token."""
    ran: list[bytes] = []

    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        ran.append(request)
        return request

    verifier = TokenVerifier.from_file(keypair[1], issuer="jingzhun", audience="jingzhun")
    server = grpc.aio.server()
    WrappingServer(server, CallContext(verifier).wrap).add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "test.Probe", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary(
                "/test.Probe/Echo", request_serializer=bytes, response_deserializer=bytes
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await call(b"hello", timeout=5)
    finally:
        await server.stop(grace=None)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert ran == []
