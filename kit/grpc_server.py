"""gRPC server bootstrap shared by every service: grpc.aio, health, reflection, and the one
layer around every method, built at registration, that makes the call's server span, sets the
caller's principal, maps errors to status codes once and counts and times every call by method
and code."""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from time import perf_counter
from typing import Any, cast

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry import propagate, trace

from kit.anonymous_methods import is_anonymous
from kit.errors import DomainError, Internal, Unauthenticated
from kit.grpc_errors import to_grpc_status
from kit.heap import freeze_startup_heap
from kit.metrics import GrpcMethodMetrics
from kit.principal import current_principal
from kit.tokens import TokenVerifier

log = logging.getLogger(__name__)

AUTHORIZATION = "authorization"


async def replies_of(result: Any) -> AsyncIterator[Any]:
    """The replies of a streaming handler, whether it yields them or writes them to its context
    (as the health service's Watch does) and returns nothing."""
    if inspect.isasyncgen(result):
        async for reply in result:
            yield reply
    else:
        await result


Wrap = Callable[[str, Any], Any]
"""A layer around one method's handler: (full method name, handler) -> handler (`Any`: grpc's
stubs describe a handler's functions as synchronous, grpc.aio's are coroutine functions)."""

_tracer = trace.get_tracer(__name__)


class WrappingServer:
    """The server as `register` sees it: every method handler added through it is wrapped by
    `wrap` once, at registration. (A grpc.aio server with interceptors runs them on every
    call, each building its handler anew — the slower path; this one has none.)"""

    def __init__(self, server: grpc.aio.Server, wrap: Wrap) -> None:
        self._server = server
        self._wrap = wrap

    def add_generic_rpc_handlers(self, handlers: Iterable[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(
            tuple(_WrappedGenericHandler(handler, self._wrap) for handler in handlers)
        )

    def add_registered_method_handlers(
        self, service: str, handlers: dict[str, grpc.RpcMethodHandler]
    ) -> None:
        self._server.add_registered_method_handlers(
            service,
            {name: self._wrap(f"/{service}/{name}", h) for name, h in handlers.items()},
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)


class _WrappedGenericHandler(grpc.GenericRpcHandler):
    """A generic handler's methods, each wrapped the first time it is asked for (the
    generated servicers' handlers depend on the method's name alone)."""

    def __init__(self, handler: grpc.GenericRpcHandler, wrap: Wrap) -> None:
        self._handler = handler
        self._wrap = wrap
        self._wrapped: dict[str, grpc.RpcMethodHandler | None] = {}

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler | None:
        method = handler_call_details.method
        if method not in self._wrapped:
            handler = self._handler.service(handler_call_details)
            self._wrapped[method] = None if handler is None else self._wrap(method, handler)
        return self._wrapped[method]


class CallContext:
    """Around every method, one layer: the call's server span (its parent taken from the
    caller's trace context); the caller's token decoded into `current_principal` (a call
    without one is UNAUTHENTICATED unless its method is one of kit.anonymous_methods);
    DomainErrors turned into rich statuses and anything unexpected into a bare INTERNAL,
    logged here and nowhere else; each call counted by the code it ended with, and timed."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier

    def wrap(self, method: str, handler: Any) -> Any:
        metrics = GrpcMethodMetrics(method)
        anonymous = is_anonymous(method)
        kinds = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            unary = handler.unary_unary

            async def one_to_one(request: Any, context: grpc.aio.ServicerContext) -> Any:
                async with self._call(context, method, metrics, anonymous):
                    return await unary(request, context)

            return grpc.unary_unary_rpc_method_handler(one_to_one, **kinds)
        if handler.stream_unary is not None:
            upload = handler.stream_unary

            async def many_to_one(requests: Any, context: grpc.aio.ServicerContext) -> Any:
                async with self._call(context, method, metrics, anonymous):
                    return await upload(requests, context)

            return grpc.stream_unary_rpc_method_handler(many_to_one, **kinds)
        if handler.unary_stream is not None:
            download = handler.unary_stream

            async def one_to_many(request: Any, context: grpc.aio.ServicerContext) -> Any:
                async with self._call(context, method, metrics, anonymous):
                    async for reply in replies_of(download(request, context)):
                        yield reply

            return grpc.unary_stream_rpc_method_handler(one_to_many, **kinds)
        if handler.stream_stream is not None:
            duplex = handler.stream_stream

            async def many_to_many(requests: Any, context: grpc.aio.ServicerContext) -> Any:
                async with self._call(context, method, metrics, anonymous):
                    async for reply in replies_of(duplex(requests, context)):
                        yield reply

            return grpc.stream_stream_rpc_method_handler(many_to_many, **kinds)
        return handler

    @asynccontextmanager
    async def _call(
        self,
        context: grpc.aio.ServicerContext,
        method: str,
        metrics: GrpcMethodMetrics,
        anonymous: bool,
    ) -> AsyncIterator[None]:
        started = perf_counter()
        code = grpc.StatusCode.OK
        carrier = {k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)}
        token = carrier.get(AUTHORIZATION, "")
        reset = None
        with _tracer.start_as_current_span(
            method,
            context=propagate.extract(carrier),
            kind=trace.SpanKind.SERVER,
            attributes={"rpc.system": "grpc", "rpc.method": method},
        ) as span:
            try:
                if token.startswith("Bearer "):
                    reset = current_principal.set(self._verifier.verify(token[7:]))
                elif not anonymous:
                    raise Unauthenticated("authentication required", reason="TOKEN_MISSING")
                yield
            except DomainError as error:
                status = to_grpc_status(error)
                code = status.code
                await context.abort(status.code, status.details, status.trailing_metadata)
            except asyncio.CancelledError:
                code = grpc.StatusCode.CANCELLED
                raise
            except grpc.aio.AbortError:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception:
                log.exception("unhandled error in %s", method)
                status = to_grpc_status(Internal("internal error"))
                code = status.code
                await context.abort(status.code, status.details, status.trailing_metadata)
            finally:
                if reset is not None:
                    current_principal.reset(reset)
                span.set_attribute("rpc.grpc.status_code", code.value[0])
                metrics.observe(code, perf_counter() - started)


Register = Callable[[grpc.aio.Server], Iterable[str]]


async def serve(
    *,
    address: str,
    verifier: TokenVerifier | None,
    register: Register,
    background: Iterable[Callable[[], Coroutine[Any, Any, None]]] = (),
    on_stop: Callable[[], Awaitable[None]] | None = None,
    wrappers: Iterable[Wrap] = (),
) -> None:
    """Run a service until SIGINT/SIGTERM. `register` adds servicers and returns their full
    service names (for health and reflection); `background` tasks run beside the server.
    Without a `verifier` no call carries a principal: for a server of health alone.
    `wrappers` wrap each method inside the `CallContext` that sets the principal."""
    layers = [*([CallContext(verifier).wrap] if verifier is not None else []), *wrappers]

    def wrap(method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        for layer in reversed(layers):
            handler = layer(method, handler)
        return handler

    real = grpc.aio.server()
    server = cast(grpc.aio.Server, WrappingServer(real, wrap))
    names = list(register(server))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    # reflection picks its grpc.aio servicer by the server's class: on the real one, unwrapped
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], real
    )
    real.add_insecure_port(address)
    await real.start()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("serving gRPC", extra={"address": address, "services": names})
    freeze_startup_heap()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(job()) for job in background]
    await stop.wait()
    log.info("stopping")
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    await real.stop(grace=5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if on_stop is not None:
        await on_stop()
