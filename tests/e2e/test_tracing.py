"""One trace across the real processes: a cadre created at the gateway is welcomed by a text,
and the gateway's request, identity's call, notification's handling of the event and the SMS
submit are spans of one trace, each with its parent in it.

The platform exports over OTLP/gRPC to a receiver in this test, with a batch delay longer than
the test: the spans arrive only when the processes stop (SIGTERM), so their arrival also proves
that a normal shutdown flushes them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.harness import Api, OwnPlatform, OwnPlatforms
from tests.e2e.otlp import OtlpReceiver, ReceivedSpan
from tests.e2e.smsc import eventually

ADMIN, CADRE = "13798760000", "13798760001"
VILLAGE = "370115001001"
REQUEST_ID = "e2e-traced-welcome"


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    collector = OtlpReceiver()
    collector.start()
    yield collector
    collector.stop()


@pytest.fixture(scope="module")
def traced_platform(own_platforms: OwnPlatforms, receiver: OtlpReceiver) -> Iterator[OwnPlatform]:
    """A platform of its own (the shared one does not export), on its own subjects and keys,
    with only the services a welcome passes through (the others cost start-up time)."""
    with own_platforms.start(
        "traced",
        services=("identity", "notification"),
        extra_env={
            "JZ_OTEL_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "JZ_TRACE_SAMPLE_RATIO": "1",
            # Only the shutdown exports: no timer in the test's time, no batch filled by polling.
            "OTEL_BSP_SCHEDULE_DELAY": "600000",  # ms
            "OTEL_BSP_MAX_QUEUE_SIZE": "65536",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "65536",
        },
    ) as own:
        yield own


@pytest.fixture(scope="module")
def welcome_trace(traced_platform: OwnPlatform, receiver: OtlpReceiver) -> list[ReceivedSpan]:
    """The spans of the trace that creating a cadre started, once the platform has stopped."""
    local, smsc = traced_platform.local, traced_platform.smsc
    with httpx.Client(base_url=local.config.gateway_url, timeout=30) as http:
        api = Api(http)
        bootstrapped = local.bootstrap_admin(ADMIN, "省管理员")
        token = api.activate(ADMIN, bootstrapped["initial_password"])
        body = {"mobile": CADRE, "name": "测试用户", "region_code": VILLAGE, "roles": ["helper"]}
        headers = {**api.auth(token), "X-Request-ID": REQUEST_ID}
        created = http.post("/api/v1/users", json=body, headers=headers)
        assert created.status_code == 201, created.text
        eventually(lambda: smsc.texts_to(CADRE), what="the welcome at the SMSC")

        def recorded() -> bool:  # the submit's span ends before its outcome is recorded
            listed = api.get("/api/v1/messages", token, region_code=VILLAGE).json()["items"]
            return any(m["status"] in ("submitted", "delivered") for m in listed)

        eventually(recorded, what="the welcome's submission recorded")
    assert receiver.spans() == [], "spans were exported before the shutdown"
    local.stop()
    spans = receiver.spans()
    requests = [s for s in spans if s.attributes.get("jingzhun.request_id") == REQUEST_ID]
    assert len(requests) == 1, sorted({(s.service, s.name) for s in spans})
    return [s for s in spans if s.trace_id == requests[0].trace_id]


def ancestry(span: ReceivedSpan, trace: list[ReceivedSpan]) -> list[ReceivedSpan]:
    """`span`, its parent, its parent's parent, ... up to the root (or a missing parent)."""
    by_id = {s.span_id: s for s in trace}
    chain = [span]
    while chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain


def test_the_request_at_the_gateway_is_the_one_root_of_its_trace(
    welcome_trace: list[ReceivedSpan],
) -> None:
    roots = [(s.service, s.name) for s in welcome_trace if not s.parent_id]
    assert roots == [("gateway", "POST /api/v1/users")]


def test_every_span_of_the_trace_has_its_parent_in_the_trace(
    welcome_trace: list[ReceivedSpan],
) -> None:
    span_ids = {s.span_id for s in welcome_trace}
    orphans = [(s.service, s.name) for s in welcome_trace if s.parent_id not in span_ids | {""}]
    assert orphans == []


def test_the_welcome_is_submitted_in_the_trace_of_the_request_through_identity_and_the_event(
    welcome_trace: list[ReceivedSpan],
) -> None:
    (submit,) = [s for s in welcome_trace if s.name == "sms submit"]
    chain = ancestry(submit, welcome_trace)
    services = [
        s.service for n, s in enumerate(chain) if n == 0 or chain[n - 1].service != s.service
    ]
    assert services == ["notification", "identity", "gateway"], [(s.service, s.name) for s in chain]
    assert any(s.name == "consume identity.user.created" for s in chain), [s.name for s in chain]
    assert chain[-1].name == "POST /api/v1/users"
