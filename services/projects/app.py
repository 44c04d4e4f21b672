"""Composition root of projects: components, the identity and registry it asks, the project
library's use-cases and its review, the scheduler that closes public notices, the outbox relay,
the gRPC API and the authorization policy fetched from identity."""

from __future__ import annotations

from datetime import timedelta

import grpc

from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.projects.v1 import (
    funds_pb2,
    funds_pb2_grpc,
    progress_pb2,
    progress_pb2_grpc,
    projects_pb2,
    projects_pb2_grpc,
)
from jingzhun.registry.v1 import registry_pb2_grpc
from kit.access import Access
from kit.authz import Authorizer
from kit.db import Database
from kit.directory import Directory
from kit.division_changes import (
    division_change_consumer,
    division_change_handler,
    region_columns,
)
from kit.grpc_client import ServiceClient
from kit.outbox import OutboxRelay
from kit.policy import fetch_policy_when_ready
from kit.protection import FieldProtector
from kit.service_auth import ServiceCredentials
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from services.projects import funds_figures, models
from services.projects.api_grpc import ProjectsApi
from services.projects.components import Components
from services.projects.edits_service import EditsService
from services.projects.exports_service import ExportsService
from services.projects.funds_api import FundsApi
from services.projects.funds_disbursements import DisbursementsService
from services.projects.funds_service import FundsContext, FundsService
from services.projects.lifecycle import ReviewDays
from services.projects.notices_service import NoticesService
from services.projects.progress_api import ProgressApi
from services.projects.progress_benefits import BenefitsService
from services.projects.progress_flags import FlagsService
from services.projects.progress_projects import ProjectAccess
from services.projects.progress_scheduler import ProgressScheduler
from services.projects.progress_service import ProgressService
from services.projects.projects_service import ProjectsService
from services.projects.review_service import ReviewService
from services.projects.scheduler import Scheduler
from services.projects.settings import ProjectsSettings
from services.projects.statistics_service import StatisticsService


def build_components(settings: ProjectsSettings) -> Components:
    return Components(
        db=Database(settings.database_url),
        protector=FieldProtector.from_secrets(settings.encryption_secret, settings.index_secret),
        notice_period=timedelta(days=settings.notice_period_days),
        review_days=ReviewDays(
            town=timedelta(days=settings.town_review_days),
            county=timedelta(days=settings.county_review_days),
        ),
        reviewer_role=settings.reviewer_role,
    )


async def run(settings: ProjectsSettings, role: Role) -> None:
    common = settings.common
    components = build_components(settings)
    identity = ServiceClient(
        common.identity_address, identity_pb2_grpc.IdentityServiceStub, timeout=10
    )
    registry = ServiceClient(
        common.registry_address, registry_pb2_grpc.RegistryServiceStub, timeout=10
    )
    projects = ProjectsService(components, Directory(identity, registry))
    # Progress, its statistics, exports and flags, with the funds ledger's figures.
    library = ProjectAccess(components)
    # One object store: progress reports' photos and disbursements' vouchers.
    store = settings.open_object_store(settings.service_name)
    progress = ProgressService(library, store)
    benefits = BenefitsService(library)
    flags = FlagsService(
        library,
        office_role=settings.flag_role,
        idle_after=timedelta(days=settings.idle_funds_days),
        idle_funds=funds_figures.idle,
    )
    progress_scheduler = ProgressScheduler(
        flags, interval=settings.scheduler_interval_seconds, batch=settings.scheduler_batch
    )
    reviews = ReviewService(components, projects)
    notices = NoticesService(components)
    scheduler = Scheduler(
        reviews, interval=settings.scheduler_interval_seconds, batch=settings.scheduler_batch
    )
    # Funds share the project library's database and clock.
    funds = FundsContext(
        db=components.db,
        store=store,
        idle_days=settings.idle_funds_days,
        clock=lambda: components.clock(),
    )
    policy: list[Authorizer] = []
    bus = await service_bus(settings)
    relay = OutboxRelay(components.db, bus)

    async def load_policy() -> None:
        policy.append(await fetch_policy_when_ready(ServiceCredentials.of(identity, settings)))

    def register(server: grpc.aio.Server) -> list[str]:
        access = Access(lambda: policy[0] if policy else None)
        projects_pb2_grpc.add_ProjectsServiceServicer_to_server(
            ProjectsApi(projects, reviews, notices, access, EditsService(projects)), server
        )
        progress_api = ProgressApi(
            progress,
            benefits,
            StatisticsService(library, funds_figures.by_child_and_source),
            ExportsService(library, funds_figures.of_projects),
            access,
        )
        progress_pb2_grpc.add_ProgressServiceServicer_to_server(progress_api, server)
        funds_pb2_grpc.add_FundsServiceServicer_to_server(
            FundsApi(FundsService(funds), DisbursementsService(funds), access), server
        )
        return [
            projects_pb2.DESCRIPTOR.services_by_name["ProjectsService"].full_name,
            progress_pb2.DESCRIPTOR.services_by_name["ProgressService"].full_name,
            funds_pb2.DESCRIPTOR.services_by_name["FundsService"].full_name,
        ]

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
            progress_scheduler.run,
            division_change_consumer(
                bus, components.db, "projects", division_change_handler(region_columns(models))
            ).run,
        ],
        on_stop=stop,
    )
    await run_service(settings, process, role)
