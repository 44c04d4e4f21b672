"""The leader database (致富带头人库): approved leaders and their files (一人一档) — the registry
households each helps lift and how, the policies received — and the villages of a county that
still have no leader (一村一带头人)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import RequestModel
from gateway.pagination import Page, PageSize, PageToken
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.leaders import (
    CandidateId,
    CandidateOut,
    PolicyIn,
    RegionCode,
    candidate_out,
    candidates_page,
)
from jingzhun.training.v1 import training_pb2 as pb

router = APIRouter(prefix="/api/v1", tags=["leaders"])


class LedHouseholdIn(RequestModel):
    household_id: str = Field(pattern=r"^[0-9a-f]{1,64}$")
    how: Literal["employment", "cooperative", "land_lease", "technique", "purchase", "other"]
    note: str = Field(default="", max_length=500)


class VillageOut(BaseModel):
    code: str
    name: str


class CoverageOut(BaseModel):
    region_code: str
    villages: int
    with_leader: int
    without_leader: list[VillageOut]


@router.get(
    "/leaders",
    response_model=Page[CandidateOut],
    responses=problem_responses(),
    summary="The leader database of a region: approved leaders with their files",
)
async def list_leaders(
    caller: Annotated[Caller, caller_for("leaders", "read")],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    return ModelResponse(
        await candidates_page(caller, region_code, "approved", page_size, page_token)
    )


@router.get(
    "/leaders/coverage",
    response_model=CoverageOut,
    responses=problem_responses(),
    summary="The villages of a county or town that still have no approved leader",
)
async def leader_coverage(
    caller: Annotated[Caller, caller_for("leaders", "read")], region_code: RegionCode = ""
) -> ModelResponse:
    message = pb.ListVillagesWithoutLeaderRequest(region_code=region_code)
    reply = await caller.call(caller.training.ListVillagesWithoutLeader, message)
    return ModelResponse(
        CoverageOut(
            region_code=reply.region_code,
            villages=reply.villages,
            with_leader=reply.with_leader,
            without_leader=[VillageOut(code=v.code, name=v.name) for v in reply.without_leader],
        )
    )


@router.post(
    "/leaders/{candidate_id}/households",
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="A registry household the leader helps lift, and how (recorded again: updated)",
)
async def add_led_household(
    candidate_id: CandidateId,
    body: LedHouseholdIn,
    caller: Annotated[Caller, caller_for("leaders", "update")],
) -> ModelResponse:
    message = pb.AddLedHouseholdRequest(candidate_id=candidate_id, **body.model_dump())
    return ModelResponse(candidate_out(await caller.call(caller.training.AddLedHousehold, message)))


@router.post(
    "/leaders/{candidate_id}/policies",
    response_model=CandidateOut,
    responses=problem_responses(),
    summary="A policy the leader received (the same name and year again: its amount replaced)",
)
async def record_leader_policy(
    candidate_id: CandidateId,
    body: PolicyIn,
    caller: Annotated[Caller, caller_for("leaders", "update")],
) -> ModelResponse:
    message = pb.RecordLeaderPolicyRequest(
        candidate_id=candidate_id, policy=pb.LeaderPolicy(**body.model_dump())
    )
    return ModelResponse(
        candidate_out(await caller.call(caller.training.RecordLeaderPolicy, message))
    )
