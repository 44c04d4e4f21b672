"""Composition root of assistance: components, the registry and identity it asks, the needs,
tasks, visits, alerts, work-team and performance use-cases, the scheduler of deadlines, the
outbox relay, the consumers of SMS replies, of households at risk (the income rule) and of
household updates (for performance), the gRPC APIs (the helper's handbook has its own) and the
authorization policy fetched from identity."""

from __future__ import annotations

import grpc

from jingzhun.assistance.v1 import (
    assessment_pb2,
    assessment_pb2_grpc,
    assistance_pb2,
    assistance_pb2_grpc,
    attachments_pb2,
    attachments_pb2_grpc,
    handbook_pb2,
    handbook_pb2_grpc,
    spot_checks_pb2,
    spot_checks_pb2_grpc,
)
from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.registry.v1 import assessment_basis_pb2_grpc, registry_pb2_grpc
from kit.access import Access
from kit.authz import Authorizer
from kit.db import Database
from kit.division_changes import (
    division_change_consumer,
    division_change_handler,
    region_columns,
)
from kit.grpc_client import ServiceClient
from kit.inbox import Consumer
from kit.outbox import OutboxRelay
from kit.policy import fetch_policy_when_ready
from kit.service_auth import ServiceCredentials
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from services.assistance import models
from services.assistance.alerts_service import AlertsService
from services.assistance.api_assessment import AssessmentApi
from services.assistance.api_attachments import AttachmentsApi
from services.assistance.api_grpc import AssistanceApi
from services.assistance.api_handbook import AssistanceHandbookApi
from services.assistance.api_spot_checks import SpotCheckApi
from services.assistance.assessment_indicators import load_indicator_sets
from services.assistance.assessment_service import AssessmentService
from services.assistance.attachments_service import AttachmentsService
from services.assistance.components import Components
from services.assistance.domain import Deadlines
from services.assistance.events import REPLY_RECEIVED
from services.assistance.handbook_service import HandbookService
from services.assistance.household_updates import HOUSEHOLD_UPDATED, on_household_updated
from services.assistance.income_alerts import HOUSEHOLD_AT_RISK, IncomeRule
from services.assistance.needs_service import NeedsService
from services.assistance.performance_service import PerformanceService
from services.assistance.registry_view import RegistryView
from services.assistance.replies import ReplyHandler
from services.assistance.scheduler import Scheduler
from services.assistance.settings import AssistanceSettings
from services.assistance.spot_checks_service import SpotChecksService
from services.assistance.tasks_service import TasksService
from services.assistance.visits_service import VisitsService
from services.assistance.work_team_service import WorkTeamService


def build_components(settings: AssistanceSettings) -> Components:
    return Components(
        db=Database(settings.database_url),
        deadlines=Deadlines(settings.need_deadline_hours, settings.urgent_need_deadline_hours),
        owner_role=settings.need_owner_role,
        visit_max_distance_m=settings.visit_max_distance_m,
        alert_verify_hours=settings.alert_verify_hours,
    )


async def run(settings: AssistanceSettings, role: Role) -> None:
    common = settings.common
    components = build_components(settings)
    identity = ServiceClient(
        common.identity_address, identity_pb2_grpc.IdentityServiceStub, timeout=10
    )
    registry = ServiceClient(
        common.registry_address, registry_pb2_grpc.RegistryServiceStub, timeout=10
    )
    view = RegistryView(registry, identity)
    needs = NeedsService(components, view)
    tasks = TasksService(components, view)
    visits = VisitsService(components, view)
    alerts = AlertsService(components, view)
    attachments = AttachmentsService(
        components,
        view,
        settings.open_object_store(settings.service_name),
        settings.attachment_exif_max_hours,
    )
    basis = ServiceClient(
        common.registry_address, assessment_basis_pb2_grpc.RegistryAssessmentServiceStub, timeout=60
    )
    credentials = ServiceCredentials.of(identity, settings)
    assessment = AssessmentService(components, basis, identity, credentials, load_indicator_sets())
    scheduler = Scheduler(
        components,
        needs,
        interval=settings.scheduler_interval_seconds,
        batch=settings.scheduler_batch,
        monthly=assessment.issue_monthly,
    )
    policy: list[Authorizer] = []
    bus = await service_bus(settings)
    relay = OutboxRelay(components.db, bus)
    replies = Consumer(
        bus,
        components.db,
        stream="notification",
        durable="assistance-task-replies",
        filter_subject=REPLY_RECEIVED,
        handler=ReplyHandler(tasks).on_reply_received,
    )
    at_risk = Consumer(
        bus,
        components.db,
        stream="registry",
        durable="assistance-income-rule",
        filter_subject=HOUSEHOLD_AT_RISK,
        handler=IncomeRule(components).on_household_at_risk,
    )
    updates = Consumer(
        bus,
        components.db,
        stream="registry",
        durable="assistance-household-updates",
        filter_subject=HOUSEHOLD_UPDATED,
        handler=on_household_updated,
    )

    async def load_policy() -> None:
        policy.append(await fetch_policy_when_ready(ServiceCredentials.of(identity, settings)))

    def register(server: grpc.aio.Server) -> list[str]:
        access = Access(lambda: policy[0] if policy else None)
        api = AssistanceApi(
            needs,
            tasks,
            visits,
            alerts,
            WorkTeamService(components),
            PerformanceService(components),
            access,
        )
        assistance_pb2_grpc.add_AssistanceServiceServicer_to_server(api, server)
        spot_checks_pb2_grpc.add_AssistanceSpotCheckServiceServicer_to_server(
            SpotCheckApi(SpotChecksService(components, view, tasks), access), server
        )
        handbook_pb2_grpc.add_AssistanceHandbookServiceServicer_to_server(
            AssistanceHandbookApi(HandbookService(components, view), access), server
        )
        attachments_pb2_grpc.add_AssistanceAttachmentServiceServicer_to_server(
            AttachmentsApi(attachments, access), server
        )
        assessment_api = AssessmentApi(assessment, access)
        assessment_pb2_grpc.add_AssistanceAssessmentServiceServicer_to_server(
            assessment_api, server
        )
        return [
            assistance_pb2.DESCRIPTOR.services_by_name["AssistanceService"].full_name,
            handbook_pb2.DESCRIPTOR.services_by_name["AssistanceHandbookService"].full_name,
            attachments_pb2.DESCRIPTOR.services_by_name["AssistanceAttachmentService"].full_name,
            spot_checks_pb2.DESCRIPTOR.services_by_name["AssistanceSpotCheckService"].full_name,
            assessment_pb2.DESCRIPTOR.services_by_name["AssistanceAssessmentService"].full_name,
        ]

    async def stop() -> None:
        await bus.close()
        await identity.close()
        await registry.close()
        await basis.close()
        await components.db.dispose()

    process = ServiceProcess(
        register,
        components.db,
        every_role=[relay.run],
        api=[load_policy],
        worker=[
            replies.run,
            at_risk.run,
            updates.run,
            division_change_consumer(
                bus, components.db, "assistance", division_change_handler(region_columns(models))
            ).run,
            scheduler.run,
        ],
        on_stop=stop,
    )
    await run_service(settings, process, role)
