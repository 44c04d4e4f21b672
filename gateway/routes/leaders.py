"""Leader cultivation (致富带头人培育): candidates register themselves or are nominated, the
village recommends, the town publishes the public notice (公示) and resolves objections, the
county approves or rejects; the leader database with each leader's file (一人一档) and the
villages of a county still without a leader."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.training.v1 import training_pb2 as pb
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1", tags=["leaders"])

CandidateId = HexId
LeaderType = Literal[
    "planting", "breeding", "processing", "ecommerce", "cooperative", "tourism", "other"
]
Status = Literal["registered", "recommended", "in_notice", "notice_closed", "approved", "rejected"]


class CandidateIn(ProtoModel, proto=pb.RegisterCandidateRequest):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=1, max_length=18, description="stored encrypted")
    phone: str = Field(default="", max_length=20, description="stored encrypted")
    village_code: str = Field(
        default="",
        pattern=REGION_CODE_OR_EMPTY,
        description="a nomination's village (yours: empty)",
    )
    leader_type: LeaderType
    project: str = Field(min_length=1, max_length=500)
    scale: str = Field(default="", max_length=200, description="e.g. 200亩, 500头")
    years_in_business: int = Field(default=0, ge=0, le=80)
    skills: list[str] = Field(default_factory=list, max_length=20)
    annual_revenue_yuan: int = Field(default=0, ge=0)


class CandidateActionIn(ProtoModel, proto=pb.ActOnCandidateRequest):
    action: Literal["recommend", "publish_notice", "approve", "reject"]
    note: str = Field(
        min_length=1, max_length=2000, description="the inspection, the review, or the reason"
    )
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class ResolutionIn(RequestModel):
    upheld: bool = Field(description="whether the objection was found to be true")
    resolution: str = Field(min_length=1, max_length=2000)


class PolicyIn(ProtoModel, proto=pb.LeaderPolicy):
    name: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=2000, le=2100)
    amount_yuan: int = Field(default=0, ge=0)
    department: str = Field(default="", max_length=100)


class StepOut(BaseModel):
    seq: int
    action: str
    status: str
    actor_id: str = Field(description="`scheduler` closes the notice; `public` objects")
    note: str
    at: Instant


class ObjectionOut(BaseModel):
    id: str
    text: str
    contact_masked: str
    status: str
    upheld: bool
    resolution: str
    resolved_by: str
    lodged_at: Instant
    resolved_at: Instant | None


class LedHouseholdOut(BaseModel):
    household_id: str
    village_code: str
    how: str
    note: str
    added_by: str
    added_at: Instant


class CandidateOut(BaseModel):
    id: str
    user_id: str | None
    nominated_by: str | None
    name: str
    id_number_masked: str
    phone_masked: str
    village_code: str
    village_name: str
    leader_type: str
    project: str
    scale: str
    years_in_business: int
    skills: list[str]
    annual_revenue_yuan: int
    status: str
    owner_level: str | None = Field(description="whose turn it is: village | town | county")
    notice_ends_at: Instant | None
    open_objections: int
    version: int
    created_at: Instant
    updated_at: Instant
    steps: list[StepOut]
    objections: list[ObjectionOut]
    households: list[LedHouseholdOut]
    policies: list[PolicyIn]


candidate_out = from_message(pb.Candidate, CandidateOut)


@router.post(
    "/leader-candidates",
    status_code=201,
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="Register as a leader candidate (your home village), or nominate one in your territory",
)
async def register_candidate(
    body: CandidateIn,
    request: Request,
    caller: Annotated[Caller, caller_for("leaders", "register")],
) -> JSONResponse:
    async def produce() -> CandidateOut:
        message = pb.RegisterCandidateRequest(**body.model_dump())
        return candidate_out(await caller.call(caller.training.RegisterCandidate, message))

    return await respond_once(request, caller, 201, produce)


async def candidates_page(
    caller: Caller, region_code: str, status: str, size: int, token: str
) -> Page:
    message = pb.ListCandidatesRequest(
        region_code=region_code, status=status, page_size=size, page_token=token
    )
    reply = await caller.call(caller.training.ListCandidates, message)
    return Page[CandidateOut](
        items=[candidate_out(c) for c in reply.candidates],
        next_page_token=reply.next_page_token or None,
    )


@router.get(
    "/leader-candidates",
    response_model=Page[CandidateOut],
    responses=problem_responses(),
    summary="The candidates of a region (a candidate: their own), each with their whole path",
)
async def list_candidates(
    caller: Annotated[Caller, caller_for("leaders", "read")],
    region_code: RegionCode = "",
    status: Annotated[Status | None, Query()] = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    return ModelResponse(
        await candidates_page(caller, region_code, status or "", page_size, page_token)
    )


@router.get(
    "/leader-candidates/{candidate_id}",
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="A candidate, their path, objections and file",
)
async def get_candidate(
    candidate_id: CandidateId, caller: Annotated[Caller, caller_for("leaders", "read")]
) -> ModelResponse:
    found = await caller.call(caller.training.GetCandidate, pb.GetCandidateRequest(id=candidate_id))
    return ModelResponse(candidate_out(found))


@router.post(
    "/leader-candidates/{candidate_id}/actions",
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="Recommend (village), publish the public notice (town), approve (county) or reject",
)
async def act_on_candidate(
    candidate_id: CandidateId,
    body: CandidateActionIn,
    caller: Annotated[Caller, caller_for("leaders", "review")],
) -> ModelResponse:
    message = pb.ActOnCandidateRequest(id=candidate_id, **body.model_dump())
    return ModelResponse(candidate_out(await caller.call(caller.training.ActOnCandidate, message)))


@router.post(
    "/leader-candidates/{candidate_id}/objections/{objection_id}/resolution",
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="The town's finding on an objection to the candidate's public notice",
)
async def resolve_objection(
    candidate_id: CandidateId,
    objection_id: CandidateId,
    body: ResolutionIn,
    caller: Annotated[Caller, caller_for("leaders", "review")],
) -> ModelResponse:
    message = pb.ResolveObjectionRequest(
        candidate_id=candidate_id, objection_id=objection_id, **body.model_dump()
    )
    return ModelResponse(
        candidate_out(await caller.call(caller.training.ResolveObjection, message))
    )
