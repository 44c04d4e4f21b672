"""The one audit log of every service's sensitive acts (reveals, reviews, imports, exports,
logins, permission and division changes...), for the caller's subtree."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.visits import Since, Until
from jingzhun.identity.v1 import identity_pb2 as pb
from kit.mapping import from_message
from kit.paging import stamp

router = APIRouter(prefix="/api/v1/audit-records", tags=["audit"])


class AuditRecordOut(BaseModel):
    id: str
    at: Instant
    service: str
    actor_id: str
    action: str
    target_id: str
    region_code: str
    detail: dict[str, Any]
    client_ip: str
    hash: str = Field(description="sha256 of the previous record's hash and this record")


audit_record_out = from_message(
    pb.AuditRecord, AuditRecordOut, detail=lambda r: json.loads(r.detail or "{}")
)


@router.get(
    "", response_model=Page[AuditRecordOut], responses=problem_responses(), summary="Audit records"
)
async def list_audit_records(
    caller: Annotated[Caller, caller_for("audit", "read")],
    region_code: RegionCode = "",
    service: Annotated[str, Query(max_length=32)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    actor_id: Annotated[str, Query(max_length=80)] = "",
    target_id: Annotated[str, Query(max_length=80)] = "",
    since: Since = None,
    until: Until = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListAuditRecordsRequest(
        region_code=region_code,
        service=service,
        action=action,
        actor_id=actor_id,
        target_id=target_id,
        page_size=page_size,
        page_token=page_token,
        since=stamp(since) if since else None,
        until=stamp(until) if until else None,
    )
    reply = await caller.call(caller.identity.ListAuditRecords, message)
    items = [audit_record_out(r) for r in reply.records]
    return ModelResponse(
        Page[AuditRecordOut](items=items, next_page_token=reply.next_page_token or None)
    )
