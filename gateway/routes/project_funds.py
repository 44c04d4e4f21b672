"""Projects' funds (资金): allocations from each source into a county's pool of a year and from it
to approved projects, disbursements (拨付) requested, decided by a second officer and paid with
a voucher (凭证), the ledger of a project, a county's pools and idle funds. Every amount is a
whole number of fen (分) as a JSON integer: `123450` is 1 234.50 元; a fraction, a string, zero
or a negative amount is a 422 and nothing changes (docs/project-funds.md)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE, REGION_CODE_OR_EMPTY, Day, Instant, ProtoModel
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.attachments import FILE_RESPONSES, disposition, refused_content
from gateway.routes.projects import FundSource
from jingzhun.projects.v1 import funds_pb2 as pb
from kit.errors import Internal, InvalidArgument
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["project funds"])

CHUNK_BYTES = 256 * 1024
Amount = Annotated[int, Field(gt=0, description="fen (分), a whole positive number")]
Year = Annotated[int, Field(ge=2014, le=2100, description="the plan's year")]
PAYMENT_PATH = re.compile(r"^/api/v1/projects/[^/]+/disbursements/[^/]+/payment$")


class PoolAllocationIn(ProtoModel, proto=pb.AllocateToPoolRequest):
    county_code: str = Field(pattern=REGION_CODE, description="the county of the pool")
    year: Year
    source: FundSource
    amount_fen: Amount
    document_number: str = Field(min_length=1, max_length=200, description="文号")
    issued_on: Day


class ProjectAllocationIn(ProtoModel, proto=pb.AllocateToProjectRequest):
    source: FundSource
    amount_fen: Amount
    document_number: str = Field(min_length=1, max_length=200, description="文号")
    issued_on: Day


class DisbursementIn(ProtoModel, proto=pb.RequestDisbursementRequest):
    source: FundSource
    amount_fen: Amount
    milestone: str = Field(min_length=1, max_length=200, description="the progress it is for")
    progress_percent: int | None = Field(default=None, ge=0, le=100)


class RejectionIn(ProtoModel, proto=pb.DecideDisbursementRequest):
    reason: str = Field(min_length=1, max_length=200)


class AllocationOut(BaseModel):
    id: str
    pool_id: str
    project_id: str | None = Field(description="null for an allocation into the pool")
    source: str
    amount_fen: int
    document_number: str
    issued_on: Day
    recorded_by: str
    recorded_at: Instant


class PoolOut(BaseModel):
    id: str
    county_code: str
    year: int
    source: str
    received_fen: int
    allocated_fen: int = Field(description="of what was received, allocated to projects")
    unallocated_fen: int
    allocations: list[AllocationOut]


class AllocationReplyOut(BaseModel):
    allocation: AllocationOut
    pool: PoolOut


class PoolList(BaseModel):
    items: list[PoolOut]


class BalanceOut(BaseModel):
    source: str
    allocated_fen: int
    disbursed_fen: int = Field(description="paid")
    remaining_fen: int = Field(description="allocated - disbursed")
    pending_fen: int = Field(description="requested or approved, not yet paid")
    available_fen: int = Field(description="remaining - pending: what a new request may ask")


class VoucherOut(BaseModel):
    file_name: str
    content_type: str = Field(description="found from the content")
    size_bytes: int
    sha256: str
    url: str


class DisbursementOut(BaseModel):
    id: str
    project_id: str
    source: str
    amount_fen: int
    status: str = Field(description="requested | approved | rejected | paid")
    milestone: str
    progress_percent: int | None
    requested_by: str
    requested_at: Instant
    decided_by: str
    decided_at: Instant | None
    reason: str
    paid_by: str
    paid_at: Instant | None
    voucher: VoucherOut | None


class LedgerOut(BaseModel):
    project_id: str
    region_code: str
    balances: list[BalanceOut]
    allocations: list[AllocationOut]
    disbursements: list[DisbursementOut]


class IdleFundsOut(BaseModel):
    project_id: str
    region_code: str
    source: str
    allocated_fen: int
    remaining_fen: int
    last_moved_at: Instant


class IdleFundsList(BaseModel):
    items: list[IdleFundsOut]


def _voucher(d: pb.Disbursement) -> VoucherOut | None:
    if not d.HasField("voucher"):
        return None
    url = f"/api/v1/projects/{d.project_id}/disbursements/{d.id}/voucher"
    return from_message(pb.Voucher, VoucherOut, url=lambda _: url)(d.voucher)


disbursement_out = from_message(pb.Disbursement, DisbursementOut, voucher=_voucher)
allocation_reply_out = from_message(pb.AllocationReply, AllocationReplyOut)
pool_out = from_message(pb.Pool, PoolOut)
ledger_out = from_message(
    pb.Ledger,
    LedgerOut,
    disbursements=lambda ledger: [disbursement_out(d) for d in ledger.disbursements],
)
idle_out = from_message(pb.IdleFunds, IdleFundsOut)
pool_request = to_message(PoolAllocationIn, pb.AllocateToPoolRequest)
project_request = to_message(
    ProjectAllocationIn, pb.AllocateToProjectRequest, given=("project_id",)
)
disbursement_request = to_message(
    DisbursementIn, pb.RequestDisbursementRequest, given=("project_id",)
)


@router.post(
    "/fund-pools/allocations",
    status_code=201,
    response_model=AllocationReplyOut,
    responses=problem_responses(),
    summary="Allocate funds from a source into a county's pool of a year (资金下达)",
)
async def allocate_to_pool(
    body: PoolAllocationIn, caller: Annotated[Caller, caller_for("funds", "allocate")]
) -> ModelResponse:
    reply = await caller.call(caller.funds.AllocateToPool, pool_request(body))
    return ModelResponse(allocation_reply_out(reply), status_code=201)


@router.get(
    "/fund-pools",
    response_model=PoolList,
    responses=problem_responses(),
    summary="A county's pools of a year, per source, with their allocations",
)
async def list_pools(
    county_code: Annotated[str, Query(pattern=REGION_CODE)],
    year: Annotated[int, Query(ge=2014, le=2100)],
    caller: Annotated[Caller, caller_for("funds", "read")],
) -> ModelResponse:
    request = pb.ListPoolsRequest(county_code=county_code, year=year)
    reply = await caller.call(caller.funds.ListPools, request)
    return ModelResponse(PoolList(items=[pool_out(pool) for pool in reply.pools]))


@router.post(
    "/projects/{project_id}/fund-allocations",
    status_code=201,
    response_model=AllocationReplyOut,
    responses=problem_responses(),
    summary="Allocate funds to an approved project from its county's pool of its plan year",
    description="409 when the pool has less unallocated; 400 when the project's budget for "
    "the source would be passed; 409 unless the project is planned or in progress.",
)
async def allocate_to_project(
    project_id: HexId,
    body: ProjectAllocationIn,
    caller: Annotated[Caller, caller_for("funds", "allocate")],
) -> ModelResponse:
    request = project_request(body, project_id=project_id)
    reply = await caller.call(caller.funds.AllocateToProject, request)
    return ModelResponse(allocation_reply_out(reply), status_code=201)


@router.get(
    "/projects/{project_id}/ledger",
    response_model=LedgerOut,
    responses=problem_responses(),
    summary="The project's funds per source, its allocations and its disbursements",
)
async def get_ledger(
    project_id: HexId, caller: Annotated[Caller, caller_for("funds", "read")]
) -> ModelResponse:
    reply = await caller.call(caller.funds.GetLedger, pb.GetLedgerRequest(project_id=project_id))
    return ModelResponse(ledger_out(reply))


@router.post(
    "/projects/{project_id}/disbursements",
    status_code=201,
    response_model=DisbursementOut,
    responses=problem_responses(),
    summary="Request a disbursement (拨付) of the project's funds from a source",
    description="Held back from the allocation at once: a request past what is neither paid "
    "nor requested is a 409.",
)
async def request_disbursement(
    project_id: HexId,
    body: DisbursementIn,
    caller: Annotated[Caller, caller_for("funds", "disburse")],
) -> ModelResponse:
    request = disbursement_request(body, project_id=project_id)
    reply = await caller.call(caller.funds.RequestDisbursement, request)
    return ModelResponse(disbursement_out(reply), status_code=201)


@router.post(
    "/projects/{project_id}/disbursements/{disbursement_id}/approve",
    response_model=DisbursementOut,
    responses=problem_responses(),
    summary="Approve a requested disbursement (a second officer: not who requested it)",
)
async def approve_disbursement(
    project_id: HexId,
    disbursement_id: HexId,
    caller: Annotated[Caller, caller_for("funds", "disburse")],
) -> ModelResponse:
    request = pb.DecideDisbursementRequest(project_id=project_id, disbursement_id=disbursement_id)
    return ModelResponse(
        disbursement_out(await caller.call(caller.funds.ApproveDisbursement, request))
    )


@router.post(
    "/projects/{project_id}/disbursements/{disbursement_id}/reject",
    response_model=DisbursementOut,
    responses=problem_responses(),
    summary="Reject a requested disbursement with a reason; its amount is free again",
)
async def reject_disbursement(
    project_id: HexId,
    disbursement_id: HexId,
    body: RejectionIn,
    caller: Annotated[Caller, caller_for("funds", "disburse")],
) -> ModelResponse:
    request = pb.DecideDisbursementRequest(
        project_id=project_id, disbursement_id=disbursement_id, reason=body.reason
    )
    return ModelResponse(
        disbursement_out(await caller.call(caller.funds.RejectDisbursement, request))
    )


async def _payment_chunks(
    header: pb.PayDisbursementHeader, file: UploadFile
) -> AsyncIterator[pb.PayDisbursementChunk]:
    yield pb.PayDisbursementChunk(header=header)
    while data := await file.read(CHUNK_BYTES):
        yield pb.PayDisbursementChunk(data=data)


@router.post(
    "/projects/{project_id}/disbursements/{disbursement_id}/payment",
    response_model=DisbursementOut,
    responses=problem_responses(413, 415),
    summary="Pay an approved disbursement with its voucher (凭证): a PDF, JPEG or PNG ≤ 10 MB",
    description="The content decides the type; anything else is a 415 and nothing is kept.",
)
async def pay_disbursement(
    project_id: HexId,
    disbursement_id: HexId,
    caller: Annotated[Caller, caller_for("funds", "disburse")],
    file: Annotated[UploadFile, File(description="the voucher")],
) -> ModelResponse:
    header = pb.PayDisbursementHeader(
        project_id=project_id,
        disbursement_id=disbursement_id,
        file_name=file.filename or "",
        declared_type=file.content_type or "",
    )
    try:
        paid = await caller.upload(caller.funds.PayDisbursement, _payment_chunks(header, file))
    except InvalidArgument as refused:
        raise refused_content(refused) from None
    return ModelResponse(disbursement_out(paid))


@router.get(
    "/projects/{project_id}/disbursements/{disbursement_id}/voucher",
    responses=FILE_RESPONSES,
    response_class=StreamingResponse,
    summary="A paid disbursement's voucher, with the content type found at upload",
)
async def get_voucher(
    project_id: HexId,
    disbursement_id: HexId,
    caller: Annotated[Caller, caller_for("funds", "read")],
) -> StreamingResponse:
    request = pb.ReadVoucherRequest(project_id=project_id, disbursement_id=disbursement_id)
    chunks = caller.stream(caller.funds.ReadVoucher, request)
    first = await anext(chunks, None)
    if first is None or not first.HasField("disbursement"):
        raise Internal("the voucher's disbursement did not come first")
    voucher = first.disbursement.voucher

    async def body() -> AsyncIterator[bytes]:
        async for chunk in chunks:
            yield chunk.data

    return StreamingResponse(
        body(),
        media_type=voucher.content_type,
        headers={
            "Content-Disposition": disposition(voucher.file_name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/project-funds/idle",
    response_model=IdleFundsList,
    responses=problem_responses(),
    summary="Funds allocated to projects and not disbursed for more than `days` (资金闲置)",
)
async def list_idle_funds(
    caller: Annotated[Caller, caller_for("funds", "read")],
    region_code: Annotated[str, Query(pattern=REGION_CODE_OR_EMPTY)] = "",
    days: Annotated[float, Query(gt=0, le=3650)] | None = None,
) -> ModelResponse:
    request = pb.ListIdleFundsRequest(region_code=region_code, days=days or 0)
    reply = await caller.call(caller.funds.ListIdleFunds, request)
    return ModelResponse(IdleFundsList(items=[idle_out(row) for row in reply.items]))
