"""OpenTelemetry set-up: one tracer provider per process, spans
exported to an OTLP collector over gRPC (or the console, or nowhere).

Trace context crosses gRPC in metadata (`kit.grpc_client` injects it; `kit.grpc_server.CallContext`
makes each call's server span from it) and NATS in message headers
(`kit.outbox`, `kit.inbox`), so one request can be followed from the gateway to the SMS it
caused. Every exporter a setting can name is imported here, at start: a missing package fails
the import (and the unit tests), never a pod in production.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)

# The OTLP protocols, most specific variable first (the OpenTelemetry SDK's own names).
PROTOCOL_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")

_provider: TracerProvider | None = None


def _otlp_exporter() -> SpanExporter:
    """OTLP over gRPC (the collector's 4317); endpoint, TLS, headers, timeout and compression
    come from the standard `OTEL_EXPORTER_OTLP_*` variables. Only the gRPC exporter is
    installed, so a protocol naming another stops the process at start instead of sending
    gRPC to an HTTP port and losing every span."""
    for variable in PROTOCOL_VARIABLES:
        protocol = os.environ.get(variable)
        if protocol:
            if protocol != "grpc":
                raise ValueError(f"{variable}={protocol!r}: only 'grpc' is supported")
            break
    return OTLPSpanExporter()


# Every value of `CommonSettings.otel_exporter` but "none" (no exporter) has its builder here.
EXPORTERS: dict[str, Callable[[], SpanExporter]] = {
    "console": ConsoleSpanExporter,
    "otlp": _otlp_exporter,
}


def span_exporter(name: str) -> SpanExporter | None:
    """The exporter that `JZ_OTEL_EXPORTER=name` selects; None for "none"."""
    return None if name == "none" else EXPORTERS[name]()


def sampler(exporter: SpanExporter | None, sample_ratio: float) -> Sampler:
    """What is recorded: a `sample_ratio` of the traces that start here, the sampled ones of
    those that arrive — and nothing when no exporter would send it anywhere."""
    return ParentBased(TraceIdRatioBased(sample_ratio)) if exporter is not None else ALWAYS_OFF


def configure_tracing(service: str, exporter: str = "none", sample_ratio: float = 1.0) -> None:
    """Install the tracer provider once per process. A trace that
    starts here is recorded with probability `sample_ratio`; one that arrives follows its
    parent's decision, so a trace is whole or absent across processes. Without an exporter
    nothing is recorded (a recorded span nobody exports costs a request about 0.1 ms of CPU
    at the gateway); trace ids are still made and passed on."""
    global _provider
    if _provider is not None:
        return
    chosen = span_exporter(exporter)
    provider = TracerProvider(
        resource=Resource.create({"service.name": service}),
        sampler=sampler(chosen, sample_ratio),
    )
    if chosen is not None:
        provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)
    _provider = provider


def shutdown_tracing() -> None:
    """Export the spans still batched, once the process has stopped serving (on SIGTERM as on
    Ctrl-C): the batch processor sends every few seconds, and the last requests' spans would
    otherwise depend on how the interpreter exits. Blocks up to the exporter's timeout."""
    if _provider is not None:
        _provider.shutdown()


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    """Add `traceparent` (and baggage) of the current span to outgoing message headers."""
    propagate.inject(headers)
    return headers


def extract_context(headers: dict[str, str] | None):  # type: ignore[no-untyped-def]
    return propagate.extract(headers or {})
