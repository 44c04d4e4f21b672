"""Villages (村) of the caller's territory: each one's record (贫困村 or not, 村情 by year, first
secretary and work-team leader, poor households and people counted from the registry), its
exit check against the province's criteria, the county's exit decision, and its history."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import villages_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/villages", tags=["villages"])
Code = Annotated[str, Path(pattern=REGION_CODE, examples=["370304106023"])]
Reader = Annotated[Caller, caller_for("villages", "read")]
YesNo = Literal["", "yes", "no"]


class ProfileIn(ProtoModel, proto=pb.VillageProfile):
    year: int = Field(ge=1980, description="the year the figures describe")
    population: int = Field(ge=0, description="registered residents (户籍人口)")
    households: int = Field(ge=0)
    arable_land_mu: float = Field(ge=0, description="耕地, 亩")
    collective_income: int = Field(ge=0, description="村集体经济收入 that year, yuan")
    roads_hardened: bool = Field(description="通硬化路")
    drinking_water: bool = Field(description="安全饮水")
    broadband: bool = Field(description="通宽带")
    clinic: bool = Field(description="标准化卫生室")
    school: bool


class VillageIn(ProtoModel, proto=pb.UpdateVillageRequest):
    is_poor: bool = Field(description="贫困村 (set or cleared by the county or a higher level)")
    poor_since: int | None = Field(default=None, ge=1980, description="set exactly when is_poor")
    first_secretary_id: str = Field(
        default="", max_length=64, description="a work-team (驻村) account of this village"
    )
    team_leader_id: str = Field(default="", max_length=64)
    profile: ProfileIn | None = Field(default=None, description="村情 of one year (replaces it)")
    reason: str = Field(default="", max_length=500)
    expected_version: int = Field(default=0, ge=0, description="0: whatever the version")


class ExitIn(RequestModel):
    action: Literal["exit", "revoke"]
    year: int | None = Field(default=None, ge=1980, le=9999, description="default: this year")
    reason: str = Field(default="", max_length=500, description="required to revoke")


class ProfileOut(BaseModel):
    year: int
    population: int
    households: int
    arable_land_mu: float
    collective_income: int
    roads_hardened: bool
    drinking_water: bool
    broadband: bool
    clinic: bool
    school: bool
    recorded_by: str
    recorded_at: Instant


class CadreOut(BaseModel):
    user_id: str
    name: str


class VillageOut(BaseModel):
    code: str
    is_poor: bool
    poor_since: int | None
    has_exited: bool
    exit_year: int | None
    first_secretary: CadreOut | None
    team_leader: CadreOut | None
    profiles: list[ProfileOut] = Field(description="村情, newest year first")
    registered_households: int
    registered_people: int
    poor_households: int = Field(description="identified or under assistance, from the registry")
    poor_people: int
    incidence: float | None = Field(
        description="poor people / the latest profile's population; null without a profile"
    )
    version: int
    updated_at: Instant


class CriterionOut(BaseModel):
    name: str
    label: str
    comparison: Literal["at_most", "at_least", "required"]
    threshold: str
    value: str = Field(description='"" when the registry lacks the figure')
    passed: bool
    explanation: str


class ExitCheckOut(BaseModel):
    code: str
    criteria_version: str
    profile_year: int | None
    passed: bool
    criteria: list[CriterionOut]


class VillageHistoryOut(BaseModel):
    id: int
    at: Instant
    actor_id: str
    kind: str
    before: Any
    after: Any
    reason: str


def cadre(c: pb.Cadre) -> CadreOut | None:
    return CadreOut(user_id=c.user_id, name=c.name) if c.user_id else None


def incidence(v: pb.Village) -> float | None:
    population = v.profiles[0].population if v.profiles else 0
    return v.poor_people / population if population else None


village_out = from_message(
    pb.Village,
    VillageOut,
    first_secretary=lambda v: cadre(v.first_secretary),
    team_leader=lambda v: cadre(v.team_leader),
    incidence=incidence,
)
exit_check_out = from_message(pb.VillageExitCheck, ExitCheckOut)
history_out = from_message(
    pb.VillageHistoryEntry,
    VillageHistoryOut,
    before=lambda e: json.loads(e.before),
    after=lambda e: json.loads(e.after),
)
update_message = to_message(VillageIn, pb.UpdateVillageRequest, given=("code",))
exit_message = to_message(ExitIn, pb.DecideVillageExitRequest, given=("code",))


@router.get(
    "",
    response_model=Page[VillageOut],
    responses=problem_responses(),
    summary="Villages with a record in a region of your territory, by code",
)
async def list_villages(
    caller: Reader,
    region_code: RegionCode = "",
    poor: Annotated[YesNo, Query(description="yes: 贫困村 only; no: the others")] = "",
    exited: Annotated[YesNo, Query(description="yes: exited (出列) only")] = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListVillagesRequest(
        region_code=region_code,
        poor=poor,
        exited=exited,
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.villages.ListVillages, message)
    return ModelResponse(
        Page[VillageOut](
            items=[village_out(v) for v in reply.villages],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/{code}", response_model=VillageOut, responses=problem_responses(), summary="One village"
)
async def get_village(code: Code, caller: Reader) -> ModelResponse:
    found = await caller.call(caller.villages.GetVillage, pb.GetVillageRequest(code=code))
    return ModelResponse(village_out(found))


@router.put(
    "/{code}",
    response_model=VillageOut,
    responses=problem_responses(),
    summary="Record a village: 贫困村 or not, first secretary and team leader, a year's 村情",
)
async def update_village(
    code: Code,
    body: VillageIn,
    request: Request,
    caller: Annotated[Caller, caller_for("villages", "update")],
) -> JSONResponse:
    async def produce() -> VillageOut:
        message = update_message(body, code=code)
        return village_out(await caller.call(caller.villages.UpdateVillage, message))

    return await respond_once(request, caller, 200, produce)


@router.get(
    "/{code}/exit-check",
    response_model=ExitCheckOut,
    responses=problem_responses(),
    summary="Each exit (出列) criterion of the village's province: value, threshold, pass/fail",
)
async def exit_check(code: Code, caller: Reader) -> ModelResponse:
    found = await caller.call(caller.villages.CheckVillageExit, pb.GetVillageRequest(code=code))
    return ModelResponse(exit_check_out(found))


@router.post(
    "/{code}/exit",
    response_model=VillageOut,
    responses=problem_responses(),
    summary="The county records a poor village's exit (all criteria met), or revokes one",
)
async def decide_exit(
    code: Code,
    body: ExitIn,
    request: Request,
    caller: Annotated[Caller, caller_for("villages", "exit")],
) -> JSONResponse:
    async def produce() -> VillageOut:
        message = exit_message(body, code=code)
        return village_out(await caller.call(caller.villages.DecideVillageExit, message))

    return await respond_once(request, caller, 200, produce)


@router.get(
    "/{code}/history",
    response_model=Page[VillageHistoryOut],
    responses=problem_responses(),
    summary="Every change of the village's record and profile and every exit decision",
)
async def village_history(
    code: Code, caller: Reader, page_size: PageSize = 50, page_token: PageToken = ""
) -> ModelResponse:
    message = pb.ListVillageHistoryRequest(code=code, page_size=page_size, page_token=page_token)
    reply = await caller.call(caller.villages.ListVillageHistory, message)
    return ModelResponse(
        Page[VillageHistoryOut](
            items=[history_out(e) for e in reply.entries],
            next_page_token=reply.next_page_token or None,
        )
    )
