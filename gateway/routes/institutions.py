"""Training institutions (培训机构): an institution registers and applies, the county approves
or rejects it with a reason; officers see the ratings trainees gave each institution."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.leaders import RegionCode
from jingzhun.training.v1 import training_pb2 as pb
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1", tags=["training"])

ObjectId = HexId


class InstitutionIn(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    county_code: str = Field(default="", pattern=REGION_CODE_OR_EMPTY, description="default: yours")
    contact: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=2000)


class ScreeningIn(ProtoModel, proto=pb.ScreenInstitutionRequest):
    approve: bool
    reason: str = Field(min_length=1, max_length=2000)
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class RatingOut(BaseModel):
    average: float = Field(description="1 to 5; 0 while nobody rated")
    count: int


class InstitutionOut(BaseModel):
    id: str
    owner_user_id: str
    name: str
    county_code: str
    contact: str
    description: str
    status: Literal["applied", "approved", "rejected"]
    reason: str
    screened_by: str | None
    version: int
    created_at: Instant
    updated_at: Instant
    rating: RatingOut


rating_out = from_message(pb.Rating, RatingOut)


institution_out = from_message(pb.Institution, InstitutionOut)


@router.post(
    "/training-institutions",
    status_code=201,
    response_model=InstitutionOut,
    responses=problem_responses(),
    summary="Register your institution and apply to the county",
)
async def apply_institution(
    body: InstitutionIn,
    request: Request,
    caller: Annotated[Caller, caller_for("institutions", "apply")],
) -> JSONResponse:
    async def produce() -> InstitutionOut:
        message = pb.ApplyInstitutionRequest(**body.model_dump())
        return institution_out(await caller.call(caller.training.ApplyInstitution, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/training-institutions",
    response_model=Page[InstitutionOut],
    responses=problem_responses(),
    summary="The institutions of a region in your territory (an institution: itself)",
)
async def list_institutions(
    caller: Annotated[Caller, caller_for("institutions", "read")],
    region_code: RegionCode = "",
    status: Annotated[Literal["applied", "approved", "rejected"] | None, Query()] = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListInstitutionsRequest(
        region_code=region_code, status=status or "", page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.training.ListInstitutions, message)
    return ModelResponse(
        Page[InstitutionOut](
            items=[institution_out(i) for i in reply.institutions],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/training-institutions/{institution_id}",
    response_model=InstitutionOut,
    responses=problem_responses(),
    summary="An institution, its screening and its rating",
)
async def get_institution(
    institution_id: ObjectId, caller: Annotated[Caller, caller_for("institutions", "read")]
) -> ModelResponse:
    found = await caller.call(
        caller.training.GetInstitution, pb.GetInstitutionRequest(id=institution_id)
    )
    return ModelResponse(institution_out(found))


@router.post(
    "/training-institutions/{institution_id}/screening",
    response_model=InstitutionOut,
    responses=problem_responses(),
    summary="The county approves or rejects an institution's application, with a reason",
)
async def screen_institution(
    institution_id: ObjectId,
    body: ScreeningIn,
    caller: Annotated[Caller, caller_for("institutions", "screen")],
) -> ModelResponse:
    message = pb.ScreenInstitutionRequest(id=institution_id, **body.model_dump())
    return ModelResponse(
        institution_out(await caller.call(caller.training.ScreenInstitution, message))
    )
