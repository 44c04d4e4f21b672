"""Helpers' proposed changes and their review by the village work team."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, ProtoModel, RequestModel
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdId, HouseholdUpdate, MemberIn, update_message
from gateway.routes.members import MemberFields
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["change requests"])

RequestId = HexId


class ChangeRequestOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    requested_by: str
    changes: dict[str, Any]
    base_version: int
    status: str
    reviewed_by: str | None
    review_reason: str | None
    created_at: Instant
    reviewed_at: Instant | None


class YearIncomesIn(ProtoModel, proto=pb.SetIncomesRequest):
    year: int = Field(ge=2000, le=2100)
    by_source: dict[str, int]


class MemberChangeIn(MemberFields):
    member_id: str = Field(max_length=64, pattern=r"^[0-9a-f]+$")


class ProposalIn(HouseholdUpdate):
    incomes: YearIncomesIn | None = None
    indicators: dict[str, bool] | None = None
    new_member: MemberIn | None = Field(
        default=None, description="a member to add; the proposal shows the number masked only"
    )
    member_change: MemberChangeIn | None = None


class ReviewIn(RequestModel):
    decision: str = Field(pattern=r"^(approve|reject)$")
    reason: str = Field(default="", max_length=500, description="required to reject")


change_request_out = from_message(
    pb.ChangeRequest,
    ChangeRequestOut,
    changes=lambda r: {k: v for k, v in json.loads(r.changes).items() if v},
)
proposal_message = to_message(
    ProposalIn,
    pb.ProposeChangeRequest,
    given=("change",),
    indicators=lambda body: (
        None if body.indicators is None else pb.SetIndicatorsRequest(values=body.indicators)
    ),
)


@router.post(
    "/households/{household_id}/change-requests",
    status_code=201,
    response_model=ChangeRequestOut,
    responses=problem_responses(),
    summary="Propose a change to a household paired with you (reviewed before it counts)",
)
async def propose_change(
    household_id: HouseholdId,
    body: ProposalIn,
    caller: Annotated[Caller, caller_for("households", "propose")],
) -> ModelResponse:
    message = proposal_message(body, change=update_message(body, id=household_id))
    return ModelResponse(
        change_request_out(await caller.call(caller.registry.ProposeChange, message)),
        status_code=201,
    )


@router.get(
    "/change-requests",
    response_model=Page[ChangeRequestOut],
    responses=problem_responses(),
    summary="Proposed changes in your territory",
)
async def list_change_requests(
    caller: Annotated[Caller, caller_for("households", "read")],
    region_code: RegionCode = "",
    status: Annotated[str, Query(pattern=r"^(pending|approved|rejected)?$")] = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListChangeRequestsRequest(
        region_code=region_code, status=status, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.registry.ListChangeRequests, message)
    items = [change_request_out(r) for r in reply.requests]
    return ModelResponse(
        Page[ChangeRequestOut](items=items, next_page_token=reply.next_page_token or None)
    )


@router.post(
    "/change-requests/{request_id}/review",
    response_model=ChangeRequestOut,
    responses=problem_responses(),
    summary="Approve (the change then counts) or reject with a reason",
)
async def review_change_request(
    request_id: RequestId,
    body: ReviewIn,
    caller: Annotated[Caller, caller_for("households", "review")],
) -> ModelResponse:
    message = pb.ReviewChangeRequestRequest(
        id=request_id, approve=body.decision == "approve", reason=body.reason
    )
    return ModelResponse(
        change_request_out(await caller.call(caller.registry.ReviewChangeRequest, message))
    )
