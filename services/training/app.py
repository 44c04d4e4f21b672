"""Composition root of training: components, the identity and registry it asks, the leader
cultivation use-cases, the scheduler that closes public notices, the outbox relay, the gRPC
API and the authorization policy fetched from identity."""

from __future__ import annotations

from datetime import timedelta

import grpc

from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.registry.v1 import registry_pb2_grpc
from jingzhun.training.v1 import training_pb2, training_pb2_grpc
from kit.access import Access
from kit.authz import Authorizer
from kit.db import Database
from kit.division_changes import division_change_consumer
from kit.grpc_client import ServiceClient
from kit.outbox import OutboxRelay
from kit.policy import fetch_policy_when_ready
from kit.protection import FieldProtector
from kit.service_auth import ServiceCredentials
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from services.training.api_grpc import TrainingApi
from services.training.archives_service import ArchivesService
from services.training.candidates_service import CandidatesService
from services.training.components import Components
from services.training.courses_service import CoursesService
from services.training.directory import TrainingDirectory
from services.training.division_changes import on_division_changed
from services.training.enrolments_service import CourseUseCases, EnrolmentsService
from services.training.institutions_service import InstitutionsService
from services.training.leader_files_service import LeaderFilesService
from services.training.notices_service import NoticesService
from services.training.scheduler import Scheduler
from services.training.settings import TrainingSettings


def build_components(settings: TrainingSettings) -> Components:
    return Components(
        db=Database(settings.database_url),
        protector=FieldProtector.from_secrets(settings.encryption_secret, settings.index_secret),
        notice_period=timedelta(days=settings.notice_period_days),
        reviewer_role=settings.reviewer_role,
    )


async def run(settings: TrainingSettings, role: Role) -> None:
    common = settings.common
    components = build_components(settings)
    identity = ServiceClient(
        common.identity_address, identity_pb2_grpc.IdentityServiceStub, timeout=10
    )
    registry = ServiceClient(
        common.registry_address, registry_pb2_grpc.RegistryServiceStub, timeout=10
    )
    directory = TrainingDirectory(identity, registry)
    candidates = CandidatesService(components, directory)
    notices = NoticesService(components, candidates)
    files = LeaderFilesService(components, candidates, directory)
    courses = CourseUseCases(
        InstitutionsService(components),
        CoursesService(components),
        EnrolmentsService(components, directory),
        ArchivesService(components),
    )
    scheduler = Scheduler(
        notices, interval=settings.scheduler_interval_seconds, batch=settings.scheduler_batch
    )
    policy: list[Authorizer] = []
    bus = await service_bus(settings)
    relay = OutboxRelay(components.db, bus)

    async def load_policy() -> None:
        policy.append(await fetch_policy_when_ready(ServiceCredentials.of(identity, settings)))

    def register(server: grpc.aio.Server) -> list[str]:
        access = Access(lambda: policy[0] if policy else None)
        api = TrainingApi(candidates, notices, files, access, courses)
        training_pb2_grpc.add_TrainingServiceServicer_to_server(api, server)
        return [training_pb2.DESCRIPTOR.services_by_name["TrainingService"].full_name]

    async def stop() -> None:
        await bus.close()
        await identity.close()
        await registry.close()
        await components.db.dispose()

    process = ServiceProcess(
        register,
        components.db,
        every_role=[relay.run],
        api=[load_policy],
        worker=[
            scheduler.run,
            division_change_consumer(bus, components.db, "training", on_division_changed).run,
        ],
        on_stop=stop,
    )
    await run_service(settings, process, role)
