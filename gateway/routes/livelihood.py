"""A household's livelihood: incomes by year and source, and the guarantee indicators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from gateway.deps import Caller, caller_for
from gateway.fields import ProtoModel, RequestModel
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.households import HouseholdId, HouseholdOut, household_out
from jingzhun.registry.v1 import registry_pb2 as pb

router = APIRouter(prefix="/api/v1/households", tags=["households"])


class IncomesIn(ProtoModel, proto=pb.SetIncomesRequest):
    by_source: dict[str, int] = Field(
        examples=[{"wage": 12000, "production": 3000, "transfer": 2400}],
        description="yuan by source: wage, production, property, transfer, production_expense "
        "(生产经营性支出), and transfer's items transfer_subsistence, transfer_destitute, "
        "transfer_pension, transfer_ecological, transfer_other (summed into transfer when it is "
        "not given); replaces the year's figures. The total is the net income (纯收入).",
    )


class IndicatorsIn(RequestModel):
    values: dict[str, bool] = Field(
        examples=[{"safe_housing": True, "drinking_water": False}],
        description="indicator -> met; indicators of the configured sets (两不愁三保障, 八有一超)",
    )
    year: int = Field(default=0, ge=0, le=2100, description="the assessment year; 0: this year")


@router.put(
    "/{household_id}/incomes/{year}",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Set a year's net income by source",
)
async def set_incomes(
    household_id: HouseholdId,
    year: Annotated[int, Path(ge=2000, le=2100)],
    body: IncomesIn,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = pb.SetIncomesRequest(household_id=household_id, year=year, by_source=body.by_source)
    return ModelResponse(household_out(await caller.call(caller.registry.SetIncomes, message)))


@router.put(
    "/{household_id}/indicators",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Record which guarantee indicators the household meets",
)
async def set_indicators(
    household_id: HouseholdId,
    body: IndicatorsIn,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = pb.SetIndicatorsRequest(household_id=household_id, values=body.values, year=body.year)
    return ModelResponse(household_out(await caller.call(caller.registry.SetIndicators, message)))
