"""Changes for the national system (全国扶贫开发信息系统): the households of the caller's scope
created, edited or moved through their lifecycle since an instant, so the information officer
can re-enter them (seed 001: 及时更新录入); `/exports/households.{csv,xlsx}?changed_since=`
gives the same households in the import template's layout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message
from kit.paging import stamp

router = APIRouter(prefix="/api/v1/household-changes", tags=["households"])


class HouseholdChangeOut(BaseModel):
    household_id: str
    number: str
    village_code: str
    kinds: list[str] = Field(description="created, changed, transitioned")
    fields: list[str] = Field(description="the fields changed since")
    changed_at: Instant


household_change_out = from_message(pb.HouseholdChange, HouseholdChangeOut)


@router.get(
    "",
    response_model=Page[HouseholdChangeOut],
    responses=problem_responses(),
    summary="Households changed since an instant, for re-entry in the national system",
)
async def household_changes(
    caller: Annotated[Caller, caller_for("households", "read")],
    since: Annotated[Instant, Query(description="inclusive (RFC 3339)")],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListHouseholdChangesRequest(
        region_code=region_code,
        since=stamp(since),
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.registry.ListHouseholdChanges, message)
    return ModelResponse(
        Page[HouseholdChangeOut](
            items=[household_change_out(c) for c in reply.changes],
            next_page_token=reply.next_page_token or None,
        )
    )
