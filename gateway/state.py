"""What the gateway holds while it runs, built by the lifespan in app.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from gateway.guard import Guard, RateLimiter
from gateway.settings import GatewaySettings
from kit.authz import Authorizer
from kit.grpc_client import ServiceClient
from kit.service_auth import ServiceCredentials

if TYPE_CHECKING:
    from jingzhun.assistance.v1.assessment_pb2_grpc import AssistanceAssessmentServiceAsyncStub
    from jingzhun.assistance.v1.assistance_pb2_grpc import AssistanceServiceAsyncStub
    from jingzhun.assistance.v1.attachments_pb2_grpc import AssistanceAttachmentServiceAsyncStub
    from jingzhun.assistance.v1.handbook_pb2_grpc import AssistanceHandbookServiceAsyncStub
    from jingzhun.assistance.v1.spot_checks_pb2_grpc import AssistanceSpotCheckServiceAsyncStub
    from jingzhun.identity.v1.identity_pb2_grpc import IdentityServiceAsyncStub
    from jingzhun.notification.v1.notification_pb2_grpc import NotificationServiceAsyncStub
    from jingzhun.projects.v1.funds_pb2_grpc import FundsServiceAsyncStub
    from jingzhun.projects.v1.progress_pb2_grpc import ProgressServiceAsyncStub
    from jingzhun.projects.v1.projects_pb2_grpc import ProjectsServiceAsyncStub
    from jingzhun.registry.v1.boundaries_pb2_grpc import RegistryMapServiceAsyncStub
    from jingzhun.registry.v1.helping_units_pb2_grpc import RegistryHelpingServiceAsyncStub
    from jingzhun.registry.v1.registry_pb2_grpc import RegistryServiceAsyncStub
    from jingzhun.registry.v1.transfer_pb2_grpc import RegistryTransferServiceAsyncStub
    from jingzhun.registry.v1.villages_pb2_grpc import RegistryVillageServiceAsyncStub
    from jingzhun.training.v1.training_pb2_grpc import TrainingServiceAsyncStub


@dataclass
class GatewayState:
    settings: GatewaySettings
    redis: Redis
    identity: ServiceClient[IdentityServiceAsyncStub]
    registry: ServiceClient[RegistryServiceAsyncStub]
    transfer: ServiceClient[RegistryTransferServiceAsyncStub]
    villages: ServiceClient[RegistryVillageServiceAsyncStub]
    helping: ServiceClient[RegistryHelpingServiceAsyncStub]
    notification: ServiceClient[NotificationServiceAsyncStub]
    assistance: ServiceClient[AssistanceServiceAsyncStub]
    handbook: ServiceClient[AssistanceHandbookServiceAsyncStub]
    training: ServiceClient[TrainingServiceAsyncStub]
    guard: Guard
    # Its own client at identity (svc-gateway): the policy, revocations, the public pages.
    credentials: ServiceCredentials
    limiter: RateLimiter
    attachments: ServiceClient[AssistanceAttachmentServiceAsyncStub]
    spot_checks: ServiceClient[AssistanceSpotCheckServiceAsyncStub]
    assessment: ServiceClient[AssistanceAssessmentServiceAsyncStub]
    projects: ServiceClient[ProjectsServiceAsyncStub]
    progress: ServiceClient[ProgressServiceAsyncStub]
    funds: ServiceClient[FundsServiceAsyncStub]
    maps: ServiceClient[RegistryMapServiceAsyncStub]
    authorizer: Authorizer | None = None  # loaded from identity once it answers
