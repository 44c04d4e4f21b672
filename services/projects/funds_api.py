"""FundsService over gRPC: translates proto <-> funds' use-cases and nothing else. The caller's
functions: `funds read` (the ledger, pools, idle funds), `funds allocate`, `funds disburse`
(request, approve, reject, pay). Vouchers travel in chunks of `CHUNK_BYTES`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

from grpc.aio import ServicerContext

from jingzhun.projects.v1 import funds_pb2 as pb
from jingzhun.projects.v1 import funds_pb2_grpc
from kit.access import Access
from kit.errors import FieldViolation, InvalidArgument
from services.projects.funds_disbursements import (
    DisbursementsService,
    NewDisbursement,
    VoucherUpload,
)
from services.projects.funds_messages import (
    allocation_message,
    balance_message,
    disbursement_message,
    idle_message,
    pool_message,
)
from services.projects.funds_models import FundAllocation, FundPool
from services.projects.funds_service import FundsService, NewAllocation

CHUNK_BYTES = 256 * 1024


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            "issued_on is an RFC 3339 full-date",
            reason="INVALID_DATE",
            violations=[FieldViolation("issued_on", "e.g. 2026-03-01")],
        ) from None


def _reply(allocation: FundAllocation, pool: FundPool) -> pb.AllocationReply:
    return pb.AllocationReply(
        allocation=allocation_message(allocation), pool=pool_message(pool, allocations=[])
    )


async def _voucher_bytes(chunks: AsyncIterator[pb.PayDisbursementChunk]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        if not chunk.HasField("data"):
            raise InvalidArgument("only the first message has the header", reason="HEADER_FIRST")
        yield chunk.data


class FundsApi(funds_pb2_grpc.FundsServiceServicer):
    def __init__(
        self, funds: FundsService, disbursements: DisbursementsService, access: Access
    ) -> None:
        self.funds = funds
        self.disbursements = disbursements
        self._access = access

    async def AllocateToPool(
        self, request: pb.AllocateToPoolRequest, context: ServicerContext
    ) -> pb.AllocationReply:
        new = NewAllocation(
            request.source, request.amount_fen, request.document_number, _day(request.issued_on)
        )
        allocation, pool = await self.funds.allocate_to_pool(
            self._access.caller("funds", "allocate"), request.county_code, request.year, new
        )
        return _reply(allocation, pool)

    async def AllocateToProject(
        self, request: pb.AllocateToProjectRequest, context: ServicerContext
    ) -> pb.AllocationReply:
        new = NewAllocation(
            request.source, request.amount_fen, request.document_number, _day(request.issued_on)
        )
        allocation, pool = await self.funds.allocate_to_project(
            self._access.caller("funds", "allocate"), request.project_id, new
        )
        return _reply(allocation, pool)

    async def ListPools(
        self, request: pb.ListPoolsRequest, context: ServicerContext
    ) -> pb.ListPoolsResponse:
        found = await self.funds.pools(
            self._access.caller("funds", "read"), request.county_code, request.year
        )
        return pb.ListPoolsResponse(
            pools=[
                pool_message(pool, allocations=[allocation_message(a) for a in allocations])
                for pool, allocations in found
            ]
        )

    async def GetLedger(self, request: pb.GetLedgerRequest, context: ServicerContext) -> pb.Ledger:
        ledger = await self.funds.ledger(self._access.caller("funds", "read"), request.project_id)
        return pb.Ledger(
            project_id=ledger.project.id,
            region_code=ledger.project.region_code,
            balances=[balance_message(row) for row in ledger.balances],
            allocations=[allocation_message(row) for row in ledger.allocations],
            disbursements=[disbursement_message(row) for row in ledger.disbursements],
        )

    async def RequestDisbursement(
        self, request: pb.RequestDisbursementRequest, context: ServicerContext
    ) -> pb.Disbursement:
        percent = request.progress_percent if request.HasField("progress_percent") else None
        new = NewDisbursement(request.source, request.amount_fen, request.milestone, percent)
        found = await self.disbursements.request(
            self._access.caller("funds", "disburse"), request.project_id, new
        )
        return disbursement_message(found)

    async def ApproveDisbursement(
        self, request: pb.DecideDisbursementRequest, context: ServicerContext
    ) -> pb.Disbursement:
        found = await self.disbursements.approve(
            self._access.caller("funds", "disburse"), request.project_id, request.disbursement_id
        )
        return disbursement_message(found)

    async def RejectDisbursement(
        self, request: pb.DecideDisbursementRequest, context: ServicerContext
    ) -> pb.Disbursement:
        found = await self.disbursements.reject(
            self._access.caller("funds", "disburse"),
            request.project_id,
            request.disbursement_id,
            request.reason,
        )
        return disbursement_message(found)

    async def PayDisbursement(
        self, request_iterator: AsyncIterator[pb.PayDisbursementChunk], context: ServicerContext
    ) -> pb.Disbursement:
        caller = self._access.caller("funds", "disburse")
        chunks = aiter(request_iterator)
        first = await anext(chunks, None)
        if first is None or not first.HasField("header"):
            raise InvalidArgument("the first message must carry the header", reason="HEADER_FIRST")
        header = first.header
        upload = VoucherUpload(header.file_name, _voucher_bytes(chunks))
        paid = await self.disbursements.pay(
            caller, header.project_id, header.disbursement_id, upload
        )
        return disbursement_message(paid)

    async def ReadVoucher(
        self, request: pb.ReadVoucherRequest, context: ServicerContext
    ) -> AsyncIterator[pb.VoucherChunk]:
        found, data = await self.disbursements.voucher(
            self._access.caller("funds", "read"), request.project_id, request.disbursement_id
        )
        yield pb.VoucherChunk(disbursement=disbursement_message(found))
        for start in range(0, len(data), CHUNK_BYTES):
            yield pb.VoucherChunk(data=data[start : start + CHUNK_BYTES])

    async def ListIdleFunds(
        self, request: pb.ListIdleFundsRequest, context: ServicerContext
    ) -> pb.ListIdleFundsResponse:
        found = await self.funds.idle_funds(
            self._access.caller("funds", "read"), request.region_code, request.days
        )
        return pb.ListIdleFundsResponse(items=[idle_message(row) for row in found])
