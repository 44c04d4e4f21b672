"""The public notice (公示) of leader candidates: anyone may read the notices running now —
never an identity number, a phone, bank or health data — and lodge an objection during one,
without logging in (rate-limited per address)."""

from __future__ import annotations

from datetime import UTC
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from gateway.deps import State, public_call
from gateway.fields import Instant, RequestModel
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.leaders import CandidateId
from jingzhun.training.v1 import training_pb2 as pb

router = APIRouter(prefix="/public", tags=["public"])


class NoticeOut(BaseModel):
    candidate_id: str
    name: str
    village_code: str
    village_name: str
    leader_type: str
    project: str
    scale: str
    years_in_business: int
    starts_at: Instant
    ends_at: Instant


class ObjectionIn(RequestModel):
    text: str = Field(min_length=1, max_length=2000)
    contact: str = Field(default="", max_length=20, description="optional mobile, kept private")


class ObjectionReceipt(BaseModel):
    objection_id: str
    lodged_at: Instant


class Lodged(Protocol):
    """What every service answers when an objection to its public notice is lodged."""

    @property
    def objection_id(self) -> str: ...
    @property
    def lodged_at(self) -> Timestamp: ...


def lodged_response(reply: Lodged) -> JSONResponse:
    """201 with the objection's receipt (the same for every public notice of the platform)."""
    receipt = ObjectionReceipt(
        objection_id=reply.objection_id, lodged_at=reply.lodged_at.ToDatetime(UTC)
    )
    return JSONResponse(receipt.model_dump(mode="json"), status_code=201)


@router.get(
    "/leader-notices",
    response_model=Page[NoticeOut],
    responses=problem_responses(),
    summary="The public notices of leader candidates running now (no login)",
)
async def list_notices(
    request: Request,
    state: State,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListPublicNoticesRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await public_call(
        request, state, state.training, state.training.stub.ListPublicNotices, message
    )
    notices = [
        NoticeOut(
            candidate_id=n.candidate_id,
            name=n.name,
            village_code=n.village_code,
            village_name=n.village_name,
            leader_type=n.leader_type,
            project=n.project,
            scale=n.scale,
            years_in_business=n.years_in_business,
            starts_at=n.starts_at.ToDatetime(),
            ends_at=n.ends_at.ToDatetime(),
        )
        for n in reply.notices
    ]
    return ModelResponse(
        Page[NoticeOut](items=notices, next_page_token=reply.next_page_token or None)
    )


@router.post(
    "/leader-notices/{candidate_id}/objections",
    status_code=201,
    response_model=ObjectionReceipt,
    responses=problem_responses(),
    summary="Object to a candidate while their notice runs (no login)",
)
async def lodge_objection(
    candidate_id: CandidateId, body: ObjectionIn, request: Request, state: State
) -> JSONResponse:
    message = pb.LodgeObjectionRequest(candidate_id=candidate_id, **body.model_dump())
    reply = await public_call(
        request, state, state.training, state.training.stub.LodgeObjection, message
    )
    return lodged_response(reply)
