"""Return-to-poverty alerts (返贫预警): a paired helper raises one; the town verifies it within
its time limit; the county reviews it with the intervention measures (the registry then
monitors the household) and closes it with the outcome; the alerts of a region in scope."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["alerts"])

AlertId = HexId
Kind = Literal["illness", "disability", "disaster", "accident", "income_drop", "other"]
Status = Literal["raised", "verified", "reviewed", "closed", "dismissed"]


class AlertIn(RequestModel):
    household_id: str = Field(
        pattern=r"^[0-9a-f]{1,64}$", description="a household paired with you"
    )
    kind: Kind
    reason: str = Field(min_length=1, max_length=2000, description="what happened")


class AlertActionIn(ProtoModel, proto=pb.ActOnAlertRequest):
    action: Literal["verify", "review", "close", "dismiss"] = Field(
        description="verify (the town); review with measures, close (the county); dismiss"
    )
    text: str = Field(
        min_length=1,
        max_length=2000,
        description="the findings, the intervention measures, the outcome, or why dismissed",
    )
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class AlertStepOut(BaseModel):
    seq: int
    action: str = Field(description="raised | verified | reviewed | closed | dismissed")
    actor_id: str
    text: str
    at: Instant


class AlertOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    kind: str
    reason: str
    status: str = Field(description="raised | verified | reviewed | closed | dismissed")
    owner_region: str
    owner_level: str = Field(description="town while raised, county afterwards")
    verify_due_at: Instant = Field(description="the town's time limit to verify")
    verify_overdue: bool
    measures: str
    outcome: str
    raised_by: str
    version: int
    created_at: Instant
    updated_at: Instant
    steps: list[AlertStepOut] = Field(description="every step, in order")


alert_out = from_message(pb.Alert, AlertOut)


raise_alert_message = to_message(AlertIn, pb.RaiseAlertRequest)
act_on_alert_message = to_message(AlertActionIn, pb.ActOnAlertRequest, given=("id",))


@router.post(
    "/alerts",
    status_code=201,
    response_model=AlertOut,
    responses=problem_responses(),
    summary="Raise a return-to-poverty alert about a household paired with you",
)
async def raise_alert(
    body: AlertIn, request: Request, caller: Annotated[Caller, caller_for("alerts", "create")]
) -> JSONResponse:
    async def produce() -> AlertOut:
        message = raise_alert_message(body)
        return alert_out(await caller.call(caller.assistance.RaiseAlert, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/alerts",
    response_model=Page[AlertOut],
    responses=problem_responses(),
    summary="The return-to-poverty alerts of a region, each with its steps",
)
async def list_alerts(
    caller: Annotated[Caller, caller_for("alerts", "read")],
    region_code: RegionCode = "",
    status: Annotated[Status | None, Query()] = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListAlertsRequest(
        region_code=region_code, status=status or "", page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.assistance.ListAlerts, message)
    page = Page[AlertOut](
        items=[alert_out(a) for a in reply.alerts], next_page_token=reply.next_page_token or None
    )
    return ModelResponse(page)


class AlertCountsOut(BaseModel):
    region_code: str
    by_status: dict[str, int] = Field(
        description="raised | verified | reviewed | closed | dismissed"
    )
    open: int = Field(description="raised, verified or reviewed")
    overdue: int = Field(description="raised and not verified by the town in time")


alert_counts_out = from_message(pb.AlertCounts, AlertCountsOut)


@router.get(
    "/alerts/counts",
    response_model=AlertCountsOut,
    responses=problem_responses(),
    summary="How many return-to-poverty alerts a region has, by status (the leaders' screen)",
)
async def count_alerts(
    caller: Annotated[Caller, caller_for("alerts", "read")], region_code: RegionCode = ""
) -> ModelResponse:
    found = await caller.call(
        caller.assistance.CountAlerts, pb.CountAlertsRequest(region_code=region_code)
    )
    return ModelResponse(alert_counts_out(found))


@router.get(
    "/alerts/{alert_id}",
    response_model=AlertOut,
    responses=problem_responses(),
    summary="A return-to-poverty alert and its steps",
)
async def get_alert(
    alert_id: AlertId, caller: Annotated[Caller, caller_for("alerts", "read")]
) -> ModelResponse:
    return ModelResponse(
        alert_out(await caller.call(caller.assistance.GetAlert, pb.GetAlertRequest(id=alert_id)))
    )


@router.post(
    "/alerts/{alert_id}/actions",
    response_model=AlertOut,
    responses=problem_responses(),
    summary="Verify (the town), review with measures or close (the county), or dismiss an alert",
)
async def act_on_alert(
    alert_id: AlertId,
    body: AlertActionIn,
    caller: Annotated[Caller, caller_for("alerts", "handle")],
) -> ModelResponse:
    message = act_on_alert_message(body, id=alert_id)
    return ModelResponse(alert_out(await caller.call(caller.assistance.ActOnAlert, message)))
