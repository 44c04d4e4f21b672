"""Every process serves Prometheus metrics on its own port (never the gateway's public one):
requests by route template, gRPC calls by method and code, the outbox and consumer backlogs,
and what became of the texts notification sent."""

from __future__ import annotations

import secrets

import httpx
from prometheus_client.parser import text_string_to_metric_families

from devstack.platform import SERVICE_PORTS, LocalPlatform
from kit.bus import Bus
from tests.e2e.smsc import eventually

HOUSEHOLD_ROUTE = "/api/v1/households/{household_id}"
REGISTRY_SERVICE = "jingzhun.registry.v1.RegistryService"
WELCOMED_VILLAGE = "370115001001"
CONSUMERS = [  # (process, stream, durable) of every consumer the services run
    ("assistance", "notification", "assistance-task-replies"),
    ("assistance", "registry", "assistance-income-rule"),
    ("assistance", "registry", "assistance-household-updates"),
    ("notification", "identity", "notification-user-created"),
    ("notification", "notification", "notification-requests"),
    ("registry", "identity", "registry-division-changes"),
    ("registry", "identity", "registry-helper-accounts"),
    ("assistance", "identity", "assistance-division-changes"),
    ("notification", "identity", "notification-division-changes"),
    ("projects", "identity", "projects-division-changes"),
    ("training", "identity", "training-division-changes"),
    ("registry", "assistance", "registry-confirmed-alerts"),
]


def scrape(platform: LocalPlatform, process: str) -> dict[tuple[str, frozenset], float]:
    """(sample name, labels) -> value, as Prometheus reads them from the process."""
    reply = httpx.get(platform.config.metrics_url(process), timeout=5)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def sampled(platform: LocalPlatform, process: str, name: str, **labels: str) -> float:
    """The value of a gauge once its owner has sampled it (zero is a value)."""

    def present() -> tuple[float] | None:
        found = value(scrape(platform, process), name, **labels)
        return None if found is None else (found,)

    return eventually(present, what=f"{name} {labels} of {process}")[0]


def test_the_gateway_counts_requests_by_route_template_not_by_path(
    platform: LocalPlatform, api, admin_token: str
) -> None:
    series = {"route": HOUSEHOLD_ROUTE, "method": "GET", "status": "404"}
    before = value(scrape(platform, "gateway"), "jz_http_requests_total", **series) or 0.0
    ids = [secrets.token_hex(8) for _ in range(2)]
    for household_id in ids:
        assert api.get(f"/api/v1/households/{household_id}", admin_token).status_code == 404
    samples = scrape(platform, "gateway")
    assert value(samples, "jz_http_requests_total", **series) == before + 2
    timed = {"route": HOUSEHOLD_ROUTE, "method": "GET"}
    assert (value(samples, "jz_http_request_duration_seconds_count", **timed) or 0) >= 2
    assert not any(i in str(labels) for _, labels in samples for i in ids)


def test_the_public_port_of_the_gateway_shows_no_metrics(platform: LocalPlatform) -> None:
    assert httpx.get(f"{platform.config.gateway_url}/metrics").status_code == 404


def test_a_service_counts_each_grpc_call_by_method_and_code(
    platform: LocalPlatform, api, admin_token: str
) -> None:
    series = {"service": REGISTRY_SERVICE, "method": "GetHousehold", "code": "NOT_FOUND"}
    before = value(scrape(platform, "registry"), "jz_grpc_server_handled_total", **series) or 0.0
    api.get(f"/api/v1/households/{secrets.token_hex(8)}", admin_token)
    samples = scrape(platform, "registry")
    assert value(samples, "jz_grpc_server_handled_total", **series) == before + 1
    timed = {"service": REGISTRY_SERVICE, "method": "GetHousehold"}
    assert (value(samples, "jz_grpc_server_handling_seconds_count", **timed) or 0) >= 1


def test_every_service_reports_its_outbox_backlog(platform: LocalPlatform) -> None:
    for service in SERVICE_PORTS:
        assert sampled(platform, service, "jz_outbox_pending", service=service) >= 0


async def test_every_durable_consumer_reports_what_it_has_yet_to_handle(
    platform: LocalPlatform,
) -> None:
    bus = await Bus.connect(platform.config.nats_url, platform.config.bus_prefix, name="e2e")
    streams = {stream: bus.stream_name(stream) for _, stream, _ in CONSUMERS}
    await bus.close()
    for process, stream, consumer in CONSUMERS:
        labels = {"stream": streams[stream], "consumer": consumer}
        assert sampled(platform, process, "jz_consumer_pending", **labels) >= 0


def test_a_welcomed_cadre_moves_the_sms_counters_and_gauges(
    platform: LocalPlatform, api, admin_token: str
) -> None:
    before = scrape(platform, "notification")
    delivered_before = value(before, "jz_sms_delivered_total") or 0.0
    mobile = api.next_mobile(reachable=True)  # a failed receipt would not move the counter
    created = api.create_user(admin_token, WELCOMED_VILLAGE, "work_team", mobile=mobile)
    assert created.status_code == 201, created.text

    def delivered() -> dict | None:
        samples = scrape(platform, "notification")
        moved = (value(samples, "jz_sms_delivered_total") or 0) > delivered_before
        return samples if moved else None

    samples = eventually(delivered, what="the welcome counted delivered")
    assert (value(samples, "jz_sms_submitted_total") or 0) >= 1
    assert value(samples, "jz_sms_failed_total", reason="rejected") is not None
    assert (value(samples, "jz_sms_queue_depth") or 0) >= 0
    assert (value(samples, "jz_sms_receipts_pending") or 0) >= 0
    assert value(samples, "jz_sms_throttled_total") is not None
