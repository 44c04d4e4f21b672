"""`python -m services.assistance`: serve assistance's gRPC API."""

import asyncio

from jingzhun.assistance.v1 import assistance_pb2, assistance_pb2_grpc
from kit.service_main import run_service, servicer_registration
from services.assistance.settings import AssistanceSettings

if __name__ == "__main__":
    register = servicer_registration(assistance_pb2, assistance_pb2_grpc, "AssistanceService")
    asyncio.run(run_service(AssistanceSettings(), register))
