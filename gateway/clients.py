"""The gateway's clients of the services (kit.grpc_client does the calling)."""

from __future__ import annotations

from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.registry.v1 import registry_pb2_grpc
from kit.grpc_client import ServiceClient


def identity_client(address: str, timeout: float) -> ServiceClient:
    return ServiceClient(address, identity_pb2_grpc.IdentityServiceStub, timeout)


def registry_client(address: str, timeout: float) -> ServiceClient:
    return ServiceClient(address, registry_pb2_grpc.RegistryServiceStub, timeout)
