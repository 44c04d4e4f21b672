"""Households (建档立卡, 一户一档): the archive, its lifecycle and history, within the caller's
territory. Identity numbers are masked; revealing one is its own recorded request."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Day, Instant, ProtoModel, RequestModel
from gateway.household_filter import HouseholdFilterQuery, filter_message
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/households", tags=["households"])

HouseholdId = HexId
Text = Annotated[str, Field(max_length=64)]
Standard = dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=40)]]


class MemberIn(RequestModel):
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(
        min_length=18, max_length=18, description="GB 11643 resident identity number"
    )
    relation: str = Field(
        examples=["head"], description="head, spouse, child, parent, grandchild, sibling, other"
    )
    education: Text = ""
    health: Text = ""
    disability: Text = ""
    labour_capacity: Text = ""
    schooling: Text = ""
    phone: str = Field(default="", max_length=20, description="mobile number, optional")
    standard: Standard = Field(
        default_factory=dict,
        description="the national standard's member fields (ethnicity, education_level, schooling_status, health_status, labour_skill, employment_status, employment_months, medical_insurance, critical_illness_insurance, pension_insurance, disability_grade) as text: codes of GET /api/v1/vocabularies, "
        "whole numbers, numbers, true/false",
    )


class MemberOut(BaseModel):
    id: str
    name: str
    id_number: str = Field(description="masked: 6 + **** + 4")
    relation: str
    sex: str
    birth_date: Day
    education: str
    health: str
    disability: str
    labour_capacity: str
    schooling: str
    phone: str = Field(description="masked: 3 + **** + 4; empty when unknown")
    standard: dict[str, str] = Field(description="the national standard's fields recorded")


class HouseholdCreate(RequestModel):
    number: str = Field(min_length=1, max_length=40, description="the archive number (户编号)")
    village_code: str = Field(pattern=REGION_CODE)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    attribute: str = Field(
        examples=["general"], description="general, subsistence_allowance, destitute_support"
    )
    main_cause: str = Field(examples=["illness"])
    secondary_causes: list[str] = Field(default_factory=list)
    assistance_category: str = ""
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    monitoring_category: str = Field(
        default="", description="only for a household entering monitoring directly"
    )
    standard: Standard = Field(
        default_factory=dict,
        description="the national standard's household fields (identification_standard, identification_year, exit_year, arable_land_mu, forest_land_mu, housing_area_m2, dilapidated_grade, safe_drinking_water, drinking_water_difficulty, has_electricity, road_type, distance_to_road_km) as text: codes of GET /api/v1/vocabularies, "
        "whole numbers, numbers, true/false",
    )
    bank_account: str = Field(
        default="", max_length=40, description="the account subsidies are paid into (digits)"
    )
    assistance_categories: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=10, description="五个一批: every channel, as codes"
    )


class YearIncomeOut(BaseModel):
    year: int
    by_source: dict[str, int]
    total: int
    per_capita: int


class HouseholdOut(BaseModel):
    id: str
    number: str
    village_code: str
    latitude: float | None
    longitude: float | None
    attribute: str
    status: str
    monitoring_category: str | None
    main_cause: str
    secondary_causes: list[str]
    assistance_category: str | None
    members: list[MemberOut]
    incomes: list[YearIncomeOut]
    indicators: dict[str, bool] = Field(description="those of the latest assessed year")
    indicators_by_year: dict[int, dict[str, bool]] = Field(
        description="every assessed year's guarantee indicators"
    )
    benefits_by_year: dict[int, int] = Field(description="yuan of policy benefits per year")
    standard: dict[str, str] = Field(description="the national standard's fields recorded")
    bank_account: str = Field(description="masked: 4 + **** + 4; empty when unknown")
    assistance_categories: list[str]
    version: int
    created_at: Instant
    updated_at: Instant


class HouseholdUpdate(ProtoModel, proto=pb.UpdateHouseholdRequest):
    expected_version: int = Field(ge=1, description="the version you read; a newer one is a 409")
    attribute: str | None = None
    main_cause: str | None = None
    secondary_causes: list[str] | None = None
    assistance_category: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    standard: Standard | None = Field(
        default=None, description='the fields given change; "" clears one'
    )
    bank_account: str | None = Field(default=None, max_length=40, description='"" removes it')
    assistance_categories: list[Annotated[str, Field(max_length=40)]] | None = Field(
        default=None, max_length=10
    )


class TransitionIn(RequestModel):
    action: str = Field(
        examples=["exit"],
        description="start_assistance, exit, start_monitoring, end_monitoring, return_to_poverty, remove",
    )
    reason: str = Field(min_length=1, max_length=500)
    monitoring_category: str = ""


class HistoryEntryOut(BaseModel):
    id: str
    at: Instant
    actor_id: str
    kind: str
    field: str
    before: Any
    after: Any
    reason: str


class RevealIn(RequestModel):
    purpose: str = Field(
        min_length=1, max_length=200, description="why the full number is needed (recorded)"
    )


class RevealOut(BaseModel):
    id_number: str


class RevealPhoneOut(BaseModel):
    phone: str


class RevealBankAccountOut(BaseModel):
    bank_account: str


def both_or_neither(name: str) -> Any:
    """The body's coordinate `name`, sent only when the body gives both."""
    return lambda body: getattr(body, name) if None not in (body.latitude, body.longitude) else None


