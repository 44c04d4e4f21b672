"""Events of projects' funds (`projects.funds.*`), written through the outbox in the unit of
work that made the change, and the audit records of every yuan moved (kit.audit)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from jingzhun.projects.v1 import funds_pb2 as pb
from kit import audit
from kit.outbox import enqueue
from kit.principal import Principal
from services.projects.funds_messages import allocation_message, disbursement_message
from services.projects.funds_models import Disbursement, FundAllocation

SERVICE = "projects"  # whose acts these are in the audit log
FUNDS_ALLOCATED = "projects.funds.allocated"
DISBURSEMENT_SUBJECT = "projects.funds.disbursement_{status}"


def allocated(session: AsyncSession, allocation: FundAllocation, county_code: str) -> None:
    event = pb.FundsAllocated(allocation=allocation_message(allocation), county_code=county_code)
    enqueue(session, FUNDS_ALLOCATED, event, msg_id=f"allocation-{allocation.id}")


def disbursement_changed(session: AsyncSession, disbursement: Disbursement) -> None:
    """`projects.funds.disbursement_requested` / `_approved` / `_rejected` / `_paid`."""
    event = pb.DisbursementChanged(
        disbursement=disbursement_message(disbursement), region_code=disbursement.region_code
    )
    subject = DISBURSEMENT_SUBJECT.format(status=disbursement.status)
    enqueue(session, subject, event, msg_id=f"disbursement-{disbursement.id}-{disbursement.status}")


def record(
    session: AsyncSession,
    caller: Principal,
    action: str,
    target_id: str,
    region_code: str,
    before: dict[str, Any],
    after: dict[str, Any],
    **detail: Any,
) -> None:
    """The act with what it changed, before and after, for the platform's audit log."""
    audit.record(
        session,
        SERVICE,
        actor_id=caller.actor_id,
        action=action,
        target_id=target_id,
        region_code=region_code,
        detail={"before": before, "after": after, **detail},
    )
