"""A service's roles as separate processes, the way two Deployments of one image run them:
the API serves its servicer, the worker serves gRPC health alone (it needs no token key), both
create the service's stream with the configured replicas (one on this single-node NATS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from devstack.processes import Supervisor, base_environment, free_port, run_module
from kit.bus import Bus

TRAINING_API = "jingzhun.training.v1.TrainingService"
HEALTH = "grpc.health.v1.Health"


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    started = Supervisor(tmp_path / "logs")
    yield started
    started.stop_all()


def listed_services(address: str) -> set[str]:
    with grpc.insecure_channel(address) as channel:
        (answer,) = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
    return {service.name for service in answer.list_services_response.service}


@pytest.mark.parametrize(
    ("role", "serves_api", "needs_key"), [("api", True, True), ("worker", False, False)]
)
async def test_each_role_of_a_service_runs_as_its_own_process(
    supervisor: Supervisor,
    tmp_path: Path,
    keypair: tuple[Path, Path],
    nats_url: str,
    bus_prefix: str,
    role: str,
    serves_api: bool,
    needs_key: bool,
) -> None:
    prefix, port = f"{bus_prefix}{role}.", free_port()
    env = base_environment(
        {
            "TRAINING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'training.db'}",
            "TRAINING_GRPC_PORT": str(port),
            "JZ_NATS_URL": nats_url,
            "JZ_BUS_PREFIX": prefix,
            "JZ_STREAM_REPLICAS": "1",
            "JZ_JWT_PUBLIC_KEY_FILE": str(keypair[1] if needs_key else tmp_path / "absent.pem"),
        }
    )
    run_module("services.training", "migrate", env=env)
    child = supervisor.spawn(f"training-{role}", "services.training", env, role)
    supervisor.wait_grpc(child, f"127.0.0.1:{port}")
    assert (TRAINING_API in listed_services(f"127.0.0.1:{port}")) is serves_api
    assert HEALTH in listed_services(f"127.0.0.1:{port}")
    bus = await Bus.connect(nats_url, prefix, name="role-tests")
    try:
        stream = await bus.js.stream_info(bus.stream_name("training"))
        assert stream.config.num_replicas == 1
    finally:
        await bus.delete_stream("training")
        await bus.close()
