"""gRPC clients of the services: one channel each, the caller's token and request id carried
in metadata, a deadline on every call, and failures turned back into DomainErrors."""

from __future__ import annotations

from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jingzhun.identity.v1 import identity_pb2_grpc
from kit.grpc_errors import from_rpc_error


class ServiceClient:
    def __init__(self, address: str, stub_class: type, timeout: float) -> None:
        self.address = address
        self.channel = grpc.aio.insecure_channel(address)
        self.stub = stub_class(self.channel)
        self._health = health_pb2_grpc.HealthStub(self.channel)
        self.timeout = timeout

    async def call(
        self, method: str, request: Any, *, token: str = "", request_id: str = ""
    ) -> Any:
        metadata = [("x-request-id", request_id)]
        if token:
            metadata.append(("authorization", f"Bearer {token}"))
        try:
            return await getattr(self.stub, method)(
                request, metadata=metadata, timeout=self.timeout
            )
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc) from None

    async def is_serving(self) -> bool:
        try:
            reply = await self._health.Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.aio.AioRpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING

    async def close(self) -> None:
        await self.channel.close()


def identity_client(address: str, timeout: float) -> ServiceClient:
    return ServiceClient(address, identity_pb2_grpc.IdentityServiceStub, timeout)
