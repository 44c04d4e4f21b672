"""gRPC server bootstrap shared by every service: grpc.aio, health, reflection, and the
interceptor that sets the caller's principal, maps errors to status codes once and counts and
times every call by method and code."""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from time import perf_counter
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from kit.anonymous_methods import is_anonymous
from kit.errors import DomainError, Internal, Unauthenticated
from kit.grpc_errors import to_grpc_status
from kit.heap import freeze_startup_heap
from kit.metrics import GrpcMethodMetrics
from kit.principal import current_principal
from kit.tokens import TokenVerifier

log = logging.getLogger(__name__)

AUTHORIZATION = "authorization"


def bearer_token(metadata: Iterable[tuple[str, Any]] | None) -> str | None:
    for key, value in metadata or ():
        if key == AUTHORIZATION and isinstance(value, str) and value.startswith("Bearer "):
            return value[7:]
    return None


async def replies_of(result: Any) -> AsyncIterator[Any]:
    """The replies of a streaming handler, whether it yields them or writes them to its context
    (as the health service's Watch does) and returns nothing."""
    if inspect.isasyncgen(result):
        async for reply in result:
            yield reply
    else:
        await result


class CallContextInterceptor(grpc.aio.ServerInterceptor):
    """Decode the caller's token into `current_principal` (a call without one is UNAUTHENTICATED
    unless its method is one of kit.anonymous_methods); turn DomainErrors into rich
    statuses and anything unexpected into a bare INTERNAL, logged here and nowhere else; each
    call is counted by the code it ended with, and timed."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier
        self._metrics: dict[str, GrpcMethodMetrics] = {}

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        metrics = self._metrics.get(method)
        if metrics is None:
            metrics = self._metrics[method] = GrpcMethodMetrics(method)
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
        token = bearer_token(context.invocation_metadata())
        reset = None
        try:
            if token is not None:
                reset = current_principal.set(self._verifier.verify(token))
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
            metrics.observe(code, perf_counter() - started)


Register = Callable[[grpc.aio.Server], Iterable[str]]


async def serve(
    *,
    address: str,
    verifier: TokenVerifier | None,
    register: Register,
    background: Iterable[Callable[[], Coroutine[Any, Any, None]]] = (),
    on_stop: Callable[[], Awaitable[None]] | None = None,
    interceptors: Iterable[grpc.aio.ServerInterceptor] = (),
) -> None:
    """Run a service until SIGINT/SIGTERM. `register` adds servicers and returns their full
    service names (for health and reflection); `background` tasks run beside the server.
    Without a `verifier` no call carries a principal: for a server of health alone.
    `interceptors` run inside the one that sets the principal."""
    outer = [CallContextInterceptor(verifier)] if verifier is not None else []
    server = grpc.aio.server(interceptors=[*outer, *interceptors])
    names = list(register(server))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    server.add_insecure_port(address)
    await server.start()
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
    await server.stop(grace=5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if on_stop is not None:
        await on_stop()
