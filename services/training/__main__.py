"""`python -m services.training`: serve training's gRPC API."""

import asyncio

from jingzhun.training.v1 import training_pb2, training_pb2_grpc
from kit.service_main import run_service, servicer_registration
from services.training.settings import TrainingSettings

if __name__ == "__main__":
    register = servicer_registration(training_pb2, training_pb2_grpc, "TrainingService")
    asyncio.run(run_service(TrainingSettings(), register))
