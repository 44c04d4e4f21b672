"""A project's progress (进度) through the gateway: milestones, reports with photos (multipart,
the content sniffed by the projects service), the county's acceptance (验收) that completes it,
benefits to beneficiary households (带贫益贫, in fen), the statistics of a region's projects
and the finance office's XLSX export. Out of the caller's territory a project does not exist."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Day, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.attachments import REFUSALS, disposition
from gateway.routes.imports import FILE_RESPONSES, file_response
from jingzhun.projects.v1 import progress_pb2 as pb
from kit.errors import Internal, InvalidArgument
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["project progress"])

CHUNK_BYTES = 256 * 1024
# GATEWAY_MAX_ATTACHMENT_BYTES applies: a photo is at most 10 MB.
PHOTO_UPLOAD_PATH = re.compile(r"^/api/v1/projects/[^/]+/reports/[^/]+/photos$")
PHOTO_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
    **problem_responses(),
}
Year = Annotated[int, Field(ge=2013, le=2100)]


class MilestoneIn(RequestModel):
    name: str = Field(min_length=1, max_length=60, examples=["主体工程完工"])
    planned_on: Day


class MilestonesIn(RequestModel):
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=30)


class MilestoneDoneIn(RequestModel):
    done_on: Day


class ReportIn(ProtoModel, proto=pb.ReportProgressRequest):
    percent_done: int = Field(ge=0, le=100)
    note: str = Field(default="", max_length=500)


class AcceptanceIn(RequestModel):
    outcome: Literal["accepted", "failed"]
    findings: str = Field(default="", max_length=1000, description="required when failed")


class BenefitIn(ProtoModel, proto=pb.RecordProjectBenefitRequest):
    household_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")
    kind: Literal["income", "dividend", "job", "land_rent"]
    year: Year
    amount_fen: int = Field(gt=0, le=10_000_000, description="分 (1 yuan = 100 fen)")


class MilestoneOut(BaseModel):
    id: str
    name: str
    planned_on: Day
    done_on: Day | None
    overdue: bool


class PhotoOut(BaseModel):
    id: str
    report_id: str
    file_name: str
    content_type: str = Field(description="found from the content, not the declared type")
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: Instant
    url: str = ""


class ReportOut(BaseModel):
    id: str
    project_id: str
    percent_done: int
    note: str
    reported_by: str
    reported_at: Instant
    photos: list[PhotoOut]


class AcceptanceOut(BaseModel):
    id: str
    outcome: str
    findings: str
    decided_by: str
    decided_at: Instant


class ProgressOut(BaseModel):
    project_id: str
    status: str
    percent_done: int
    overdue: bool
    milestones: list[MilestoneOut]
    reports: list[ReportOut] = Field(description="newest first")
    acceptances: list[AcceptanceOut] = Field(description="newest first")


class BenefitOut(BaseModel):
    id: str
    project_id: str
    household_id: str
    kind: str
    year: int
    amount_fen: int
    version: int
    recorded_by: str
    recorded_at: Instant


class BenefitsOut(BaseModel):
    items: list[BenefitOut]
    total_fen: int


class CountOut(BaseModel):
    key: str
    projects: int


class SourceMoneyOut(BaseModel):
    source: str
    budget_fen: int
    allocated_fen: int
    disbursed_fen: int
    remaining_fen: int


class RegionStatisticsOut(BaseModel):
    region_code: str
    projects: int
    by_type: list[CountOut]
    by_status: list[CountOut]
    by_source: list[SourceMoneyOut]
    beneficiary_households: int
    overdue_projects: int
    benefits_fen: int


class StatisticsOut(BaseModel):
    region_code: str
    year: int | None
    total: RegionStatisticsOut
    children: list[RegionStatisticsOut]


progress_out = from_message(pb.ProjectProgress, ProgressOut)
benefit_out = from_message(pb.ProjectBenefit, BenefitOut)
statistics_out = from_message(pb.ProjectStatistics, StatisticsOut)
photo_out = from_message(pb.ReportPhoto, PhotoOut)
report_out = from_message(pb.ProgressReport, ReportOut)
milestone_message = to_message(MilestoneIn, pb.NewMilestone)
report_message = to_message(ReportIn, pb.ReportProgressRequest, given=("project_id",))
benefit_message = to_message(BenefitIn, pb.RecordProjectBenefitRequest, given=("project_id",))


def with_urls(progress: ProgressOut) -> ProgressOut:
    for report in progress.reports:
        for photo in report.photos:
            photo.url = f"/api/v1/projects/{progress.project_id}/photos/{photo.id}"
    return progress


@router.post(
    "/projects/{project_id}/milestones",
    status_code=201,
    response_model=ProgressOut,
    responses=problem_responses(),
    summary="Plan a project's milestones (names unique in the project, days in its years)",
)
async def add_milestones(
    request: Request,
    project_id: HexId,
    body: MilestonesIn,
    caller: Annotated[Caller, caller_for("projects", "report")],
) -> JSONResponse:
    message = pb.AddMilestonesRequest(
        project_id=project_id, milestones=[milestone_message(m) for m in body.milestones]
    )

    async def produce() -> ProgressOut:
        return with_urls(progress_out(await caller.call(caller.progress.AddMilestones, message)))

    return await respond_once(request, caller, 201, produce)


@router.post(
    "/projects/{project_id}/milestones/{milestone_id}/done",
    response_model=ProgressOut,
    responses=problem_responses(),
    summary="Mark a milestone done on a day that has come",
)
async def complete_milestone(
    request: Request,
    project_id: HexId,
    milestone_id: HexId,
    body: MilestoneDoneIn,
    caller: Annotated[Caller, caller_for("projects", "report")],
) -> JSONResponse:
    message = pb.CompleteMilestoneRequest(
        project_id=project_id, milestone_id=milestone_id, done_on=body.done_on.isoformat()
    )

    async def produce() -> ProgressOut:
        reply = await caller.call(caller.progress.CompleteMilestone, message)
        return with_urls(progress_out(reply))

    return await respond_once(request, caller, 200, produce)


@router.get(
    "/projects/{project_id}/progress",
    response_model=ProgressOut,
    responses=problem_responses(),
    summary="A project's milestones, reports with photos, percent done and acceptances",
)
async def get_progress(
    project_id: HexId, caller: Annotated[Caller, caller_for("projects", "read")]
) -> ModelResponse:
    reply = await caller.call(
        caller.progress.GetProgress, pb.GetProgressRequest(project_id=project_id)
    )
    return ModelResponse(with_urls(progress_out(reply)))


@router.post(
    "/projects/{project_id}/reports",
    status_code=201,
    response_model=ReportOut,
    responses=problem_responses(),
    summary="Report how far a planned or running project is; the first report starts it",
    description="The percent never goes back (a lower figure is a 400). Safe to retry with an "
    "Idempotency-Key header.",
)
async def report_progress(
    request: Request,
    project_id: HexId,
    body: ReportIn,
    caller: Annotated[Caller, caller_for("projects", "report")],
) -> JSONResponse:
    message = report_message(body, project_id=project_id)

    async def produce() -> ReportOut:  # a new report: its photos come after
        return report_out(await caller.call(caller.progress.ReportProgress, message))

    return await respond_once(request, caller, 201, produce)


async def photo_chunks(header: pb.UploadReportPhotoHeader, file: UploadFile) -> AsyncIterator[Any]:
    yield pb.UploadReportPhotoChunk(header=header)
    while data := await file.read(CHUNK_BYTES):
        yield pb.UploadReportPhotoChunk(data=data)


@router.post(
    "/projects/{project_id}/reports/{report_id}/photos",
    status_code=201,
    response_model=PhotoOut,
    responses=problem_responses(413, 415),
    summary="Add a photo (JPEG, PNG or WebP, ≤ 10 MB) to a progress report",
    description="The content decides the type; anything else is a 415, a file over 10 MB a "
    "413, and nothing is kept. At most 9 photos a report.",
)
async def upload_photo(
    project_id: HexId,
    report_id: HexId,
    caller: Annotated[Caller, caller_for("projects", "report")],
    file: Annotated[UploadFile, File(description="the photo")],
) -> ModelResponse:
    header = pb.UploadReportPhotoHeader(
        project_id=project_id, report_id=report_id, file_name=file.filename or ""
    )
    try:
        found = await caller.upload(caller.progress.UploadReportPhoto, photo_chunks(header, file))
    except InvalidArgument as refused:
        refusal = REFUSALS.get(refused.reason)
        if refusal is None:
            raise
        raise refusal(
            refused.message, reason=refused.reason, violations=refused.violations
        ) from None
    photo = photo_out(found)
    photo.url = f"/api/v1/projects/{project_id}/photos/{photo.id}"
    return ModelResponse(photo, status_code=201)


@router.get(
    "/projects/{project_id}/photos/{photo_id}",
    responses=PHOTO_RESPONSES,
    response_class=StreamingResponse,
    summary="A progress report's photo",
)
async def read_photo(
    project_id: HexId,
    photo_id: HexId,
    caller: Annotated[Caller, caller_for("projects", "read")],
) -> StreamingResponse:
    request = pb.ReadReportPhotoRequest(project_id=project_id, photo_id=photo_id)
    chunks = caller.stream(caller.progress.ReadReportPhoto, request)
    first = await anext(chunks, None)
    if first is None or not first.HasField("photo"):
        raise Internal("the photo's record did not come first")

    async def body() -> AsyncIterator[bytes]:
        async for chunk in chunks:
            yield chunk.data

    return StreamingResponse(
        body(),
        media_type=first.photo.content_type,
        headers={
            "Content-Disposition": disposition(first.photo.file_name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/projects/{project_id}/acceptance",
    response_model=ProgressOut,
    responses=problem_responses(),
    summary="The county's acceptance (验收): accepted completes the project and publishes its "
    "completion notice; failed records the findings and the project runs on",
    description="Accepted needs every milestone done and a last report of 100 % (409 if not).",
)
async def accept_project(
    request: Request,
    project_id: HexId,
    body: AcceptanceIn,
    caller: Annotated[Caller, caller_for("projects", "accept")],
) -> JSONResponse:
    message = pb.AcceptProjectRequest(
        project_id=project_id, outcome=body.outcome, findings=body.findings
    )

    async def produce() -> ProgressOut:
        return with_urls(progress_out(await caller.call(caller.progress.AcceptProject, message)))

    return await respond_once(request, caller, 200, produce)


@router.post(
    "/projects/{project_id}/benefits",
    status_code=201,
    response_model=BenefitOut,
    responses=problem_responses(),
    summary="Record a beneficiary household's benefit of a year from the project (带贫益贫)",
    description="One record per (household, kind, year): recording it again replaces the "
    "amount (safe to retry). The household's policy benefits and incomes in the registry "
    "follow (a dividend or land rent is property income, a job wage income, a share of the "
    "project's produce production income).",
)
async def record_benefit(
    request: Request,
    project_id: HexId,
    body: BenefitIn,
    caller: Annotated[Caller, caller_for("projects", "report")],
) -> JSONResponse:
    message = benefit_message(body, project_id=project_id)

    async def produce() -> BenefitOut:
        return benefit_out(await caller.call(caller.progress.RecordBenefit, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/projects/{project_id}/benefits",
    response_model=BenefitsOut,
    responses=problem_responses(),
    summary="The project's benefits to households, with their total",
)
async def list_benefits(
    project_id: HexId, caller: Annotated[Caller, caller_for("projects", "read")]
) -> ModelResponse:
    request = pb.ListProjectBenefitsRequest(project_id=project_id)
    reply = await caller.call(caller.progress.ListBenefits, request)
    items = [benefit_out(b) for b in reply.benefits]
    return ModelResponse(BenefitsOut(items=items, total_fen=reply.total_fen))


@router.get(
    "/project-statistics",
    response_model=StatisticsOut,
    responses=problem_responses(),
    summary="A region's projects by type and status, money by source, beneficiaries and "
    "overdue projects, in total and per child region",
)
async def project_statistics(
    caller: Annotated[Caller, caller_for("projects", "read")],
    region_code: RegionCode = "",
    year: Annotated[int | None, Query(ge=2013, le=2100)] = None,
) -> ModelResponse:
    request = pb.GetProjectStatisticsRequest(region_code=region_code, year=year or 0)
    reply = await caller.call(caller.progress.GetStatistics, request)
    return ModelResponse(statistics_out(reply))


@router.get(
    "/exports/projects.xlsx",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="The region's projects with their money figures, for the finance office",
)
async def export_projects(
    caller: Annotated[Caller, caller_for("projects", "export")],
    region_code: RegionCode = "",
    year: Annotated[int | None, Query(ge=2013, le=2100)] = None,
) -> StreamingResponse:
    request = pb.ExportProjectsRequest(region_code=region_code, year=year or 0)
    chunks = caller.stream(caller.progress.ExportProjects, request)
    return await file_response(chunks, "xlsx", f"projects-{region_code or 'all'}")
