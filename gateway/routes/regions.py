"""Regions (the division-code hierarchy) and division changes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Day, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["regions"])

Code = Annotated[str, Path(pattern=REGION_CODE, examples=["370102000000"])]
# Regions named on a page (the console's villages, owners, recipients): one call per page.
Codes = Annotated[
    list[Annotated[str, Field(pattern=REGION_CODE)]],
    Query(
        alias="code",
        min_length=1,
        max_length=200,
        description="the regions to name (repeat the parameter; at most 200): those you do not "
        "see (outside your subtree and your ancestors) are left out",
    ),
]
Level = Literal["province", "city", "county", "town", "village"]


class RegionRef(BaseModel):
    code: str
    name: str
    level: Level


class RegionOut(RegionRef):
    parent_code: str | None
    ancestors: list[RegionRef]
    child_count: int
    retired: bool
    successor_code: str | None


class DivisionStep(RequestModel):
    old_code: str = Field(pattern=REGION_CODE)
    new_code: str = Field(pattern=REGION_CODE)
    new_name: str = Field(default="", max_length=64)


class DivisionChangeIn(RequestModel):
    kind: Literal["merge", "recode", "reparent", "rename"]
    reason: str = Field(min_length=1, max_length=500)
    steps: list[DivisionStep] = Field(min_length=1, max_length=500)
    retire_codes: list[Annotated[str, Field(pattern=REGION_CODE)]] = Field(default_factory=list)
    effective_date: Day


class DivisionChangeOut(DivisionChangeIn):
    id: str
    actor_id: str
    applied_at: Instant
    regions_recoded: int
    users_moved: int


region_out = from_message(pb.Region, RegionOut)
change_out = from_message(pb.DivisionChange, DivisionChangeOut)
change_message = to_message(DivisionChangeIn, pb.ApplyDivisionChangeRequest)


class Regions(BaseModel):
    items: list[RegionOut] = Field(description="in the order asked, without `ancestors`")


@router.get(
    "/regions",
    response_model=Regions,
    responses=problem_responses(),
    summary="Regions by code (their names for a page of results)",
)
async def batch_get_regions(
    codes: Codes, caller: Annotated[Caller, caller_for("regions", "read")]
) -> ModelResponse:
    reply = await caller.call(
        caller.identity.BatchGetRegions, pb.BatchGetRegionsRequest(codes=codes)
    )
    return ModelResponse(Regions(items=[region_out(r) for r in reply.regions]))


@router.get(
    "/regions/{code}", response_model=RegionOut, responses=problem_responses(), summary="One region"
)
async def get_region(
    code: Code, caller: Annotated[Caller, caller_for("regions", "read")]
) -> ModelResponse:
    return ModelResponse(
        region_out(await caller.call(caller.identity.GetRegion, pb.GetRegionRequest(code=code)))
    )


@router.get(
    "/regions/{code}/children",
    response_model=Page[RegionOut],
    responses=problem_responses(),
    summary="The children of a region",
)
async def list_children(
    code: Code,
    caller: Annotated[Caller, caller_for("regions", "read")],
    name_prefix: Annotated[str, Query(max_length=64)] = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListRegionsRequest(
        parent_code=code, name_prefix=name_prefix, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.identity.ListRegions, message)
    return ModelResponse(
        Page[RegionOut](
            items=[region_out(r) for r in reply.regions],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/division-changes",
    status_code=201,
    response_model=DivisionChangeOut,
    responses=problem_responses(),
    summary="Merge, re-code, re-parent or rename regions (province administrators)",
)
async def apply_division_change(
    body: DivisionChangeIn,
    request: Request,
    caller: Annotated[Caller, caller_for("regions", "change")],
) -> JSONResponse:
    async def produce() -> DivisionChangeOut:
        message = change_message(body)
        return change_out(await caller.call(caller.identity.ApplyDivisionChange, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/division-changes",
    response_model=Page[DivisionChangeOut],
    responses=problem_responses(),
    summary="Division changes, newest first",
)
async def list_division_changes(
    caller: Annotated[Caller, caller_for("regions", "read")],
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListDivisionChangesRequest(page_size=page_size, page_token=page_token)
    reply = await caller.call(caller.identity.ListDivisionChanges, message)
    return ModelResponse(
        Page[DivisionChangeOut](
            items=[change_out(c) for c in reply.changes],
            next_page_token=reply.next_page_token or None,
        )
    )
