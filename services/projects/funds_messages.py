"""Funds' rows and views <-> FundsService messages (kit.mapping), built once at import."""

from __future__ import annotations

from jingzhun.projects.v1 import funds_pb2 as pb
from kit.mapping import to_message
from services.projects.funds_models import (
    Disbursement,
    FundAllocation,
    FundPool,
    ProjectFundBalance,
)
from services.projects.funds_rules import Balance


def _figures(row: ProjectFundBalance) -> Balance:
    return Balance(row.allocated_fen, row.pending_fen, row.disbursed_fen)


def _voucher(row: Disbursement) -> pb.Voucher | None:
    if not row.voucher_key:
        return None
    return pb.Voucher(
        file_name=row.voucher_file_name,
        content_type=row.voucher_content_type,
        size_bytes=row.voucher_size_bytes,
        sha256=row.voucher_sha256,
    )


allocation_message = to_message(FundAllocation, pb.Allocation)
disbursement_message = to_message(Disbursement, pb.Disbursement, voucher=_voucher)
balance_message = to_message(
    ProjectFundBalance,
    pb.Balance,
    remaining_fen=lambda row: _figures(row).remaining_fen,
    available_fen=lambda row: _figures(row).available_fen,
)
pool_message = to_message(
    FundPool,
    pb.Pool,
    unallocated_fen=lambda row: row.received_fen - row.allocated_fen,
    given=("allocations",),
)
idle_message = to_message(
    ProjectFundBalance, pb.IdleFunds, remaining_fen=lambda row: _figures(row).remaining_fen
)
