"""Members of a household after its registration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from gateway.deps import Caller, caller_for
from gateway.fields import RequestModel
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import (
    HouseholdId,
    HouseholdOut,
    MemberIn,
    Standard,
    household_out,
)
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import to_message

router = APIRouter(prefix="/api/v1/households", tags=["households"])
Text = Annotated[str, Field(max_length=64)]


class MemberAdd(RequestModel):
    member: MemberIn
    reason: str = Field(min_length=1, max_length=200, examples=["新生儿"])


class MemberFields(RequestModel):
    relation: str | None = None
    education: Text | None = None
    health: Text | None = None
    disability: Text | None = None
    labour_capacity: Text | None = None
    schooling: Text | None = None
    standard: Standard | None = Field(
        default=None, description='the national standard\'s fields given change; "" clears one'
    )


class MemberUpdate(MemberFields):
    reason: str = Field(min_length=1, max_length=200)


member_update_message = to_message(
    MemberFields, pb.UpdateMemberRequest, given=("household_id", "member_id", "reason")
)
add_member_message = to_message(MemberAdd, pb.AddMemberRequest, given=("household_id",))


@router.post(
    "/{household_id}/members",
    status_code=201,
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Add a member (a newborn, a marriage)",
)
async def add_member(
    household_id: HouseholdId,
    body: MemberAdd,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = add_member_message(body, household_id=household_id)
    return ModelResponse(
        household_out(await caller.call(caller.registry.AddMember, message)), status_code=201
    )


@router.patch(
    "/{household_id}/members/{member_id}",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Change a member's relation, education, health, disability, labour capacity or schooling",
)
async def update_member(
    household_id: HouseholdId,
    member_id: HouseholdId,
    body: MemberUpdate,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = member_update_message(
        body, household_id=household_id, member_id=member_id, reason=body.reason
    )
    return ModelResponse(household_out(await caller.call(caller.registry.UpdateMember, message)))
