"""Use-cases of broadcasts (上传下达) and of the operators' view of messages: a notice to every
holder of a role in a subtree of the caller's territory, its per-recipient status, and the
messages of a subtree. Out of the caller's territory is not found, exactly like missing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.notification.v1 import events_pb2
from kit import audit
from kit.errors import FieldViolation, InvalidArgument, NotFound
from kit.outbox import enqueue
from kit.principal import Principal
from kit.territory import is_valid_code, is_within
from services.notification import repository as repo
from services.notification.components import Components
from services.notification.directory import Audience, Directory
from services.notification.domain import UNSETTLED, check_status
from services.notification.events import NOTIFICATION_REQUESTED, SERVICE
from services.notification.models import Broadcast, Message
from services.notification.queue_service import QueueService, Request
from services.notification.templates import render

NOT_A_PERSON = frozenset({"integrator", "service"})

DEFAULT_PERIOD = timedelta(days=30)


@dataclass(frozen=True)
class NewBroadcast:
    role: str
    region_code: str
    template: str = ""
    text: str = ""
    variables: Mapping[str, str] | None = None
    urgent: bool = False


@dataclass(frozen=True)
class BroadcastView:
    broadcast: Broadcast
    counts: dict[str, int]

    @property
    def state(self) -> str:
        if not self.broadcast.resolved:
            return "resolving"
        return "sending" if any(self.counts.get(s) for s in UNSETTLED) else "done"


def not_found() -> NotFound:
    return NotFound("notice not found", reason="NOTICE_NOT_FOUND")


class BroadcastsService:
    def __init__(
        self,
        components: Components,
        queue: QueueService,
        directory: Directory,
        roles: Callable[[], frozenset[str]],
    ) -> None:
        self.c = components
        self.queue = queue
        self.directory = directory
        self.roles = roles  # the roles of the authorization policy

    async def create(self, caller: Principal, new: NewBroadcast) -> BroadcastView:
        if new.role not in self.roles() - NOT_A_PERSON:
            raise InvalidArgument(
                "role must be one of " + ", ".join(sorted(self.roles() - NOT_A_PERSON)),
                reason="UNKNOWN_ROLE",
                violations=[FieldViolation("role", "not a role of the platform")],
            )
        await self._check_region(caller, new.region_code)
        broadcast_id = uuid.uuid4().hex
        variables = {**(new.variables or {}), **({"text": new.text} if new.text else {})}
        request = Request(
            source_id=f"broadcast:{broadcast_id}",
            template=new.template or "notice",
            variables=variables,
            audiences=[Audience(role=new.role, region_code=new.region_code)],
            urgent=new.urgent,
            broadcast_id=broadcast_id,
        )
        template = self.queue.check(request)
        broadcast = Broadcast(
            id=broadcast_id,
            role=new.role,
            region_code=new.region_code,
            template=template.code,
            text=render(template, variables, self.c.signature, name="{name}", code="{code}").text,
            variables=json.dumps(variables, ensure_ascii=False),
            urgent=new.urgent,
            created_by=caller.actor_id,
            created_at=self.c.clock(),
        )
        async with self.c.db.unit_of_work() as session:
            session.add(broadcast)
            enqueue(
                session,
                NOTIFICATION_REQUESTED,
                _request_event(request, caller.actor_id),
                msg_id=f"broadcast-{broadcast_id}",
            )
            audit.record(
                session,
                SERVICE,
                actor_id=caller.actor_id,
                action="broadcast.created",
                target_id=broadcast_id,
                region_code=new.region_code,
                detail={"role": new.role, "template": template.code, "urgent": new.urgent},
            )
        return BroadcastView(broadcast, {})

    async def get(self, caller: Principal, broadcast_id: str) -> BroadcastView:
        async with self.c.db.read_only() as session:
            broadcast = await self._visible(session, caller, broadcast_id)
            return BroadcastView(broadcast, await repo.status_counts(session, broadcast_id))

    async def recipients(
        self, caller: Principal, broadcast_id: str, status: str, after_id: str | None, limit: int
    ) -> list[Message]:
        async with self.c.db.read_only() as session:
            await self._visible(session, caller, broadcast_id)
            return list(
                await repo.list_messages(
                    session,
                    broadcast_id=broadcast_id,
                    status=check_status(status),
                    after_id=after_id,
                    limit=limit,
                )
            )

    async def messages(
        self, caller: Principal, region_code: str, status: str, after_id: str | None, limit: int
    ) -> list[Message]:
        scope = region_code or caller.region_code
        _check_territory(caller, scope)
        async with self.c.db.read_only() as session:
            return list(
                await repo.list_messages(
                    session,
                    region_code=scope,
                    status=check_status(status),
                    after_id=after_id,
                    limit=limit,
                )
            )

    async def count_messages(
        self, caller: Principal, region_code: str, since: datetime | None, until: datetime | None
    ) -> MessageCounts:
        scope = region_code or caller.region_code
        _check_territory(caller, scope)
        until = until or self.c.clock()
        since = since or until - DEFAULT_PERIOD
        if since >= until:
            raise InvalidArgument("from must be before to", reason="INVALID_PERIOD")
        async with self.c.db.read_only() as session:
            by_status = await repo.messages_by_status(session, scope, since, until)
        return MessageCounts(scope, since, until, by_status)

    async def _check_region(self, caller: Principal, region_code: str) -> None:
        _check_territory(caller, region_code)
        await self.directory.check_region(caller, region_code)

    @staticmethod
    async def _visible(session: AsyncSession, caller: Principal, broadcast_id: str) -> Broadcast:
        broadcast = await repo.get_broadcast(session, broadcast_id)
        if broadcast is None or not is_within(broadcast.region_code, caller.region_code):
            raise not_found()
        return broadcast


@dataclass(frozen=True)
class MessageCounts:
    region_code: str
    since: datetime
    until: datetime
    by_status: dict[str, int]


def _check_territory(caller: Principal, region_code: str) -> None:
    """A valid division code in the caller's territory (out of it: not found, like missing)."""
    if not is_valid_code(region_code):
        raise InvalidArgument(
            "region_code must be a 12-digit division code",
            reason="INVALID_REGION_CODE",
            violations=[FieldViolation("region_code", "12 digits, e.g. 370102000000")],
        )
    if not is_within(region_code, caller.region_code):
        raise NotFound("region not found", reason="REGION_NOT_FOUND")


def _request_event(request: Request, actor_id: str) -> events_pb2.NotificationRequested:
    (audience,) = request.audiences
    return events_pb2.NotificationRequested(
        source_id=request.source_id,
        template=request.template,
        variables=dict(request.variables),
        audience=events_pb2.Audience(role=audience.role, region_code=audience.region_code),
        urgent=request.urgent,
        broadcast_id=request.broadcast_id or "",
        requested_by=actor_id,
    )
