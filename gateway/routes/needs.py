"""Needs (帮扶需求): filed by a paired helper, resolved, answered or escalated level by level
(village → town → county → city → province), escalated by themselves at the deadline; the
needs ledger (问题解决台账) and the needs menu of a region."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["needs"])

NeedId = HexId
Category = Literal["medical", "schooling", "housing", "employment", "industry", "funds", "other"]
OwnerLevel = Literal["village", "town", "county", "city", "province"]


class NeedIn(RequestModel):
    household_id: str = Field(
        pattern=r"^[0-9a-f]{1,64}$", description="a household paired with you"
    )
    category: Category
    description: str = Field(min_length=1, max_length=2000)
    urgent: bool = Field(default=False, description="shorter deadlines at every level")


class NeedActionIn(ProtoModel, proto=pb.ActOnNeedRequest):
    action: Literal["resolve", "answer", "escalate"]
    reason: str = Field(
        min_length=1, max_length=2000, description="how it was resolved, the answer, or why up"
    )
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class NeedStepOut(BaseModel):
    seq: int
    action: str = Field(description="filed | escalated | auto_escalated | resolved | answered")
    from_region: str | None
    to_region: str | None
    actor_id: str = Field(description="`scheduler` for an escalation at the deadline")
    reason: str
    at: Instant


class NeedOut(BaseModel):
    id: str
    household_id: str
    village_code: str
    category: str
    description: str
    urgent: bool
    status: str = Field(description="open | resolved | answered")
    owner_region: str
    owner_level: str
    due_at: Instant
    overdue: bool
    filed_by: str
    version: int
    created_at: Instant
    updated_at: Instant
    steps: list[NeedStepOut] = Field(description="the whole path, in order")


class MenuCell(BaseModel):
    category: str
    owner_level: str
    status: str
    count: int


class NeedsMenuOut(BaseModel):
    region_code: str
    total: int
    open: int
    overdue: int
    cells: list[MenuCell] = Field(description="needs by category, owner level and status")


need_out = from_message(pb.Need, NeedOut)


file_need_message = to_message(NeedIn, pb.FileNeedRequest)
act_on_need_message = to_message(NeedActionIn, pb.ActOnNeedRequest, given=("id",))


@router.post(
    "/needs",
    status_code=201,
    response_model=NeedOut,
    responses=problem_responses(),
    summary="File a need of a household paired with you (the village owns it first)",
)
async def file_need(
    body: NeedIn, request: Request, caller: Annotated[Caller, caller_for("needs", "create")]
) -> JSONResponse:
    async def produce() -> NeedOut:
        message = file_need_message(body)
        return need_out(await caller.call(caller.assistance.FileNeed, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/needs/menu",
    response_model=NeedsMenuOut,
    responses=problem_responses(),
    summary="The needs menu of a region: needs by category, owner level and status",
)
async def needs_menu(
    caller: Annotated[Caller, caller_for("needs", "read")], region_code: RegionCode = ""
) -> ModelResponse:
    menu = await caller.call(
        caller.assistance.GetNeedsMenu, pb.GetNeedsMenuRequest(region_code=region_code)
    )
    return ModelResponse(
        NeedsMenuOut(
            region_code=menu.region_code,
            total=menu.total,
            open=menu.open,
            overdue=menu.overdue,
            cells=[
                MenuCell(
                    category=c.category, owner_level=c.owner_level, status=c.status, count=c.count
                )
                for c in menu.cells
            ],
        )
    )


@router.get(
    "/needs",
    response_model=Page[NeedOut],
    responses=problem_responses(),
    summary="The needs ledger (问题解决台账) of a region: every need with its whole path",
)
async def needs_ledger(
    caller: Annotated[Caller, caller_for("needs", "read")],
    region_code: RegionCode = "",
    status: Annotated[Literal["open", "resolved", "answered"] | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    owner_level: Annotated[OwnerLevel | None, Query()] = None,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListNeedsRequest(
        region_code=region_code,
        status=status or "",
        category=category or "",
        owner_level=owner_level or "",
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.assistance.ListNeeds, message)
    page = Page[NeedOut](
        items=[need_out(n) for n in reply.needs], next_page_token=reply.next_page_token or None
    )
    return ModelResponse(page)


@router.get(
    "/needs/{need_id}",
    response_model=NeedOut,
    responses=problem_responses(),
    summary="A need and its whole path",
)
async def get_need(
    need_id: NeedId, caller: Annotated[Caller, caller_for("needs", "read")]
) -> ModelResponse:
    return ModelResponse(
        need_out(await caller.call(caller.assistance.GetNeed, pb.GetNeedRequest(id=need_id)))
    )


@router.post(
    "/needs/{need_id}/actions",
    response_model=NeedOut,
    responses=problem_responses(),
    summary="Resolve, answer or escalate a need your level owns (or one below yours owns)",
)
async def act_on_need(
    need_id: NeedId,
    body: NeedActionIn,
    caller: Annotated[Caller, caller_for("needs", "handle")],
) -> ModelResponse:
    message = act_on_need_message(body, id=need_id)
    return ModelResponse(need_out(await caller.call(caller.assistance.ActOnNeed, message)))
