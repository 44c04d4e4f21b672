"""The public notice (公示) of households proposed for identification or exit: the town
publishes the list and resolves objections, the county approves once the notice has ended with
none open (the approval is the household's lifecycle transition); anyone reads the running
notices — the head's name and the village, nothing else — and objects without logging in
(rate-limited per address)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, State, caller_for, public_call
from gateway.fields import Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.leader_notices import ObjectionIn, ObjectionReceipt, lodged_response
from gateway.routes.leaders import ObjectionOut, ResolutionIn
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(tags=["household notices"])

NoticeId = HexId
Kind = Literal["identification", "exit"]
Officer = Annotated[Caller, caller_for("households", "transition")]


class PublishIn(RequestModel):
    kind: Kind = Field(description="identification: enters assistance once approved; exit: 脱贫")
    household_ids: list[HexId] = Field(min_length=1, max_length=200)


class ApproveIn(RequestModel):
    note: str = Field(default="", max_length=2000)


class HouseholdNoticeOut(BaseModel):
    id: str
    kind: Kind
    household_id: str
    head_name: str
    village_code: str
    starts_at: Instant
    ends_at: Instant
    state: Literal["running", "ended", "decided"]
    open_objections: int
    published_by: str
    decided_by: str
    decision: str
    objections: list[ObjectionOut]


class PublicHouseholdNoticeOut(BaseModel):
    id: str
    kind: Kind
    head_name: str
    village_code: str
    starts_at: Instant
    ends_at: Instant


notice_out = from_message(pb.HouseholdNotice, HouseholdNoticeOut)
public_notice_out = from_message(pb.PublicHouseholdNotice, PublicHouseholdNoticeOut)
publish_message = to_message(PublishIn, pb.PublishHouseholdNoticesRequest)
resolve_message = to_message(
    ResolutionIn, pb.ResolveHouseholdObjectionRequest, given=("notice_id", "objection_id")
)
approve_message = to_message(ApproveIn, pb.ApproveHouseholdNoticeRequest, given=("notice_id",))


@router.post(
    "/api/v1/household-notices",
    status_code=201,
    response_model=list[HouseholdNoticeOut],
    responses=problem_responses(),
    summary="Publish the households proposed for identification or exit (town)",
)
async def publish(body: PublishIn, request: Request, caller: Officer) -> JSONResponse:
    async def produce() -> list[HouseholdNoticeOut]:
        reply = await caller.call(caller.registry.PublishHouseholdNotices, publish_message(body))
        return [notice_out(n) for n in reply.notices]

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/api/v1/household-notices",
    response_model=Page[HouseholdNoticeOut],
    responses=problem_responses(),
    summary="The household notices of your territory, with their objections",
)
async def list_notices(
    caller: Officer,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListHouseholdNoticesRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.registry.ListHouseholdNotices, message)
    return ModelResponse(
        Page[HouseholdNoticeOut](
            items=[notice_out(n) for n in reply.notices],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/api/v1/household-notices/{notice_id}/objections/{objection_id}/resolution",
    response_model=HouseholdNoticeOut,
    responses=problem_responses(),
    summary="The town's finding on an objection",
)
async def resolve_objection(
    notice_id: NoticeId,
    objection_id: NoticeId,
    body: ResolutionIn,
    request: Request,
    caller: Officer,
) -> JSONResponse:
    async def produce() -> HouseholdNoticeOut:
        message = resolve_message(body, notice_id=notice_id, objection_id=objection_id)
        return notice_out(await caller.call(caller.registry.ResolveHouseholdObjection, message))

    return await respond_once(request, caller, 200, produce)


@router.post(
    "/api/v1/household-notices/{notice_id}/approval",
    response_model=HouseholdNoticeOut,
    responses=problem_responses(),
    summary="Approve once the notice ended with no open objection (county): the transition",
)
async def approve(
    notice_id: NoticeId, body: ApproveIn, request: Request, caller: Officer
) -> JSONResponse:
    async def produce() -> HouseholdNoticeOut:
        message = approve_message(body, notice_id=notice_id)
        return notice_out(await caller.call(caller.registry.ApproveHouseholdNotice, message))

    return await respond_once(request, caller, 200, produce)


@router.get(
    "/public/household-notices",
    response_model=Page[PublicHouseholdNoticeOut],
    responses=problem_responses(),
    summary="The notices of households proposed for identification or exit running now (no login)",
    tags=["public"],
)
async def list_public_notices(
    request: Request,
    state: State,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListHouseholdNoticesRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await public_call(
        request, state, state.registry, state.registry.stub.ListPublicHouseholdNotices, message
    )
    return ModelResponse(
        Page[PublicHouseholdNoticeOut](
            items=[public_notice_out(n) for n in reply.notices],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/public/household-notices/{notice_id}/objections",
    status_code=201,
    response_model=ObjectionReceipt,
    responses=problem_responses(),
    summary="Object to a household's notice while it runs (no login)",
    tags=["public"],
)
async def lodge_objection(
    notice_id: NoticeId, body: ObjectionIn, request: Request, state: State
) -> JSONResponse:
    message = pb.LodgeHouseholdObjectionRequest(notice_id=notice_id, **body.model_dump())
    reply = await public_call(
        request, state, state.registry, state.registry.stub.LodgeHouseholdObjection, message
    )
    return lodged_response(reply)
