"""The audit trail of logins and account and permission changes, for the caller's subtree."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gateway.deps import Caller, caller_for
from gateway.fields import Instant
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.identity.v1 import identity_pb2 as pb

router = APIRouter(prefix="/api/v1/audit-records", tags=["audit"])


class AuditRecordOut(BaseModel):
    id: str
    at: Instant
    actor_id: str
    action: str
    target_id: str
    region_code: str
    detail: dict[str, Any]
    client_ip: str


@router.get(
    "", response_model=Page[AuditRecordOut], responses=problem_responses(), summary="Audit records"
)
async def list_audit_records(
    caller: Annotated[Caller, caller_for("audit", "read")],
    region_code: RegionCode = "",
    action: Annotated[str, Query(max_length=64)] = "",
    actor_id: Annotated[str, Query(max_length=80)] = "",
    target_id: Annotated[str, Query(max_length=80)] = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListAuditRecordsRequest(
        region_code=region_code,
        action=action,
        actor_id=actor_id,
        target_id=target_id,
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.identity("ListAuditRecords", message)
    items = [
        AuditRecordOut(
            id=r.id,
            at=r.at.ToDatetime(),
            actor_id=r.actor_id,
            action=r.action,
            target_id=r.target_id,
            region_code=r.region_code,
            detail=json.loads(r.detail or "{}"),
            client_ip=r.client_ip,
        )
        for r in reply.records
    ]
    return ModelResponse(
        Page[AuditRecordOut](items=items, next_page_token=reply.next_page_token or None)
    )
