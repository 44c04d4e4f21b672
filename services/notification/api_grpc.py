"""NotificationService over gRPC: translates proto <-> use-cases and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from grpc.aio import ServicerContext

from jingzhun.notification.v1 import notification_pb2 as pb
from jingzhun.notification.v1 import notification_pb2_grpc
from kit.access import Access
from kit.authz import Authorizer
from kit.paging import decode_token, encode_token, page_size, stamp
from services.notification.broadcasts_service import BroadcastsService, NewBroadcast
from services.notification.messages import broadcast_message, message_message
from services.notification.models import Message


def page(messages: list[Message], limit: int) -> pb.ListMessagesResponse:
    next_token = encode_token(messages[-1].id) if len(messages) == limit else ""
    return pb.ListMessagesResponse(
        messages=[message_message(m) for m in messages], next_page_token=next_token
    )


class NotificationApi(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(
        self, broadcasts: BroadcastsService, authorizer: Callable[[], Authorizer | None]
    ) -> None:
        self.broadcasts = broadcasts
        self._access = Access(authorizer)

    async def CreateBroadcast(
        self, request: pb.CreateBroadcastRequest, context: ServicerContext
    ) -> pb.Broadcast:
        new = NewBroadcast(
            role=request.role,
            region_code=request.region_code,
            template=request.template,
            text=request.text,
            variables=dict(request.variables),
            urgent=request.urgent,
        )
        view = await self.broadcasts.create(self._access.caller("notices", "create"), new)
        return broadcast_message(view)

    async def GetBroadcast(
        self, request: pb.GetBroadcastRequest, context: ServicerContext
    ) -> pb.Broadcast:
        caller = self._access.caller("notices", "read")
        return broadcast_message(await self.broadcasts.get(caller, request.id))

    async def ListBroadcastRecipients(
        self, request: pb.ListBroadcastRecipientsRequest, context: ServicerContext
    ) -> pb.ListMessagesResponse:
        limit = page_size(request.page_size)
        found = await self.broadcasts.recipients(
            self._access.caller("notices", "read"),
            request.broadcast_id,
            request.status,
            decode_token(request.page_token),
            limit,
        )
        return page(found, limit)

    async def ListMessages(
        self, request: pb.ListMessagesRequest, context: ServicerContext
    ) -> pb.ListMessagesResponse:
        limit = page_size(request.page_size)
        found = await self.broadcasts.messages(
            self._access.caller("messages", "read"),
            request.region_code,
            request.status,
            decode_token(request.page_token),
            limit,
        )
        return page(found, limit)

    async def CountMessages(
        self, request: pb.CountMessagesRequest, context: ServicerContext
    ) -> pb.MessageCounts:
        found = await self.broadcasts.count_messages(
            self._access.caller("messages", "read"),
            request.region_code,
            getattr(request, "from").ToDatetime(tzinfo=UTC) if request.HasField("from") else None,
            request.to.ToDatetime(tzinfo=UTC) if request.HasField("to") else None,
        )
        counts = pb.MessageCounts(region_code=found.region_code, by_status=found.by_status)
        getattr(counts, "from").CopyFrom(stamp(found.since))
        counts.to.CopyFrom(stamp(found.until))
        return counts
