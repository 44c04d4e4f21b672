"""Composition root of the registry: components, use-cases, the gRPC API, the outbox relay,
the consumers of division changes, of confirmed return-to-poverty alerts and of projects'
benefits to households, the authorization policy fetched from identity and the start-up
backfill of helpers' records."""

from __future__ import annotations

from datetime import timedelta

import grpc

from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.registry.v1 import (
    assessment_basis_pb2,
    assessment_basis_pb2_grpc,
    boundaries_pb2,
    boundaries_pb2_grpc,
    helping_units_pb2,
    helping_units_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
    transfer_pb2,
    transfer_pb2_grpc,
    villages_pb2,
    villages_pb2_grpc,
)
from kit.access import Access
from kit.authz import Authorizer
from kit.db import Database
from kit.division_changes import division_change_consumer
from kit.grpc_client import ServiceClient
from kit.inbox import Consumer
from kit.outbox import OutboxRelay
from kit.policy import fetch_policy_when_ready
from kit.protection import FieldProtector, derive_key
from kit.service_auth import ServiceCredentials
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from services.registry.api_grpc import RegistryApi
from services.registry.api_helping import RegistryHelpingApi
from services.registry.api_transfer import RegistryTransferApi
from services.registry.api_villages import RegistryVillageApi
from services.registry.assessment_basis import RegistryAssessmentApi
from services.registry.benefits_service import BenefitsService
from services.registry.boundaries import RegistryMapApi
from services.registry.components import Components
from services.registry.coverage_service import CoverageService
from services.registry.events import (
    ALERT_CONFIRMED,
    USER_UPDATED,
    on_alert_confirmed,
    on_division_changed,
    on_user_updated,
)
from services.registry.exports import Exports
from services.registry.helper_backfill import HelperBackfill
from services.registry.helping_units_service import HelpingUnitsService
from services.registry.household_notices import HouseholdNotices
from services.registry.households_service import HouseholdsService
from services.registry.imports_service import ImportsService
from services.registry.indicator_sets import load_indicator_sets
from services.registry.livelihood_service import LivelihoodService
from services.registry.members_service import MembersService
from services.registry.pairing_quotas import load_quotas
from services.registry.pairings_service import PairingsService
from services.registry.project_benefits import BENEFIT_RECORDED, project_benefit_handler
from services.registry.public_links import PublicLinks
from services.registry.reviews_service import ReviewsService
from services.registry.settings import RegistrySettings
from services.registry.statistics_service import StatisticsService
from services.registry.village_exit import load_criteria
from services.registry.village_exits_service import VillageExitsService
from services.registry.villages_service import VillagesService


def build_components(settings: RegistrySettings) -> Components:
    return Components(
        db=Database(settings.database_url),
        protector=FieldProtector.from_secrets(settings.encryption_secret, settings.index_secret),
        monitoring_line=settings.monitoring_line,
        notice_period=timedelta(days=settings.notice_period_days),
    )


async def run(settings: RegistrySettings, role: Role) -> None:
    common = settings.common
    components = build_components(settings)
    households = HouseholdsService(components)
    policy: list[Authorizer] = []
    identity = ServiceClient(
        common.identity_address, identity_pb2_grpc.IdentityServiceStub, timeout=10
    )
    credentials = ServiceCredentials.of(identity, settings)
    quotas = load_quotas()
    pairings = PairingsService(components, households, identity, quotas)
    helping_units = HelpingUnitsService(components, identity, quotas)
    coverage = CoverageService(components, quotas)
    statistics = StatisticsService(components)
    livelihood = LivelihoodService(components, households, load_indicator_sets())
    reviews = ReviewsService(components, households, livelihood.indicators)
    members = MembersService(components, households)
    links = PublicLinks(components, derive_key(settings.index_secret, "public-links"))
    villages = VillagesService(components, identity)
    exits = VillageExitsService(components, villages, load_criteria())
    bus = await service_bus(settings)
    relay = OutboxRelay(components.db, bus)
    division_changes = division_change_consumer(bus, components.db, "registry", on_division_changed)
    helper_accounts = Consumer(
        bus,
        components.db,
        stream="identity",
        durable="registry-helper-accounts",
        filter_subject=USER_UPDATED,
        handler=on_user_updated,
    )
    confirmed_alerts = Consumer(
        bus,
        components.db,
        stream="assistance",
        durable="registry-confirmed-alerts",
        filter_subject=ALERT_CONFIRMED,
        handler=on_alert_confirmed,
    )
    project_benefits = Consumer(
        bus,
        components.db,
        stream="projects",
        durable="registry-project-benefits",
        filter_subject=BENEFIT_RECORDED,
        handler=project_benefit_handler(components.monitoring_line),
    )

    async def load_policy() -> None:
        policy.append(await fetch_policy_when_ready(credentials))

    def register(server: grpc.aio.Server) -> list[str]:
        access = Access(lambda: policy[0] if policy else None)
        api = RegistryApi(
            households,
            pairings,
            reviews,
            statistics,
            links,
            livelihood,
            members,
            access,
            benefits=BenefitsService(components, households),
            notices=HouseholdNotices(components),
        )
        registry_pb2_grpc.add_RegistryServiceServicer_to_server(api, server)
        transfer = RegistryTransferApi(ImportsService(components), Exports(components), access)
        transfer_pb2_grpc.add_RegistryTransferServiceServicer_to_server(transfer, server)
        villages_api = RegistryVillageApi(villages, exits, access)
        villages_pb2_grpc.add_RegistryVillageServiceServicer_to_server(villages_api, server)
        helping_api = RegistryHelpingApi(helping_units, coverage, quotas, access)
        helping_units_pb2_grpc.add_RegistryHelpingServiceServicer_to_server(helping_api, server)
        basis_api = RegistryAssessmentApi(components.db, access)
        assessment_basis_pb2_grpc.add_RegistryAssessmentServiceServicer_to_server(basis_api, server)
        boundaries_pb2_grpc.add_RegistryMapServiceServicer_to_server(RegistryMapApi(access), server)
        return [
            registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name,
            transfer_pb2.DESCRIPTOR.services_by_name["RegistryTransferService"].full_name,
            villages_pb2.DESCRIPTOR.services_by_name["RegistryVillageService"].full_name,
            helping_units_pb2.DESCRIPTOR.services_by_name["RegistryHelpingService"].full_name,
            assessment_basis_pb2.DESCRIPTOR.services_by_name["RegistryAssessmentService"].full_name,
            boundaries_pb2.DESCRIPTOR.services_by_name["RegistryMapService"].full_name,
        ]

    async def stop() -> None:
        await bus.close()
        await identity.close()
        await components.db.dispose()

    process = ServiceProcess(
        register,
        components.db,
        every_role=[relay.run],
        api=[load_policy],
        worker=[
            division_changes.run,
            helper_accounts.run,
            confirmed_alerts.run,
            project_benefits.run,
            HelperBackfill(components.db, identity, credentials).run,
        ],
        on_stop=stop,
    )
    await run_service(settings, process, role)
