"""Every service is its own process with gRPC health and reflection."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from devstack.platform import LocalPlatform

SERVICE_NAMES = {
    "identity": "jingzhun.identity.v1.IdentityService",
    "registry": "jingzhun.registry.v1.RegistryService",
    "assistance": "jingzhun.assistance.v1.AssistanceService",
    "training": "jingzhun.training.v1.TrainingService",
    "notification": "jingzhun.notification.v1.NotificationService",
    "projects": "jingzhun.projects.v1.ProjectsService",
}


@pytest.mark.parametrize("service", sorted(SERVICE_NAMES))
def test_each_service_serves_health_and_reflection(platform: LocalPlatform, service: str) -> None:
    address = f"127.0.0.1:{platform.config.service_ports[service]}"
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", SERVICE_NAMES[service]):
            reply = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        (answer,) = reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        listed = {s.name for s in answer.list_services_response.service}
        assert SERVICE_NAMES[service] in listed and "grpc.health.v1.Health" in listed
