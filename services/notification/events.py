"""Notification's event subjects and what it does on each: an account created gets a welcome
text; `notification.requested` (from any service, or from a broadcast here) is queued as one
message per recipient. A request that can never be sent is logged and dropped, not retried."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.identity.v1 import events_pb2 as identity_events
from jingzhun.notification.v1 import events_pb2
from kit.errors import InvalidArgument, NotFound
from services.notification import repository as repo
from services.notification.directory import Audience
from services.notification.queue_service import QueueService, Request

log = logging.getLogger(__name__)

SERVICE = "notification"  # whose acts these are in the audit log (kit.audit)
USER_CREATED = "identity.user.created"
NOTIFICATION_REQUESTED = "notification.requested"


def request_from_event(event: events_pb2.NotificationRequested) -> Request:
    audiences = []
    if event.user_ids:
        audiences.append(Audience(user_ids=list(event.user_ids)))
    if event.HasField("audience"):
        audiences.append(Audience(role=event.audience.role, region_code=event.audience.region_code))
    return Request(
        source_id=event.source_id,
        template=event.template,
        variables=dict(event.variables),
        audiences=audiences,
        urgent=event.urgent,
        reply_reference=event.reply_reference,
        broadcast_id=event.broadcast_id or None,
    )


class EventHandlers:
    def __init__(self, queue: QueueService) -> None:
        self.queue = queue

    async def on_user_created(
        self, session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        user = identity_events.UserChanged.FromString(payload)
        if user.disabled:
            return
        welcome = Request(
            source_id=f"welcome:{user.user_id}",
            template="welcome",
            audiences=[Audience(user_ids=[user.user_id])],
        )
        await self.queue.queue(session, welcome)

    async def on_requested(
        self, session: AsyncSession, subject: str, payload: bytes, headers: dict[str, str]
    ) -> None:
        request = request_from_event(events_pb2.NotificationRequested.FromString(payload))
        try:
            queued = await self.queue.queue(session, request)
        except (InvalidArgument, NotFound) as exc:  # a retry would change nothing
            log.warning(
                "notification request %s refused: %s (%s)",
                request.source_id,
                exc.message,
                exc.reason,
            )
            queued = 0
        if request.broadcast_id:
            broadcast = await repo.get_broadcast(session, request.broadcast_id)
            if broadcast is not None:
                broadcast.resolved, broadcast.recipients = True, queued
                session.add(broadcast)
