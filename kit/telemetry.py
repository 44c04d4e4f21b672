"""OpenTelemetry set-up: one tracer provider per process, gRPC servers instrumented.

Trace context crosses gRPC in metadata (the instrumentation) and NATS in message headers
(`kit.bus`), so one request can be followed from the gateway to the SMS it caused.
"""

from __future__ import annotations

from opentelemetry import propagate, trace
from opentelemetry.instrumentation.grpc import GrpcAioInstrumentorServer
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

_configured = False


def configure_tracing(service: str, exporter: str = "none", sample_ratio: float = 1.0) -> None:
    """Install the tracer provider and gRPC instrumentation once per process. A trace that
    starts here is recorded with probability `sample_ratio`; one that arrives follows its
    parent's decision, so a trace is whole or absent across processes."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(
        resource=Resource.create({"service.name": service}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    GrpcAioInstrumentorServer().instrument()  # clients inject context themselves: kit.grpc_client
    _configured = True


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    """Add `traceparent` (and baggage) of the current span to outgoing message headers."""
    propagate.inject(headers)
    return headers


def extract_context(headers: dict[str, str] | None):  # type: ignore[no-untyped-def]
    return propagate.extract(headers or {})
