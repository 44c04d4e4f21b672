"""Files of the registry through the gateway: the import templates, imports of households and
departments' policy subsidies (dry run first; all or nothing, or valid rows only), each job's
summary and downloadable report, reconciliation against the national system's export, and
exports of a subtree with identity numbers masked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant
from gateway.household_filter import HouseholdFilterQuery, filter_message
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import UnprocessableContent, problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import transfer_pb2 as pb
from kit.errors import FieldViolation, InvalidArgument
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1", tags=["imports and exports"])

CHUNK_BYTES = 256 * 1024
UPLOAD_PATHS = ("/api/v1/imports", "/api/v1/reconciliations")  # GATEWAY_MAX_UPLOAD_BYTES
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FileFormat = Literal["csv", "xlsx"]
JobId = HexId
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
    **problem_responses(),
}


class ImportJobOut(BaseModel):
    id: str
    kind: str
    region_code: str
    file_name: str
    file_format: str
    mode: str
    dry_run: bool
    outcome: str
    summary: dict[str, int]
    findings: int
    report_url: str
    created_by: str
    created_at: Instant
    finished_at: Instant


job_out = from_message(
    pb.ImportJob, ImportJobOut, report_url=lambda job: f"/api/v1/imports/{job.id}/report.csv"
)


async def file_response(
    chunks: AsyncIterator[Any], file_format: str, name: str
) -> StreamingResponse:
    """The first chunk is awaited before answering, so a refusal is still a problem response
    and not a broken download."""
    first = await anext(chunks, None)

    async def body() -> AsyncIterator[bytes]:
        if first is not None:
            yield first.data
        async for chunk in chunks:
            yield chunk.data

    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx workbook is a ZIP archive


async def format_of(upload: UploadFile, given: str) -> str:
    """The upload's format, said or taken from its name; a workbook that is no ZIP archive is
    refused here, naming the file, before any byte goes to the registry."""
    name = upload.filename or ""
    found = given or next((f for f in MEDIA_TYPES if name.lower().endswith(f".{f}")), "")
    if found not in MEDIA_TYPES:
        raise InvalidArgument(
            "say file_format (csv or xlsx) or upload a .csv or .xlsx file", reason="UNKNOWN_FORMAT"
        )
    if found == "xlsx":
        signature = await upload.read(len(ZIP_SIGNATURE))
        await upload.seek(0)
        if signature != ZIP_SIGNATURE:
            problem = f"{name or 'the file'} is not an Excel (.xlsx) workbook"
            raise UnprocessableContent(
                problem, reason="NOT_A_WORKBOOK", violations=[FieldViolation("file", problem)]
            )
    return found


async def upload(options: pb.ImportOptions, file: UploadFile) -> AsyncIterator[pb.ImportChunk]:
    yield pb.ImportChunk(options=options)
    while data := await file.read(CHUNK_BYTES):
        yield pb.ImportChunk(data=data)


@router.get(
    "/imports/templates/{kind}.{file_format}",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="The import template (households and members, or departments' policy subsidies)",
)
async def import_template(
    kind: Literal["households", "benefits"],
    file_format: FileFormat,
    caller: Annotated[Caller, caller_for("households", "read")],
) -> StreamingResponse:
    request = pb.GetTemplateRequest(kind=kind, file_format=file_format)
    return await file_response(
        caller.stream(caller.transfer.GetTemplate, request), file_format, kind
    )


@router.post(
    "/imports",
    status_code=201,
    response_model=ImportJobOut,
    responses=problem_responses(),
    summary="Import a filled-in template: checked row by row; a dry run changes nothing",
    description="`mode=all_or_nothing` applies nothing when any row is refused; "
    "`valid_rows_only` applies every household whose rows are all valid. Re-importing the "
    "same file changes nothing. The job's report lists every refused row.",
)
async def create_import(
    caller: Annotated[Caller, caller_for("households", "import")],
    file: Annotated[UploadFile, File(description="the filled-in template (.csv or .xlsx)")],
    kind: Annotated[Literal["households", "benefits"], Form()] = "households",
    mode: Annotated[Literal["all_or_nothing", "valid_rows_only"], Form()] = "all_or_nothing",
    dry_run: Annotated[bool, Form()] = False,
    file_format: Annotated[Literal["", "csv", "xlsx"], Form()] = "",
) -> ModelResponse:
    options = pb.ImportOptions(
        kind=kind,
        file_format=await format_of(file, file_format),
        file_name=file.filename or "",
        mode=mode,
        dry_run=dry_run,
    )
    job = await caller.upload(caller.transfer.ImportFile, upload(options, file))
    return ModelResponse(job_out(job), status_code=201)


@router.post(
    "/reconciliations",
    status_code=201,
    response_model=ImportJobOut,
    responses=problem_responses(),
    summary="Compare the national system's export with the registry: every field that differs",
    description="The report lists households and members missing on either side and every "
    "field whose values differ. Nothing is changed.",
)
async def create_reconciliation(
    caller: Annotated[Caller, caller_for("households", "import")],
    file: Annotated[UploadFile, File(description="the national system's export (.csv or .xlsx)")],
    region_code: Annotated[str, Form(pattern=REGION_CODE_OR_EMPTY)] = "",
    file_format: Annotated[Literal["", "csv", "xlsx"], Form()] = "",
) -> ModelResponse:
    options = pb.ImportOptions(
        kind="reconciliation",
        file_format=await format_of(file, file_format),
        file_name=file.filename or "",
        region_code=region_code,
    )
    job = await caller.upload(caller.transfer.ImportFile, upload(options, file))
    return ModelResponse(job_out(job), status_code=201)


@router.get(
    "/imports",
    response_model=Page[ImportJobOut],
    responses=problem_responses(),
    summary="Imports and reconciliations started in a region, newest first",
)
async def list_imports(
    caller: Annotated[Caller, caller_for("households", "import")],
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    reply = await caller.call(
        caller.transfer.ListImportJobs,
        pb.ListImportJobsRequest(
            region_code=region_code, page_size=page_size, page_token=page_token
        ),
    )
    items = [job_out(job) for job in reply.jobs]
    return ModelResponse(Page[ImportJobOut](items=items, next_page_token=reply.next_page_token))


@router.get(
    "/imports/{job_id}",
    response_model=ImportJobOut,
    responses=problem_responses(),
    summary="One import or reconciliation: what was asked and what happened",
)
async def get_import(
    job_id: JobId, caller: Annotated[Caller, caller_for("households", "import")]
) -> ModelResponse:
    return ModelResponse(
        job_out(await caller.call(caller.transfer.GetImportJob, pb.GetImportJobRequest(id=job_id)))
    )


@router.get(
    "/imports/{job_id}/report.{file_format}",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="The job's report: every refused row (line, column, problem) or difference",
)
async def import_report(
    job_id: JobId,
    file_format: FileFormat,
    caller: Annotated[Caller, caller_for("households", "import")],
) -> StreamingResponse:
    request = pb.GetImportReportRequest(id=job_id, file_format=file_format)
    chunks = caller.stream(caller.transfer.GetImportReport, request)
    return await file_response(chunks, file_format, f"report-{job_id}")


@router.get(
    "/exports/households.{file_format}",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="The households of a region in the template's layout, identity numbers masked",
)
async def export_households(
    file_format: FileFormat,
    caller: Annotated[Caller, caller_for("households", "export")],
    wanted: Annotated[HouseholdFilterQuery, Query()],
    region_code: RegionCode = "",
) -> StreamingResponse:
    request = pb.ExportHouseholdsRequest(
        region_code=region_code, file_format=file_format, filter=filter_message(wanted)
    )
    chunks = caller.stream(caller.transfer.ExportHouseholds, request)
    return await file_response(chunks, file_format, f"households-{region_code or 'all'}")
