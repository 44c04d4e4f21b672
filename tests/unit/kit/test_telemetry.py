"""The span exporter a process starts with: every value the setting accepts builds an installed
exporter, and no other value (or OTLP protocol) gets as far as the start."""

from __future__ import annotations

from typing import get_args

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.sampling import Decision
from pydantic import ValidationError

from kit.settings import CommonSettings
from kit.telemetry import EXPORTERS, PROTOCOL_VARIABLES, sampler, span_exporter

CHOICES = get_args(CommonSettings.model_fields["otel_exporter"].annotation)


@pytest.fixture(autouse=True)
def no_protocol_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in PROTOCOL_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def test_every_exporter_the_setting_accepts_has_a_builder() -> None:
    assert set(CHOICES) == {"none", *EXPORTERS}


@pytest.mark.parametrize("choice", CHOICES)
def test_every_exporter_the_setting_accepts_is_installed_and_builds(choice: str) -> None:
    exporter = span_exporter(choice)
    assert (exporter is None) == (choice == "none")
    if exporter is not None:
        exporter.shutdown()


def test_an_exporter_the_setting_does_not_know_stops_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JZ_OTEL_EXPORTER", "jaeger")
    with pytest.raises(ValidationError, match="otel_exporter"):
        CommonSettings()


def test_otlp_exports_over_grpc_to_the_endpoint_of_the_standard_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4317")
    exporter = span_exporter("otlp")
    assert isinstance(exporter, OTLPSpanExporter)
    assert exporter._endpoint == "otel-collector:4317"  # the scheme says: no TLS
    exporter.shutdown()


def test_an_otlp_protocol_other_than_grpc_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    with pytest.raises(ValueError, match="OTEL_EXPORTER_OTLP_PROTOCOL='http/protobuf'"):
        span_exporter("otlp")


def test_the_traces_protocol_variable_overrides_the_general_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")
    exporter = span_exporter("otlp")
    assert isinstance(exporter, OTLPSpanExporter)
    exporter.shutdown()


def test_spans_are_recorded_only_when_an_exporter_sends_them() -> None:
    trace_id = 0x5CE0E9A56015FEC5AADFA328AE398115  # a trace starting here
    with_exporter = sampler(span_exporter("console"), 1.0).should_sample(None, trace_id, "GET")
    without = sampler(span_exporter("none"), 1.0).should_sample(None, trace_id, "GET")
    assert with_exporter.decision == Decision.RECORD_AND_SAMPLE
    assert without.decision == Decision.DROP
