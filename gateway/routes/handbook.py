"""The helper's handbook (帮扶手册): a household's plan of a year (帮扶计划), its measures from
the menu matched to the household's poverty causes and their dated progress (措施与成效), the
household's income and spending ledger (收支登记) which an officer applies to the registry's
incomes of a year, and a helper's responsibilities list (帮扶责任清单). Helpers reach the
households paired with them, officers those of their territory."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Day, Instant, ProtoModel
from gateway.idempotency import respond_once
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import handbook_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/handbook", tags=["handbook"])
Reader = Annotated[Caller, caller_for("handbook", "read")]
Writer = Annotated[Caller, caller_for("handbook", "write")]
Year = Annotated[int, Path(ge=2000, le=2100)]
Status = Literal["planned", "in_progress", "done", "dropped"]


class PlanIn(ProtoModel, proto=pb.CreatePlanRequest):
    year: int = Field(ge=2000, le=2100)
    goals: str = Field(min_length=1, max_length=2000, description="帮扶目标 of the year")


class MeasureIn(ProtoModel, proto=pb.AddMeasureRequest):
    kind: str = Field(
        min_length=1, max_length=64, description="a kind of the household's menu, or other"
    )
    other_text: str = Field(default="", max_length=200, description="what an other measure is")
    planned_on: Day
    responsible: str = Field(min_length=1, max_length=100, description="责任人")


class ProgressIn(ProtoModel, proto=pb.RecordProgressRequest):
    on: Day = Field(description="the date of the result, not in the future")
    result: str = Field(min_length=1, max_length=2000, description="成效")
    amount_fen: int | None = Field(default=None, ge=0, description="an amount it brought, fen")
    status: Literal["", "in_progress", "done", "dropped"] = Field(
        default="", description='the measure\'s new status ("": unchanged)'
    )


class LedgerEntryIn(ProtoModel, proto=pb.AddLedgerEntryRequest):
    on: Day = Field(description="not in the future")
    kind: Literal["income", "spending"]
    source: str = Field(
        min_length=1,
        max_length=64,
        description="income: wage | production | property | transfer_subsistence | "
        "transfer_destitute | transfer_pension | transfer_ecological | transfer_other; "
        "spending: production_expense | living",
    )
    amount_fen: int = Field(ge=0, description="fen (分), a whole number")
    note: str = Field(default="", max_length=2000)


class ProgressOut(BaseModel):
    id: str
    on: Day
    result: str
    amount_fen: int | None
    status: Status
    recorded_by: str
    recorded_at: Instant


class MeasureOut(BaseModel):
    id: str
    plan_id: str
    kind: str
    label: str
    planned_on: Day
    responsible: str
    status: Status
    progress: list[ProgressOut] = Field(description="oldest first")
    created_by: str
    created_at: Instant


class PlanOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    year: int
    goals: str
    measures: list[MeasureOut]
    created_by: str
    created_at: Instant


class MenuItemOut(BaseModel):
    kind: str
    label: str
    causes: list[str]
    matched: bool = Field(description="it answers one of the household's poverty causes")


class MenuOut(BaseModel):
    version: str
    causes: list[str] = Field(description="the household's poverty causes, the main one first")
    items: list[MenuItemOut] = Field(description="those matched to the causes first")


class LedgerEntryOut(BaseModel):
    id: str
    household_id: str
    on: Day
    kind: Literal["income", "spending"]
    source: str
    amount_fen: int
    note: str
    recorded_by: str
    recorded_at: Instant


class LedgerOut(BaseModel):
    household_id: str
    year: int
    entries: list[LedgerEntryOut] = Field(description="oldest first")
    totals_fen: dict[str, int] = Field(description="the year's total by source, fen")


class AppliedOut(BaseModel):
    household_id: str
    year: int
    by_source: dict[str, int] = Field(description="the registry's incomes of the year now, yuan")


class ResponsibleHouseholdOut(BaseModel):
    household_id: str
    plan: PlanOut | None = Field(description="null when it has no plan that year")


class ResponsibilitiesOut(BaseModel):
    helper_id: str
    year: int
    duties_version: str
    duties: list[str]
    households: list[ResponsibleHouseholdOut]


plan_out = from_message(pb.Plan, PlanOut)
measure_out = from_message(pb.Measure, MeasureOut)
menu_out = from_message(pb.MeasureMenu, MenuOut)
ledger_entry_out = from_message(pb.LedgerEntry, LedgerEntryOut)
ledger_out = from_message(pb.Ledger, LedgerOut)
applied_out = from_message(pb.AppliedLedger, AppliedOut)
responsibilities_out = from_message(pb.Responsibilities, ResponsibilitiesOut)
plan_message = to_message(PlanIn, pb.CreatePlanRequest, given=("household_id",))
measure_message = to_message(MeasureIn, pb.AddMeasureRequest, given=("plan_id",))
progress_message = to_message(ProgressIn, pb.RecordProgressRequest, given=("measure_id",))
ledger_entry_message = to_message(LedgerEntryIn, pb.AddLedgerEntryRequest, given=("household_id",))


@router.post(
    "/households/{household_id}/plans",
    status_code=201,
    response_model=PlanOut,
    responses=problem_responses(),
    summary="Make a household's plan of a year (one per year), as its helper or an officer",
)
async def create_plan(
    household_id: HexId, body: PlanIn, request: Request, caller: Writer
) -> JSONResponse:
    async def produce() -> PlanOut:
        message = plan_message(body, household_id=household_id)
        return plan_out(await caller.call(caller.handbook.CreatePlan, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/households/{household_id}/plans/{year}",
    response_model=PlanOut,
    responses=problem_responses(),
    summary="A household's plan of a year with its measures and their progress",
)
async def get_plan(household_id: HexId, year: Year, caller: Reader) -> ModelResponse:
    message = pb.GetPlanRequest(household_id=household_id, year=year)
    return ModelResponse(plan_out(await caller.call(caller.handbook.GetPlan, message)))


@router.get(
    "/households/{household_id}/menu",
    response_model=MenuOut,
    responses=problem_responses(),
    summary="The measures menu, those matched to the household's poverty causes first",
)
async def measure_menu(household_id: HexId, caller: Reader) -> ModelResponse:
    message = pb.GetMeasureMenuRequest(household_id=household_id)
    return ModelResponse(menu_out(await caller.call(caller.handbook.GetMeasureMenu, message)))


@router.post(
    "/plans/{plan_id}/measures",
    status_code=201,
    response_model=MeasureOut,
    responses=problem_responses(),
    summary="Add a measure to a plan, of a kind from the menu (or other, with its text)",
)
async def add_measure(
    plan_id: HexId, body: MeasureIn, request: Request, caller: Writer
) -> JSONResponse:
    async def produce() -> MeasureOut:
        message = measure_message(body, plan_id=plan_id)
        return measure_out(await caller.call(caller.handbook.AddMeasure, message))

    return await respond_once(request, caller, 201, produce)


@router.post(
    "/measures/{measure_id}/progress",
    status_code=201,
    response_model=MeasureOut,
    responses=problem_responses(),
    summary="Record a dated result of a measure, optionally moving its status on",
)
async def record_progress(
    measure_id: HexId, body: ProgressIn, request: Request, caller: Writer
) -> JSONResponse:
    async def produce() -> MeasureOut:
        message = progress_message(body, measure_id=measure_id)
        return measure_out(await caller.call(caller.handbook.RecordProgress, message))

    return await respond_once(request, caller, 201, produce)


@router.post(
    "/households/{household_id}/ledger",
    status_code=201,
    response_model=LedgerEntryOut,
    responses=problem_responses(),
    summary="Record a dated income or spending of a household (收支登记)",
)
async def add_ledger_entry(
    household_id: HexId, body: LedgerEntryIn, request: Request, caller: Writer
) -> JSONResponse:
    async def produce() -> LedgerEntryOut:
        message = ledger_entry_message(body, household_id=household_id)
        return ledger_entry_out(await caller.call(caller.handbook.AddLedgerEntry, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/households/{household_id}/ledger/{year}",
    response_model=LedgerOut,
    responses=problem_responses(),
    summary="A household's ledger of a year with its totals by source",
)
async def get_ledger(household_id: HexId, year: Year, caller: Reader) -> ModelResponse:
    message = pb.GetLedgerRequest(household_id=household_id, year=year)
    return ModelResponse(ledger_out(await caller.call(caller.handbook.GetLedger, message)))


@router.post(
    "/households/{household_id}/ledger/{year}/apply",
    response_model=AppliedOut,
    responses=problem_responses(),
    summary="Officers: the ledger's year totals become the registry's incomes of that year",
)
async def apply_ledger(
    household_id: HexId,
    year: Year,
    request: Request,
    caller: Annotated[Caller, caller_for("handbook", "apply")],
) -> JSONResponse:
    async def produce() -> AppliedOut:
        message = pb.ApplyLedgerRequest(household_id=household_id, year=year)
        return applied_out(await caller.call(caller.handbook.ApplyLedger, message))

    return await respond_once(request, caller, 200, produce)


@router.get(
    "/responsibilities",
    response_model=ResponsibilitiesOut,
    responses=problem_responses(),
    summary="A helper's responsibilities list of a year: duties, households, plans' measures",
)
async def responsibilities(
    caller: Reader,
    helper_id: Annotated[
        str, Query(max_length=64, pattern=r"^([0-9a-f]+)?$", description="default: yourself")
    ] = "",
    year: Annotated[int, Query(ge=0, le=2100, description="0: this year")] = 0,
) -> ModelResponse:
    message = pb.GetResponsibilitiesRequest(helper_id=helper_id, year=year)
    found = await caller.call(caller.handbook.GetResponsibilities, message)
    return ModelResponse(responsibilities_out(found))
