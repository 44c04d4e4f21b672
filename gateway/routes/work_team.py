"""The village work team (驻村工作队): a member checks in once a day with their position, keeps
a work log and submits the village's monthly report once a month; leaders read the attendance,
logs and reports of a region in their territory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1/work-team", tags=["work team"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class CheckInIn(RequestModel):
    latitude: float = Field(ge=-90, le=90, description="where you check in (WGS-84)")
    longitude: float = Field(ge=-180, le=180)
    note: str = Field(default="", max_length=2000)


class WorkLogIn(RequestModel):
    day: str = Field(default="", description="YYYY-MM-DD, not after today (default: today)")
    content: str = Field(min_length=1, max_length=2000)


class MonthlyReportIn(RequestModel):
    month: str = Field(pattern=MONTH, description="YYYY-MM, begun already")
    content: str = Field(min_length=1, max_length=20000)


class AttendanceOut(BaseModel):
    user_id: str
    village_code: str
    day: str
    checked_in_at: Instant
    latitude: float
    longitude: float
    note: str


class WorkLogOut(BaseModel):
    id: str
    user_id: str
    village_code: str
    day: str
    content: str
    created_at: Instant


class MonthlyReportOut(BaseModel):
    village_code: str
    month: str
    content: str
    submitted_by: str
    submitted_at: Instant


class WorkRecordsOut(BaseModel):
    attendance: list[AttendanceOut]
    logs: list[WorkLogOut]
    reports: list[MonthlyReportOut]


attendance_out = from_message(pb.Attendance, AttendanceOut)


work_log_out = from_message(pb.WorkLog, WorkLogOut)


report_out = from_message(pb.MonthlyReport, MonthlyReportOut)


check_in_message = to_message(CheckInIn, pb.CheckInRequest)
log_work_message = to_message(WorkLogIn, pb.LogWorkRequest)
submit_monthly_report_message = to_message(MonthlyReportIn, pb.SubmitMonthlyReportRequest)


@router.post(
    "/attendance",
    status_code=201,
    response_model=AttendanceOut,
    responses=problem_responses(),
    summary="Check in for today in your village (once a day)",
)
async def check_in(
    body: CheckInIn, request: Request, caller: Annotated[Caller, caller_for("work_logs", "create")]
) -> JSONResponse:
    async def produce() -> AttendanceOut:
        message = check_in_message(body)
        return attendance_out(await caller.call(caller.assistance.CheckIn, message))

    return await respond_once(request, caller, 201, produce)


@router.post(
    "/logs",
    status_code=201,
    response_model=WorkLogOut,
    responses=problem_responses(),
    summary="Add an entry to your work log",
)
async def log_work(
    body: WorkLogIn, request: Request, caller: Annotated[Caller, caller_for("work_logs", "create")]
) -> JSONResponse:
    async def produce() -> WorkLogOut:
        message = log_work_message(body)
        return work_log_out(await caller.call(caller.assistance.LogWork, message))

    return await respond_once(request, caller, 201, produce)


@router.post(
    "/reports",
    status_code=201,
    response_model=MonthlyReportOut,
    responses=problem_responses(),
    summary="Submit your village's monthly report (once per month)",
)
async def submit_report(
    body: MonthlyReportIn,
    request: Request,
    caller: Annotated[Caller, caller_for("work_logs", "create")],
) -> JSONResponse:
    async def produce() -> MonthlyReportOut:
        message = submit_monthly_report_message(body)
        return report_out(await caller.call(caller.assistance.SubmitMonthlyReport, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "",
    response_model=WorkRecordsOut,
    responses=problem_responses(),
    summary="The attendance, work logs and monthly reports of a region in your territory",
)
async def work_records(
    caller: Annotated[Caller, caller_for("work_logs", "read")],
    region_code: RegionCode = "",
    month: Annotated[
        str,
        Query(
            pattern=rf"({MONTH})|^$",
            description="attendance and logs: default this month; reports: default every month",
        ),
    ] = "",
) -> ModelResponse:
    message = pb.ListWorkRecordsRequest(region_code=region_code, month=month)
    found = await caller.call(caller.assistance.ListWorkRecords, message)
    return ModelResponse(
        WorkRecordsOut(
            attendance=[attendance_out(a) for a in found.attendance],
            logs=[work_log_out(e) for e in found.logs],
            reports=[report_out(r) for r in found.reports],
        )
    )