household_out = from_message(
    pb.Household,
    HouseholdOut,
    indicators_by_year=lambda h: {
        year: dict(found.values) for year, found in h.indicators_by_year.items()
    },
)
create_message = to_message(
    HouseholdCreate,
    pb.CreateHouseholdRequest,
    latitude=both_or_neither("latitude"),
    longitude=both_or_neither("longitude"),
)
update_message = to_message(
    HouseholdUpdate,
    pb.UpdateHouseholdRequest,
    given=("id",),
    replace_secondary_causes=lambda body: body.secondary_causes is not None,
    replace_assistance_categories=lambda body: body.assistance_categories is not None,
)
transition_message = to_message(TransitionIn, pb.TransitionHouseholdRequest, given=("id",))
history_entry_out = from_message(
    pb.HistoryEntry,
    HistoryEntryOut,
    before=lambda e: json.loads(e.before),
    after=lambda e: json.loads(e.after),
)
reveal_message = to_message(RevealIn, pb.RevealIdNumberRequest, given=("household_id", "member_id"))
reveal_account_message = to_message(RevealIn, pb.RevealBankAccountRequest, given=("household_id",))


@router.post(
    "",
    status_code=201,
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Register a household",
)
async def create_household(
    body: HouseholdCreate,
    request: Request,
    caller: Annotated[Caller, caller_for("households", "create")],
) -> JSONResponse:
    async def produce() -> HouseholdOut:
        message = create_message(body)
        return household_out(await caller.call(caller.registry.CreateHousehold, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "",
    response_model=Page[HouseholdOut],
    responses=problem_responses(),
    summary="Households of a subtree",
)
async def list_households(
    caller: Annotated[Caller, caller_for("households", "read")],
    wanted: Annotated[HouseholdFilterQuery, Query()],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description="id (default), name (the head's), number (the archive number) or"
            " updated (newest first); ties in id order; a page token belongs to its sort",
        ),
    ] = "id",
) -> ModelResponse:
    message = pb.ListHouseholdsRequest(
        region_code=region_code,
        page_size=page_size,
        page_token=page_token,
        filter=filter_message(wanted),
        sort=sort,
    )
    reply = await caller.call(caller.registry.ListHouseholds, message)
    return ModelResponse(
        Page[HouseholdOut](
            items=[household_out(h) for h in reply.households],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/{household_id}",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="One household",
)
async def get_household(
    household_id: HouseholdId, caller: Annotated[Caller, caller_for("households", "read")]
) -> ModelResponse:
    return ModelResponse(
        household_out(
            await caller.call(caller.registry.GetHousehold, pb.GetHouseholdRequest(id=household_id))
        )
    )


@router.patch(
    "/{household_id}",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Edit a household",
)
async def update_household(
    household_id: HouseholdId,
    body: HouseholdUpdate,
    caller: Annotated[Caller, caller_for("households", "update")],
) -> ModelResponse:
    message = update_message(body, id=household_id)
    return ModelResponse(household_out(await caller.call(caller.registry.UpdateHousehold, message)))


@router.post(
    "/{household_id}/transitions",
    response_model=HouseholdOut,
    responses=problem_responses(),
    summary="Move a household through its lifecycle (a reason is required)",
)
async def transition_household(
    household_id: HouseholdId,
    body: TransitionIn,
    caller: Annotated[Caller, caller_for("households", "transition")],
) -> ModelResponse:
    message = transition_message(body, id=household_id)
    return ModelResponse(
        household_out(await caller.call(caller.registry.TransitionHousehold, message))
    )


@router.get(
    "/{household_id}/history",
    response_model=Page[HistoryEntryOut],
    responses=problem_responses(),
    summary="Every change, transition and reveal, oldest first",
)
async def household_history(
    household_id: HouseholdId,
    caller: Annotated[Caller, caller_for("households", "read")],
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListHouseholdHistoryRequest(
        id=household_id, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.registry.ListHouseholdHistory, message)
    items = [history_entry_out(e) for e in reply.entries]
    return ModelResponse(
        Page[HistoryEntryOut](items=items, next_page_token=reply.next_page_token or None)
    )


@router.post(
    "/{household_id}/members/{member_id}/id-number",
    response_model=RevealOut,
    responses=problem_responses(),
    summary="Reveal one member's full identity number (permission-checked and recorded)",
)
async def reveal_id_number(
    household_id: HouseholdId,
    member_id: HouseholdId,
    body: RevealIn,
    caller: Annotated[Caller, caller_for("members", "reveal")],
) -> JSONResponse:
    message = reveal_message(body, household_id=household_id, member_id=member_id)
    reply = await caller.call(caller.registry.RevealIdNumber, message)
    return JSONResponse({"id_number": reply.id_number}, headers={"Cache-Control": "no-store"})


@router.post(
    "/{household_id}/members/{member_id}/phone",
    response_model=RevealPhoneOut,
    responses=problem_responses(),
    summary="Reveal one member's full mobile number (permission-checked and recorded)",
)
async def reveal_phone(
    household_id: HouseholdId,
    member_id: HouseholdId,
    body: RevealIn,
    caller: Annotated[Caller, caller_for("members", "reveal")],
) -> JSONResponse:
    message = reveal_message(body, household_id=household_id, member_id=member_id)
    reply = await caller.call(caller.registry.RevealPhone, message)
    return JSONResponse({"phone": reply.phone}, headers={"Cache-Control": "no-store"})


@router.post(
    "/{household_id}/bank-account",
    response_model=RevealBankAccountOut,
    responses=problem_responses(),
    summary="Reveal the household's full bank account (permission-checked and recorded)",
)
async def reveal_bank_account(
    household_id: HouseholdId,
    body: RevealIn,
    caller: Annotated[Caller, caller_for("members", "reveal")],
) -> JSONResponse:
    message = reveal_account_message(body, household_id=household_id)
    reply = await caller.call(caller.registry.RevealBankAccount, message)
    return JSONResponse({"bank_account": reply.bank_account}, headers={"Cache-Control": "no-store"})
