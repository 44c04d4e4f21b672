"""The public notices (公示) of projects, before their approval and at their completion: anyone
may read the notices running now — the project's name, place, type, year, budget and the
number of households it benefits, never a household — and object during one, without logging
in (rate-limited per address)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.deps import State, public_call
from gateway.fields import Instant
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.leader_notices import ObjectionIn, ObjectionReceipt, lodged_response
from jingzhun.projects.v1 import projects_pb2 as pb
from kit.mapping import from_message

router = APIRouter(prefix="/public", tags=["public"])


class PublicProjectNoticeOut(BaseModel):
    notice_id: str
    kind: Literal["project_approval", "project_completion"]
    project_id: str
    name: str
    type: str
    region_code: str
    region_name: str
    place: str
    year: int
    budget_total_fen: int
    beneficiary_count: int
    results: str
    starts_at: Instant
    ends_at: Instant


public_notice_out = from_message(pb.PublicProjectNotice, PublicProjectNoticeOut)


@router.get(
    "/project-notices",
    response_model=Page[PublicProjectNoticeOut],
    responses=problem_responses(),
    summary="The public notices of projects running now (no login)",
)
async def list_notices(
    request: Request,
    state: State,
    region_code: RegionCode = "",
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListProjectNoticesRequest(
        region_code=region_code, page_size=page_size, page_token=page_token
    )
    reply = await public_call(
        request, state, state.projects, state.projects.stub.ListProjectNotices, message
    )
    return ModelResponse(
        Page[PublicProjectNoticeOut](
            items=[public_notice_out(n) for n in reply.notices],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.post(
    "/project-notices/{notice_id}/objections",
    status_code=201,
    response_model=ObjectionReceipt,
    responses=problem_responses(),
    summary="Object to a project while its notice runs (no login)",
)
async def lodge_objection(
    notice_id: HexId, body: ObjectionIn, request: Request, state: State
) -> JSONResponse:
    message = pb.LodgeProjectObjectionRequest(notice_id=notice_id, **body.model_dump())
    reply = await public_call(
        request, state, state.projects, state.projects.stub.LodgeProjectObjection, message
    )
    return lodged_response(reply)
