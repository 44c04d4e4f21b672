"""The coverage report (全覆盖) of a region and its children, and the households that need help
without a helper (the households' list narrowed by the one household filter)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.household_filter import HouseholdFilterQuery, filter_message
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdOut, household_out
from jingzhun.registry.v1 import helping_units_pb2 as pb
from jingzhun.registry.v1 import registry_pb2
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1/coverage", tags=["coverage"])
Reader = Annotated[Caller, caller_for("coverage", "read")]
WITHOUT_HELPER = HouseholdFilterQuery(needing_help=True, pairing="unpaired")


class CoverageFiguresOut(BaseModel):
    region_code: str
    households_needing_help: int = Field(
        description="poor (identified, under assistance) or monitored"
    )
    households_without_helper: int = Field(description="of those, paired with no helper")
    helpers: int = Field(description="helpers the registry knows: assigned to a unit or paired")
    helpers_without_households: int
    helpers_over_max: int
    helpers_under_min: int
    villages_without_work_team: int = Field(
        description="villages with poor households whose record names neither a first"
        " secretary nor a team leader"
    )
    units: int
    units_without_villages: int


class CoverageOut(BaseModel):
    region: CoverageFiguresOut
    children: list[CoverageFiguresOut] = Field(
        description="the region's children with any figure; household and village figures sum"
        " to the region's, helpers and units of the region's own level count only there"
    )
    quota_version: str


coverage_out = from_message(pb.Coverage, CoverageOut)


@router.get(
    "",
    response_model=CoverageOut,
    responses=problem_responses(),
    summary="Coverage (全覆盖) of a region of your territory, with its children's figures",
)
async def coverage(caller: Reader, region_code: RegionCode = "") -> ModelResponse:
    found = await caller.call(
        caller.helping.GetCoverage, pb.GetCoverageRequest(region_code=region_code)
    )
    return ModelResponse(coverage_out(found))


@router.get(
    "/households-without-helper",
    response_model=Page[HouseholdOut],
    responses=problem_responses(),
    summary="Households that need help (poor or monitored) and are paired with no helper",
)
async def households_without_helper(
    caller: Reader,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = registry_pb2.ListHouseholdsRequest(
        region_code=region_code,
        page_size=page_size,
        page_token=page_token,
        filter=filter_message(WITHOUT_HELPER),
    )
    reply = await caller.call(caller.registry.ListHouseholds, message)
    return ModelResponse(
        Page[HouseholdOut](
            items=[household_out(h) for h in reply.households],
            next_page_token=reply.next_page_token or None,
        )
    )
