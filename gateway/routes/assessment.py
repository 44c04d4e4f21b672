"""Assessment and ranking (考核排名) of a region in your territory for a month or a year: each
cadre's, helping unit's, village's and town's indicators with the counts they came from, their scores, weights
and total, ranked within the county, the town, the county; and the circulars (通报) of a
region, issued once per period and texted to the officers of the regions ranked in."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assessment_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/assessment", tags=["assessment"])
PERIOD = r"^(\d{4}(-(0[1-9]|1[0-2]))?)?$"
PERIOD_HELP = "YYYY-MM or YYYY (default: the last whole month)"
Period = Annotated[str, Query(pattern=PERIOD, description=PERIOD_HELP)]
Reader = Annotated[Caller, caller_for("assessment", "read")]


class IndicatorScoreOut(BaseModel):
    indicator: Literal["visits", "needs_on_time", "tasks_on_time", "alerts_in_time", "data_quality"]
    achieved: int = Field(description="e.g. 7 accepted visits ...")
    required: int = Field(description="... of 8 required")
    value: float = Field(description="achieved / required")
    counted: bool = Field(description="false: nothing was required; scored as the default")
    score: float = Field(description="0-100")
    weight: float


class RankedSubjectOut(BaseModel):
    id: str = Field(description="a cadre's user id, a unit's id, or a village's or town's code")
    name: str = Field(description="the cadre's, unit's or region's name (the id when unknown)")
    rank: int = Field(description="1 = best; ties are ordered by id")
    total: float = Field(description="the weighted sum of the scores, 0-100")
    indicators: list[IndicatorScoreOut]


class RankingOut(BaseModel):
    subject_kind: Literal["cadre", "unit", "village", "town"]
    group_code: str = Field(description="the region they are ranked within")
    subjects: list[RankedSubjectOut]


class AssessmentOut(BaseModel):
    region_code: str
    period: str
    indicators_version: str
    since: Instant = Field(description="the period assessed: [since, until), local months")
    until: Instant
    rankings: list[RankingOut]


class CircularOut(BaseModel):
    region_code: str
    period: str
    indicators_version: str
    issued_by: str = Field(description='"scheduler" for the monthly one')
    issued_at: Instant
    top_n: int
    rankings: list[RankingOut] = Field(description="the top and bottom top_n of each ranking")


class CircularsOut(BaseModel):
    items: list[CircularOut]


class CircularIn(RequestModel):
    region_code: str = Field(default="", pattern=REGION_CODE_OR_EMPTY, description="default: yours")
    period: str = Field(default="", pattern=PERIOD, description=PERIOD_HELP)


assessment_out = from_message(
    pb.Assessment,
    AssessmentOut,
    since=lambda found: getattr(found, "from").ToDatetime(),
    until=lambda found: found.to.ToDatetime(),
)
circular_out = from_message(pb.Circular, CircularOut)
circular_message = to_message(CircularIn, pb.IssueCircularRequest)


@router.get(
    "",
    response_model=AssessmentOut,
    responses=problem_responses(),
    summary="Scores and rankings of the cadres, units, villages and towns of a region in your "
    "territory",
)
async def assessment(
    caller: Reader, region_code: RegionCode = "", period: Period = ""
) -> ModelResponse:
    message = pb.GetAssessmentRequest(region_code=region_code, period=period)
    return ModelResponse(
        assessment_out(await caller.call(caller.assessment.GetAssessment, message))
    )


@router.post(
    "/circulars",
    status_code=201,
    response_model=CircularOut,
    responses=problem_responses(),
    summary="Issue a region's circular (通报) of a period: once; texted to the officers above",
)
async def issue_circular(
    body: CircularIn,
    request: Request,
    caller: Annotated[Caller, caller_for("assessment", "issue")],
) -> JSONResponse:
    async def produce() -> CircularOut:
        found = await caller.call(caller.assessment.IssueCircular, circular_message(body))
        return circular_out(found)

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/circulars",
    response_model=CircularsOut,
    responses=problem_responses(),
    summary="The circulars of a region in your territory and below it, newest period first",
)
async def list_circulars(caller: Reader, region_code: RegionCode = "") -> ModelResponse:
    message = pb.ListCircularsRequest(region_code=region_code)
    reply = await caller.call(caller.assessment.ListCirculars, message)
    return ModelResponse(CircularsOut(items=[circular_out(c) for c in reply.circulars]))
