"""The manifest smoke test: every Deployment and Job of the province tier and of one city tier,
run from the rendered manifests by tests/deploy/kubelet.py against this machine's PostgreSQL,
NATS and Redis (the Secrets filled with this run's values), comes up the way a cluster would
start it: migrations once (the registry's Job four times at once), the bootstrap, then every
pod ready by its own probe; the first administrator logs in through both tiers' gateways."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kit.bus import Bus
from tests.deploy.kubelet import Kubelet, Pod
from tests.deploy.rendered import render
from tests.e2e.otlp import OtlpReceiver
from tests.e2e.smsc import SmscThread

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]
CITY = "city-3701"
SERVICES = ("identity", "registry", "assistance", "training", "notification", "projects")
ADMIN_PASSWORD = "Smoke-Test-Passw0rd-2026"
CONCURRENT_MIGRATIONS = 4
START_SECONDS = 420  # a bound, not an expectation: a quiet machine needs ~1 minute
METRICS_PORT = 9464


async def fill_secrets(
    postgres_database: Callable[[str], Awaitable[str]],
    redis_url: str,
    keypair: tuple[Path, Path],
    smsc_port: int,
) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for service in SERVICES:
        url = await postgres_database(f"smoke_{service}")
        values[f"{service}-secrets"] = {
            "database-url": url,
            "migration-database-url": url,
            "encryption-secret": secrets.token_hex(16),
            "index-secret": secrets.token_hex(16),
            "identity-secret": secrets.token_hex(16),
            "s3-access-key-id": "smoke",
            "s3-secret-access-key": secrets.token_hex(16),
        }
    values["gateway-secrets"] = {"identity-secret": secrets.token_hex(16)}
    private, public = keypair
    values["jingzhun-jwt"] = {
        "jwt-signing.pem": private.read_text(),
        "jwt-signing.pub.pem": public.read_text(),
    }
    values["jingzhun-common"] = {"redis-url": redis_url}
    values["identity-bootstrap"] = {"admin-initial-password": ADMIN_PASSWORD}
    values["notification-smsc"] = {
        "host": "127.0.0.1",
        "port": str(smsc_port),
        "system-id": "jingzhun",
        "password": "smoke-smsc-password",
        "source-addr": "106900001",
    }
    return values


def copies(kubelet: Kubelet, name: str, count: int) -> list[str]:
    """`count` pods of one Job, as a re-applied release or `parallelism` would start them."""
    original = kubelet.pods[name]
    names = [name]
    for n in range(1, count):
        copy = f"{name}-{n}"
        kubelet.pods[copy] = Pod(
            copy, original.spec, dict(original.ports), original.folder.parent / copy
        )
        names.append(copy)
    return names


def failures(pods: list[Pod]) -> str:
    return "\n\n".join(
        f"{p.name}: {p.error}" for p in pods if p.error or (p.exit_code not in (None, 0))
    )


async def test_every_rendered_workload_of_the_province_and_a_city_becomes_ready(
    tmp_path: Path,
    postgres_database: Callable[[str], Awaitable[str]],
    nats_url: str,
    redis_url: str,
    bus_prefix: str,
    redis_prefix: str,
    keypair: tuple[Path, Path],
) -> None:
    smsc = SmscThread(password="smoke-smsc-password")
    smsc.start()
    collector = OtlpReceiver()
    collector.start()
    values = await fill_secrets(postgres_database, redis_url, keypair, smsc.port)
    nats = urlsplit(nats_url)
    kubelet = Kubelet(
        render("province") + render(CITY),
        values,
        tmp_path,
        outside={
            "nats.jingzhun-infra.svc:4222": f"{nats.hostname}:{nats.port}",
            "otel-collector.jingzhun-infra.svc:4317": f"127.0.0.1:{collector.port}",
        },
        # this run's own subjects and keys; one NATS node here, so streams of one replica
        overrides={
            "JZ_BUS_PREFIX": f"smoke{bus_prefix}",
            "JZ_REDIS_PREFIX": f"smoke{redis_prefix}",
            "JZ_STREAM_REPLICAS": "1",
        },
    )
    names = [n for n in kubelet.pods if n != "registry-migrate"]
    names += copies(kubelet, "registry-migrate", CONCURRENT_MIGRATIONS)
    traces: dict[str, str] = {}
    try:
        threads = kubelet.start_all(names, START_SECONDS)
        await asyncio.to_thread(lambda: [t.join() for t in threads])
        pods = [kubelet.pods[n] for n in names]
        assert not failures(pods), failures(pods)
        jobs = [p for p in pods if p.exit_code is not None]
        assert len(jobs) == len(SERVICES) + CONCURRENT_MIGRATIONS, [p.name for p in jobs]
        assert all(p.ready.is_set() for p in pods if p.exit_code is None)
        await every_process_serves_its_metrics([p for p in pods if p.exit_code is None])
        for gateway in ("gateway", "gateway-3701"):
            port = kubelet.pods[gateway].ports[8080]
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                reply = await client.post(
                    "/api/v1/auth/token",
                    data={
                        "grant_type": "password",
                        "username": "13800000000",
                        "password": ADMIN_PASSWORD,
                    },
                )
            assert reply.status_code == 200, reply.text
            assert reply.json()["must_change_password"] is True
    finally:
        kubelet.stop_all()
        smsc.stop()
        await delete_streams(nats_url, f"smoke{bus_prefix}")
    for trace in traces.values():
        services = {span.service for span in collector.spans() if span.trace_id == trace}
        assert services == {"gateway", "identity"}, services


async def every_process_serves_its_metrics(pods: list[Pod]) -> None:
    """Each running pod answers Prometheus on its declared metrics port (9464)."""
    async with httpx.AsyncClient() as client:
        for pod in pods:
            reply = await client.get(f"http://127.0.0.1:{pod.ports[METRICS_PORT]}/metrics")
            assert reply.status_code == 200, pod.name
            family = (
                "jz_http_requests_total"
                if pod.name.startswith("gateway")
                else "jz_grpc_server_handled_total"
            )
            assert f"# TYPE {family}" in reply.text, pod.name


async def delete_streams(nats_url: str, prefix: str) -> None:
    bus = await Bus.connect(nats_url, prefix, name="smoke-cleanup")
    try:
        await bus.delete_prefixed_streams()
    finally:
        await bus.close()
