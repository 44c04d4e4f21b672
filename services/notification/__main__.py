"""`python -m services.notification`: serve notification's gRPC API."""

import asyncio

from jingzhun.notification.v1 import notification_pb2, notification_pb2_grpc
from kit.service_main import run_service, servicer_registration
from services.notification.settings import NotificationSettings

if __name__ == "__main__":
    register = servicer_registration(notification_pb2, notification_pb2_grpc, "NotificationService")
    asyncio.run(run_service(NotificationSettings(), register))
