"""Composition root of notification: components, the directory of recipients (identity), the
queue, the dispatcher and the SMS provider, the consumers of events, the outbox relay, the
gRPC API and the authorization policy fetched from identity."""

from __future__ import annotations

import grpc

from jingzhun.identity.v1 import identity_pb2_grpc
from jingzhun.notification.v1 import notification_pb2, notification_pb2_grpc
from kit.authz import Authorizer
from kit.bus import Bus
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
from kit.protection import FieldProtector
from kit.service_auth import ServiceCredentials
from kit.service_main import Role, ServiceProcess, run_service, service_bus
from services.notification import models
from services.notification.api_grpc import NotificationApi
from services.notification.broadcasts_service import BroadcastsService
from services.notification.components import Components
from services.notification.directory import Directory
from services.notification.dispatcher import Dispatcher, Timing
from services.notification.domain import SendingRules
from services.notification.events import NOTIFICATION_REQUESTED, USER_CREATED, EventHandlers
from services.notification.providers import provider_from_settings
from services.notification.queue_service import QueueService
from services.notification.receipts import Receipts
from services.notification.replies import Replies
from services.notification.settings import NotificationSettings

# PostgreSQL plans every statement for its own arguments and the tables' sizes now, with index
# probes priced as what they are here (pages in memory, not random disk reads):
# message_parts and message_queue grow from nothing to a broadcast's size within minutes,
# faster than autovacuum analyzes them, and a plan made while they were small — a sequential
# scan — was kept for every batch after (the daily-cap count took ~0.5 s a batch at 200,000).
PLANNING = {"plan_cache_mode": "force_custom_plan", "random_page_cost": "1.1"}
# Redelivered until handled, however long identity is away: a request is dropped only when it
# can never be sent (refused, and logged, by its handler).
UNTIL_HANDLED = -1


def build_components(settings: NotificationSettings) -> Components:
    rules = SendingRules.parse(
        settings.quiet_hours,
        settings.timezone,
        daily_cap=settings.daily_cap,
        max_attempts=settings.max_attempts,
        retry_base=settings.retry_base_seconds,
        retry_max=settings.retry_max_seconds,
    )
    return Components(
        db=Database(settings.database_url, PLANNING),
        protector=FieldProtector.from_secrets(settings.encryption_secret, settings.index_secret),
        rules=rules,
        signature=settings.signature,
    )


def timing(settings: NotificationSettings) -> Timing:
    return Timing(
        batch=settings.dispatch_batch,
        interval=settings.dispatch_interval_seconds,
        lease=settings.sending_lease_seconds,
        receipt_timeout=settings.receipt_timeout_seconds,
    )


def consumers(bus: Bus, db: Database, handlers: EventHandlers) -> list[Consumer]:
    return [
        Consumer(
            bus,
            db,
            stream="identity",
            durable="notification-user-created",
            filter_subject=USER_CREATED,
            handler=handlers.on_user_created,
            max_deliver=UNTIL_HANDLED,
        ),
        Consumer(
            bus,
            db,
            stream="notification",
            durable="notification-requests",
            filter_subject=NOTIFICATION_REQUESTED,
            handler=handlers.on_requested,
            # A province-wide broadcast is resolved in one unit of work, minutes long: kept in
            # progress while it runs, redelivered within the default ack wait after a crash.
            max_deliver=UNTIL_HANDLED,
            batch=1,
        ),
        division_change_consumer(
            bus, db, "notification", division_change_handler(region_columns(models))
        ),
    ]


async def run(settings: NotificationSettings, role: Role) -> None:
    common = settings.common
    components = build_components(settings)
    # A province's contacts stream in pages while their messages are written: a while.
    identity = ServiceClient(
        common.identity_address, identity_pb2_grpc.IdentityServiceStub, timeout=300
    )
    credentials = ServiceCredentials.of(identity, settings)
    directory = Directory(identity, credentials)
    queue = QueueService(components, directory)
    policy: list[Authorizer] = []
    broadcasts = BroadcastsService(
        components, queue, directory, lambda: policy[0].roles if policy else frozenset()
    )
    bus = await service_bus(settings)
    handlers = EventHandlers(queue)

    async def send_messages() -> None:
        """The dispatcher and its provider's link (submits, receipts, replies): a worker's."""
        provider = provider_from_settings(settings)
        if provider is None:
            return  # `none`: messages are recorded and stay queued
        receipts = Receipts(components)
        try:
            await provider.start(receipts.on_receipt, Replies(components, queue).on_reply)
            await Dispatcher(components, provider, receipts, timing(settings)).run()
        finally:
            await provider.close()

    async def load_policy() -> None:
        policy.append(await fetch_policy_when_ready(credentials))

    def register(server: grpc.aio.Server) -> list[str]:
        api = NotificationApi(broadcasts, lambda: policy[0] if policy else None)
        notification_pb2_grpc.add_NotificationServiceServicer_to_server(api, server)
        return [notification_pb2.DESCRIPTOR.services_by_name["NotificationService"].full_name]

    async def stop() -> None:
        await bus.close()
        await identity.close()
        await components.db.dispose()

    process = ServiceProcess(
        register,
        components.db,
        every_role=[OutboxRelay(components.db, bus).run],
        api=[load_policy],
        worker=[*(c.run for c in consumers(bus, components.db, handlers)), send_messages],
        on_stop=stop,
    )
    await run_service(settings, process, role)
