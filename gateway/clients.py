"""The gateway's clients of the services (kit.grpc_client does the calling)."""

from __future__ import annotations

from jingzhun.assistance.v1 import (
    assessment_pb2_grpc,
    assistance_pb2_grpc,
    attachments_pb2_grpc,
    handbook_pb2_grpc,
    spot_checks_pb2_grpc,
)
from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.notification.v1 import notification_pb2_grpc
from jingzhun.projects.v1 import funds_pb2_grpc, progress_pb2_grpc, projects_pb2_grpc
from jingzhun.registry.v1 import (
    boundaries_pb2_grpc,
    helping_units_pb2_grpc,
    registry_pb2_grpc,
    transfer_pb2_grpc,
    villages_pb2_grpc,
)
from jingzhun.training.v1 import training_pb2_grpc
from kit.grpc_client import ServiceClient


def identity_client(
    address: str, timeout: float
) -> ServiceClient[identity_pb2_grpc.IdentityServiceAsyncStub]:
    return ServiceClient(address, identity_pb2_grpc.IdentityServiceStub, timeout)


def registry_client(
    address: str, timeout: float
) -> ServiceClient[registry_pb2_grpc.RegistryServiceAsyncStub]:
    return ServiceClient(address, registry_pb2_grpc.RegistryServiceStub, timeout)


def notification_client(
    address: str, timeout: float
) -> ServiceClient[notification_pb2_grpc.NotificationServiceAsyncStub]:
    return ServiceClient(address, notification_pb2_grpc.NotificationServiceStub, timeout)


def transfer_client(
    address: str, timeout: float
) -> ServiceClient[transfer_pb2_grpc.RegistryTransferServiceAsyncStub]:
    """The registry's files (imports, reports, exports): long calls, their own deadline."""
    return ServiceClient(address, transfer_pb2_grpc.RegistryTransferServiceStub, timeout)


def villages_client(
    address: str, timeout: float
) -> ServiceClient[villages_pb2_grpc.RegistryVillageServiceAsyncStub]:
    return ServiceClient(address, villages_pb2_grpc.RegistryVillageServiceStub, timeout)


def maps_client(
    address: str, timeout: float
) -> ServiceClient[boundaries_pb2_grpc.RegistryMapServiceAsyncStub]:
    return ServiceClient(address, boundaries_pb2_grpc.RegistryMapServiceStub, timeout)


def helping_client(
    address: str, timeout: float
) -> ServiceClient[helping_units_pb2_grpc.RegistryHelpingServiceAsyncStub]:
    return ServiceClient(address, helping_units_pb2_grpc.RegistryHelpingServiceStub, timeout)


def assistance_client(
    address: str, timeout: float
) -> ServiceClient[assistance_pb2_grpc.AssistanceServiceAsyncStub]:
    return ServiceClient(address, assistance_pb2_grpc.AssistanceServiceStub, timeout)


def handbook_client(
    address: str, timeout: float
) -> ServiceClient[handbook_pb2_grpc.AssistanceHandbookServiceAsyncStub]:
    return ServiceClient(address, handbook_pb2_grpc.AssistanceHandbookServiceStub, timeout)


def attachments_client(
    address: str, timeout: float
) -> ServiceClient[attachments_pb2_grpc.AssistanceAttachmentServiceAsyncStub]:
    """Assistance's attachments: files up to 30 MB each way, their own deadline."""
    return ServiceClient(address, attachments_pb2_grpc.AssistanceAttachmentServiceStub, timeout)


def assessment_client(
    address: str, timeout: float
) -> ServiceClient[assessment_pb2_grpc.AssistanceAssessmentServiceAsyncStub]:
    return ServiceClient(address, assessment_pb2_grpc.AssistanceAssessmentServiceStub, timeout)


def training_client(
    address: str, timeout: float
) -> ServiceClient[training_pb2_grpc.TrainingServiceAsyncStub]:
    return ServiceClient(address, training_pb2_grpc.TrainingServiceStub, timeout)


def spot_checks_client(
    address: str, timeout: float
) -> ServiceClient[spot_checks_pb2_grpc.AssistanceSpotCheckServiceAsyncStub]:
    return ServiceClient(address, spot_checks_pb2_grpc.AssistanceSpotCheckServiceStub, timeout)


def projects_client(
    address: str, timeout: float
) -> ServiceClient[projects_pb2_grpc.ProjectsServiceAsyncStub]:
    return ServiceClient(address, projects_pb2_grpc.ProjectsServiceStub, timeout)


def progress_client(
    address: str, timeout: float
) -> ServiceClient[progress_pb2_grpc.ProgressServiceAsyncStub]:
    """Projects' progress: report photos (10 MB) and exports each way, their own deadline."""
    return ServiceClient(address, progress_pb2_grpc.ProgressServiceStub, timeout)


def funds_client(
    address: str, timeout: float
) -> ServiceClient[funds_pb2_grpc.FundsServiceAsyncStub]:
    """Projects' funds: vouchers up to 10 MB each way, the long deadline."""
    return ServiceClient(address, funds_pb2_grpc.FundsServiceStub, timeout)
