"""Notices (上传下达): a text message to every holder of a role in a subtree of the caller's
territory, with per-recipient status; and the messages of a subtree, for operators."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.visits import Since, Until
from jingzhun.notification.v1 import notification_pb2 as pb
from kit.mapping import from_message, to_message
from kit.paging import stamp

router = APIRouter(prefix="/api/v1", tags=["notices"])

NoticeId = HexId
STATUS = r"^(queued|held|submitted|delivered|failed|expired)?$"
Status = Annotated[str, Query(pattern=STATUS, description="only messages in this status")]


class NoticeIn(RequestModel):
    role: str = Field(max_length=40, examples=["helper"], description="every holder of this role")
    region_code: str = Field(
        pattern=REGION_CODE, examples=["370102000000"], description="... in this subtree"
    )
    text: str = Field(
        default="", max_length=500, description="the notice (the `notice` template's text)"
    )
    template: str = Field(default="", max_length=40, description="another approved template")
    variables: dict[str, str] = Field(default_factory=dict, max_length=20)
    urgent: bool = Field(default=False, description="sent during quiet hours too")


class StatusCounts(BaseModel):
    queued: int = Field(description="waiting for a try, or being sent")
    held: int = Field(description="waiting for the end of quiet hours or of a daily cap")
    submitted: int = Field(description="accepted by the carrier, no receipt yet")
    delivered: int
    failed: int
    expired: int = Field(description="no receipt came in time")


class NoticeOut(BaseModel):
    id: str
    role: str
    region_code: str
    template: str
    text: str = Field(description="as the recipients read it, signature included")
    urgent: bool
    state: str = Field(description="resolving (finding the recipients) | sending | done")
    recipients: int
    counts: StatusCounts
    created_by: str
    created_at: Instant


class MessageOut(BaseModel):
    id: str
    user_id: str
    phone: str = Field(description="masked (139****5678)")
    region_code: str
    template: str
    urgent: bool
    status: str
    attempts: int
    error: str
    notice_id: str | None
    created_at: Instant
    updated_at: Instant


notice_out = from_message(pb.Broadcast, NoticeOut)


def messages_page(reply: pb.ListMessagesResponse) -> Page[MessageOut]:
    items = [
        MessageOut(
            id=m.id,
            user_id=m.user_id,
            phone=m.phone,
            region_code=m.region_code,
            template=m.template,
            urgent=m.urgent,
            status=m.status,
            attempts=m.attempts,
            error=m.error,
            notice_id=m.broadcast_id or None,
            created_at=m.created_at.ToDatetime(),
            updated_at=m.updated_at.ToDatetime(),
        )
        for m in reply.messages
    ]
    return Page[MessageOut](items=items, next_page_token=reply.next_page_token or None)


create_broadcast_message = to_message(NoticeIn, pb.CreateBroadcastRequest)


@router.post(
    "/notices",
    status_code=201,
    response_model=NoticeOut,
    responses=problem_responses(),
    summary="Send a notice to every holder of a role in a subtree",
)
async def create_notice(
    body: NoticeIn, request: Request, caller: Annotated[Caller, caller_for("notices", "create")]
) -> JSONResponse:
    async def produce() -> NoticeOut:
        message = create_broadcast_message(body)
        return notice_out(await caller.call(caller.notification.CreateBroadcast, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/notices/{notice_id}",
    response_model=NoticeOut,
    responses=problem_responses(),
    summary="A notice and how many of its messages are in each status",
)
async def get_notice(
    notice_id: NoticeId, caller: Annotated[Caller, caller_for("notices", "read")]
) -> ModelResponse:
    reply = await caller.call(
        caller.notification.GetBroadcast, pb.GetBroadcastRequest(id=notice_id)
    )
    return ModelResponse(notice_out(reply))


@router.get(
    "/notices/{notice_id}/recipients",
    response_model=Page[MessageOut],
    responses=problem_responses(),
    summary="A notice's recipients and their messages (e.g. status=failed), phones masked",
)
async def notice_recipients(
    notice_id: NoticeId,
    caller: Annotated[Caller, caller_for("notices", "read")],
    status: Status = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListBroadcastRecipientsRequest(
        broadcast_id=notice_id, status=status, page_size=page_size, page_token=page_token
    )
    return ModelResponse(
        messages_page(await caller.call(caller.notification.ListBroadcastRecipients, message))
    )


@router.get(
    "/messages",
    response_model=Page[MessageOut],
    responses=problem_responses(),
    summary="Text messages to recipients in a subtree (yours by default)",
)
async def list_messages(
    caller: Annotated[Caller, caller_for("messages", "read")],
    region_code: RegionCode = "",
    status: Status = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListMessagesRequest(
        region_code=region_code, status=status, page_size=page_size, page_token=page_token
    )
    return ModelResponse(
        messages_page(await caller.call(caller.notification.ListMessages, message))
    )


class MessageCountsOut(BaseModel):
    region_code: str
    since: Instant = Field(description="the period counted: messages created in [since, until)")
    until: Instant
    by_status: dict[str, int] = Field(
        description="queued | held | submitted | delivered | failed | expired"
    )


message_counts_out = from_message(
    pb.MessageCounts,
    MessageCountsOut,
    since=lambda c: getattr(c, "from").ToDatetime(tzinfo=UTC),
    until=lambda c: c.to.ToDatetime(tzinfo=UTC),
)


@router.get(
    "/messages/counts",
    response_model=MessageCountsOut,
    responses=problem_responses(),
    summary="How many text messages to recipients in a subtree were created in a period (default "
    "30 days), by status: the SMS delivered of the leaders' screen",
)
async def count_messages(
    caller: Annotated[Caller, caller_for("messages", "read")],
    region_code: RegionCode = "",
    since: Since = None,
    until: Until = None,
) -> ModelResponse:
    message = pb.CountMessagesRequest(region_code=region_code)
    if since is not None:
        getattr(message, "from").CopyFrom(stamp(since))
    if until is not None:
        message.to.CopyFrom(stamp(until))
    found = await caller.call(caller.notification.CountMessages, message)
    return ModelResponse(message_counts_out(found))
