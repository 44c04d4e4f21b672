"""Policy benefits (享受政策) a household received from departments, by quarter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, ProtoModel
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdId
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/households", tags=["households"])
Name = Annotated[str, Field(min_length=1, max_length=40)]


class BenefitIn(ProtoModel, proto=pb.RecordBenefitRequest):
    year: int = Field(ge=2013, le=2100, description="2013 to next year")
    quarter: int = Field(ge=1, le=4)
    department: Name = Field(examples=["民政局"])
    program: Name = Field(examples=["低保金"])
    amount: int = Field(ge=0, le=100_000_000, description="yuan")


class BenefitOut(BaseModel):
    id: str
    household_id: str
    year: int
    quarter: int
    department: str
    program: str
    amount: int
    recorded_by: str
    recorded_at: Instant
    source: str = Field(description="manual, or import:<job id>")


class BenefitsOut(BaseModel):
    items: list[BenefitOut]
    totals_by_year: dict[int, int] = Field(description="yuan per year of the listed benefits")


benefit_out = from_message(pb.Benefit, BenefitOut)
benefit_message = to_message(BenefitIn, pb.RecordBenefitRequest, given=("household_id",))


@router.post(
    "/{household_id}/benefits",
    status_code=201,
    response_model=BenefitOut,
    responses=problem_responses(),
    summary="Record a benefit a department paid in a quarter",
    description="One record per (year, quarter, department, program): recording the same key "
    "again replaces its amount (safe to retry; an import does the same), and the history keeps "
    "the amount before and after.",
)
async def record_benefit(
    household_id: HouseholdId,
    body: BenefitIn,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = benefit_message(body, household_id=household_id)
    return ModelResponse(
        benefit_out(await caller.call(caller.registry.RecordBenefit, message)), status_code=201
    )


@router.get(
    "/{household_id}/benefits",
    response_model=BenefitsOut,
    responses=problem_responses(),
    summary="A household's benefits, with totals per year",
)
async def list_benefits(
    household_id: HouseholdId,
    caller: Annotated[Caller, caller_for("households", "read")],
    year: Annotated[int | None, Query(ge=2013, le=2100)] = None,
) -> ModelResponse:
    message = pb.ListBenefitsRequest(household_id=household_id, year=year or 0)
    reply = await caller.call(caller.registry.ListBenefits, message)
    return ModelResponse(
        BenefitsOut(
            items=[benefit_out(b) for b in reply.benefits],
            totals_by_year=dict(reply.totals_by_year),
        )
    )
