"""Performance (考核) of a region in your territory over a period, per town and per cadre:
visits and flagged ones, needs resolved and on time, tasks completed and on time, alerts
handled by the town and within its time limit, household record updates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.visits import Since, Until, with_period
from jingzhun.assistance.v1 import assistance_pb2 as pb

router = APIRouter(prefix="/api/v1", tags=["performance"])


class ScoreOut(BaseModel):
    id: str = Field(description="the town's code, or the cadre's user id")
    visits: int
    flagged_visits: int
    needs_resolved: int
    needs_resolved_on_time: int
    tasks_completed: int
    tasks_completed_on_time: int
    alerts_handled: int = Field(description="verified or dismissed by the town")
    alerts_handled_in_time: int
    updates: int = Field(
        description="household record changes applied (fields, location, members, incomes, "
        "indicators, benefits); an approved proposal counts for the helper who proposed it"
    )


class PerformanceOut(BaseModel):
    region_code: str
    since: Instant = Field(description="the period counted: [since, until)")
    until: Instant
    by_town: list[ScoreOut]
    by_cadre: list[ScoreOut]


def scores(rows: list[pb.Score]) -> list[ScoreOut]:
    return [
        ScoreOut(
            id=s.id,
            visits=s.visits,
            flagged_visits=s.flagged_visits,
            needs_resolved=s.needs_resolved,
            needs_resolved_on_time=s.needs_resolved_on_time,
            tasks_completed=s.tasks_completed,
            tasks_completed_on_time=s.tasks_completed_on_time,
            alerts_handled=s.alerts_handled,
            alerts_handled_in_time=s.alerts_handled_in_time,
            updates=s.updates,
        )
        for s in rows
    ]


@router.get(
    "/performance",
    response_model=PerformanceOut,
    responses=problem_responses(),
    summary="Per town and per cadre of a region in your territory over a period (default 30 days)",
)
async def performance(
    caller: Annotated[Caller, caller_for("performance", "read")],
    region_code: RegionCode = "",
    since: Since = None,
    until: Until = None,
) -> ModelResponse:
    message = pb.GetPerformanceRequest(region_code=region_code)
    found = await caller.call(caller.assistance.GetPerformance, with_period(message, since, until))
    return ModelResponse(
        PerformanceOut(
            region_code=found.region_code,
            since=getattr(found, "from").ToDatetime(),
            until=found.to.ToDatetime(),
            by_town=scores(list(found.by_town)),
            by_cadre=scores(list(found.by_cadre)),
        )
    )
