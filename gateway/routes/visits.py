"""Visits (帮扶记录): a helper logs a visit to a household paired with them (a work-team member or
town cadre: of their territory) with a geo check-in in WGS-84, GCJ-02 or BD-09, accepted near the household's registered location and flagged otherwise; the visits of a
household or a region, and the visit frequency per helper and per household over a period."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.mapping import from_message
from kit.paging import stamp

router = APIRouter(prefix="/api/v1", tags=["visits"])

Since = Annotated[Instant | None, Query(alias="from", description="period start, inclusive")]
PeriodRequest = TypeVar(
    "PeriodRequest", pb.ListVisitsRequest, pb.GetVisitFrequencyRequest, pb.GetPerformanceRequest
)
Until = Annotated[Instant | None, Query(alias="to", description="period end, exclusive")]


class VisitIn(RequestModel):
    household_id: str = Field(
        pattern=r"^[0-9a-f]{1,64}$", description="paired with you, or of your territory"
    )
    latitude: float = Field(ge=-90, le=90, description="where you check in")
    longitude: float = Field(ge=-180, le=180)
    coordinate_system: Literal["wgs84", "gcj02", "bd09"] = Field(
        default="wgs84",
        description="of latitude/longitude: wgs84 (GPS), gcj02 (AMap, Tencent), bd09 (Baidu)",
    )
    visited_at: Instant | None = Field(default=None, description="default: now")
    notes: str = Field(default="", max_length=2000)


class VisitOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    helper_id: str
    latitude: float = Field(description="where you checked in, in WGS-84")
    longitude: float
    coordinate_system: str = Field(description="what was sent: wgs84 | gcj02 | bd09")
    sent_latitude: float = Field(description="the point as sent, in that system")
    sent_longitude: float
    visited_at: Instant
    notes: str
    check: str = Field(description="accepted | flagged")
    flag: str | None = Field(description="too_far | no_registered_location, when flagged")
    distance_m: float | None = Field(description="from the household's registered location")
    created_at: Instant


class VisitCount(BaseModel):
    id: str
    visits: int
    flagged: int


class VisitFrequencyOut(BaseModel):
    region_code: str
    since: Instant = Field(description="the period counted: [since, until)")
    until: Instant
    visits: int
    flagged: int
    by_helper: list[VisitCount]
    by_household: list[VisitCount]


visit_out = from_message(
    pb.Visit,
    VisitOut,
    distance_m=lambda v: round(v.distance_m, 1) if v.HasField("distance_m") else None,
)


def counts(rows: list[pb.VisitFrequency.Count]) -> list[VisitCount]:
    return [VisitCount(id=c.id, visits=c.visits, flagged=c.flagged) for c in rows]


def with_period(
    message: PeriodRequest, since: datetime | None, until: datetime | None
) -> PeriodRequest:
    if since is not None:
        getattr(message, "from").CopyFrom(stamp(since))
    if until is not None:
        message.to.CopyFrom(stamp(until))
    return message


@router.post(
    "/visits",
    status_code=201,
    response_model=VisitOut,
    responses=problem_responses(),
    summary="Log a visit to a household paired with you or of your territory, with where you "
    "checked in",
)
async def log_visit(
    body: VisitIn, request: Request, caller: Annotated[Caller, caller_for("visits", "create")]
) -> JSONResponse:
    async def produce() -> VisitOut:
        message = pb.LogVisitRequest(
            household_id=body.household_id,
            latitude=body.latitude,
            longitude=body.longitude,
            notes=body.notes,
            coordinate_system=body.coordinate_system,
        )
        if body.visited_at is not None:
            message.visited_at.CopyFrom(stamp(body.visited_at))
        return visit_out(await caller.call(caller.assistance.LogVisit, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/visits",
    response_model=Page[VisitOut],
    responses=problem_responses(),
    summary="The visits of a household, or of a region in your territory, newest first",
)
async def list_visits(
    caller: Annotated[Caller, caller_for("visits", "read")],
    household_id: Annotated[str, Query(pattern=r"^([0-9a-f]{1,64})?$")] = "",
    region_code: RegionCode = "",
    since: Since = None,
    until: Until = None,
    flagged: Annotated[bool, Query(description="flagged check-ins only")] = False,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListVisitsRequest(
        household_id=household_id,
        region_code=region_code,
        flagged_only=flagged,
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.assistance.ListVisits, with_period(message, since, until))
    return ModelResponse(
        Page[VisitOut](
            items=[visit_out(v) for v in reply.visits],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/visits/frequency",
    response_model=VisitFrequencyOut,
    responses=problem_responses(),
    summary="Visits per helper and per household of a region over a period (default 30 days)",
)
async def visit_frequency(
    caller: Annotated[Caller, caller_for("visits", "read")],
    region_code: RegionCode = "",
    since: Since = None,
    until: Until = None,
) -> ModelResponse:
    message = pb.GetVisitFrequencyRequest(region_code=region_code)
    found = await caller.call(
        caller.assistance.GetVisitFrequency, with_period(message, since, until)
    )
    return ModelResponse(
        VisitFrequencyOut(
            region_code=found.region_code,
            since=getattr(found, "from").ToDatetime(),
            until=found.to.ToDatetime(),
            visits=found.visits,
            flagged=found.flagged,
            by_helper=counts(list(found.by_helper)),
            by_household=counts(list(found.by_household)),
        )
    )
