"""The start-up every service shares: logging, tracing, the token verifier, then serve; and
its end: the spans still batched are exported once serving has stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from types import ModuleType
from typing import Any

import grpc

from kit.grpc_server import serve
from kit.logs import configure_logging
from kit.settings import ServiceSettings
from kit.telemetry import configure_tracing, shutdown_tracing
from kit.tokens import TokenVerifier

Register = Callable[[grpc.aio.Server], Iterable[str]]


async def run_service(
    settings: ServiceSettings,
    register: Register,
    *,
    background: Iterable[Callable[[], Coroutine[Any, Any, None]]] = (),
    on_stop: Callable[[], Awaitable[None]] | None = None,
) -> None:
    common = settings.common
    configure_logging(settings.service_name, common.log_level)
    configure_tracing(settings.service_name, common.otel_exporter, common.trace_sample_ratio)
    verifier = TokenVerifier.from_file(
        common.jwt_public_key_file, issuer=common.jwt_issuer, audience=common.jwt_audience
    )
    await serve(
        address=settings.grpc_address,
        verifier=verifier,
        register=register,
        background=background,
        on_stop=on_stop,
    )
    await asyncio.to_thread(shutdown_tracing)


def servicer_registration(pb2: ModuleType, pb2_grpc: ModuleType, service: str) -> Register:
    """A `register` for the servicer of `service` from its generated modules (the base
    servicer, answering UNIMPLEMENTED, for a service whose calls are still to come)."""

    def register(server: grpc.aio.Server) -> list[str]:
        servicer = getattr(pb2_grpc, f"{service}Servicer")()
        getattr(pb2_grpc, f"add_{service}Servicer_to_server")(servicer, server)
        return [pb2.DESCRIPTOR.services_by_name[service].full_name]

    return register
