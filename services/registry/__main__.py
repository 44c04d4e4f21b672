"""`python -m services.registry`: serve registry's gRPC API."""

import asyncio

from jingzhun.registry.v1 import registry_pb2, registry_pb2_grpc
from kit.service_main import run_service, servicer_registration
from services.registry.settings import RegistrySettings

if __name__ == "__main__":
    register = servicer_registration(registry_pb2, registry_pb2_grpc, "RegistryService")
    asyncio.run(run_service(RegistrySettings(), register))
