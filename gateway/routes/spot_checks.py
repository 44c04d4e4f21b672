"""Spot checks (督查抽查): an inspector draws a reproducible random sample of the households of a
region in their territory (stratified by village or by status; same seed, same registry: same
sample), gets it as a route to visit, and records what they found at each household against
its archive; a difference opens a task to the village's work team."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import spot_checks_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["spot checks"])

IncomeSource = Literal["wage", "production", "property", "transfer"]
Attribute = Literal["general", "subsistence_allowance", "destitute_support"]


class SpotCheckIn(RequestModel):
    region_code: str = Field(
        default="", pattern=REGION_CODE_OR_EMPTY, description="sampled subtree (default: yours)"
    )
    size: int = Field(ge=1, le=500, description="households to sample (all when fewer)")
    stratify_by: Literal["", "village", "status"] = Field(
        default="", description="sampled in proportion per village or per status"
    )
    seed: str = Field(
        default="",
        pattern=r"^[0-9A-Za-z_-]{0,64}$",
        description="the same seed over the same registry gives the same sample (default: new)",
    )
    start_latitude: float | None = Field(default=None, ge=-90, le=90, description="route start")
    start_longitude: float | None = Field(default=None, ge=-180, le=180)
    coordinate_system: Literal["wgs84", "gcj02", "bd09"] = "wgs84"


class ObservationModel(RequestModel):
    """What you saw; leave out what you did not check."""

    members_count: int | None = Field(default=None, ge=0, le=50)
    attribute: Attribute | None = None
    safe_housing: bool | None = Field(default=None, description="住房安全有保障")
    income_sources: list[IncomeSource] = Field(default_factory=list, max_length=4)


class FindingIn(RequestModel):
    household_id: str = Field(pattern=r"^[0-9a-f]{1,64}$", description="a sampled household")
    outcome: Literal["visited", "not_found"]
    observed: ObservationModel = Field(default_factory=ObservationModel)
    notes: str = Field(default="", max_length=2000)


class DifferenceOut(BaseModel):
    field: str
    archive: str = Field(description="what the registry's record says")
    observed: str


class FindingOut(BaseModel):
    id: str
    spot_check_id: str
    household_id: str
    outcome: str
    observed: ObservationModel
    differences: list[DifferenceOut]
    notes: str
    task_id: str | None = Field(description="the task opened to the village's work team")
    recorded_by: str
    recorded_at: Instant


class SampledHouseholdOut(BaseModel):
    position: int = Field(description="stop on the route, from 1")
    household_id: str
    village_code: str
    village_name: str
    stratum: str
    latitude: float | None = Field(description="registered location (WGS-84); none: last")
    longitude: float | None
    leg_m: float | None = Field(description="from the previous stop (or the start)")
    finding: FindingOut | None


class StratumOut(BaseModel):
    stratum: str
    population: int
    sampled: int


class SpotCheckOut(BaseModel):
    id: str
    region_code: str
    inspector_id: str
    stratify_by: str
    seed: str
    population: int
    start_latitude: float | None
    start_longitude: float | None
    strata: list[StratumOut]
    households: list[SampledHouseholdOut] = Field(description="in route order")
    created_at: Instant


class SpotCheckSummaryOut(BaseModel):
    id: str
    region_code: str
    inspector_id: str
    stratify_by: str
    seed: str
    population: int = Field(description="households of the region when sampled")
    sampled: int = Field(description="households in the sample")
    recorded: int = Field(description="findings recorded so far")
    differing: int = Field(description="findings that differed from the archive")
    created_at: Instant


create_message = to_message(SpotCheckIn, pb.CreateSpotCheckRequest)
finding_request = to_message(FindingIn, pb.RecordFindingRequest, given=("spot_check_id",))
spot_check_out = from_message(pb.SpotCheck, SpotCheckOut)
finding_out = from_message(pb.Finding, FindingOut)
summary_out = from_message(pb.SpotCheckSummary, SpotCheckSummaryOut)


@router.post(
    "/spot-checks",
    status_code=201,
    response_model=SpotCheckOut,
    responses=problem_responses(),
    summary="Draw a sample of the households of a region in your territory, as a route",
)
async def create_spot_check(
    body: SpotCheckIn,
    request: Request,
    caller: Annotated[Caller, caller_for("spot_checks", "create")],
) -> JSONResponse:
    async def produce() -> SpotCheckOut:
        reply = await caller.call(caller.spot_checks.CreateSpotCheck, create_message(body))
        return spot_check_out(reply)

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/spot-checks",
    response_model=Page[SpotCheckSummaryOut],
    responses=problem_responses(),
    summary="The spot checks of a region in your territory, newest first, with their progress",
)
async def list_spot_checks(
    caller: Annotated[Caller, caller_for("spot_checks", "read")],
    region_code: RegionCode = "",
    inspector_id: Annotated[
        str, Query(max_length=64, pattern=r"^[0-9a-f]*$", description="one inspector's only")
    ] = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListSpotChecksRequest(
        region_code=region_code,
        inspector_id=inspector_id,
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.spot_checks.ListSpotChecks, message)
    return ModelResponse(
        Page[SpotCheckSummaryOut](
            items=[summary_out(s) for s in reply.spot_checks],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/spot-checks/{spot_check_id}",
    response_model=SpotCheckOut,
    responses=problem_responses(),
    summary="A spot check: its sample in route order, with the findings recorded so far",
)
async def get_spot_check(
    spot_check_id: HexId, caller: Annotated[Caller, caller_for("spot_checks", "read")]
) -> ModelResponse:
    message = pb.GetSpotCheckRequest(id=spot_check_id)
    return ModelResponse(
        spot_check_out(await caller.call(caller.spot_checks.GetSpotCheck, message))
    )


@router.post(
    "/spot-checks/{spot_check_id}/findings",
    status_code=201,
    response_model=FindingOut,
    responses=problem_responses(),
    summary="What you found at a sampled household, compared with its archive",
)
async def record_finding(
    spot_check_id: HexId,
    body: FindingIn,
    request: Request,
    caller: Annotated[Caller, caller_for("spot_checks", "record")],
) -> JSONResponse:
    async def produce() -> FindingOut:
        message = finding_request(body, spot_check_id=spot_check_id)
        return finding_out(await caller.call(caller.spot_checks.RecordFinding, message))

    return await respond_once(request, caller, 201, produce)
