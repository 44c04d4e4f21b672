"""The project library (扶贫项目库): a village or town proposes a project — its type, place and
year, its budget by source in fen, the poor households it benefits and how (带贫益贫机制), the
results expected — and officers read the projects of their territory; a proposal the town
returned is edited by its proposer's level before it is resubmitted."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, ProtoModel, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId, RegionCode
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.projects.v1 import projects_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["projects"])

ProjectId = HexId
ProjectType = Literal[
    "industry",
    "infrastructure",
    "employment",
    "education",
    "health",
    "housing",
    "relocation",
    "other",
]
FundSource = Literal["central", "provincial", "city", "county", "integrated", "other"]
Mechanism = Literal["dividend", "job", "land_rent", "other"]
ProjectStatus = Literal[
    "proposed",
    "returned",
    "in_notice",
    "planned",
    "rejected",
    "in_progress",
    "completed",
    "accepted",
]


class BudgetIn(ProtoModel, proto=pb.Budget):
    source: FundSource
    amount_fen: int = Field(gt=0, description="分 (1 yuan = 100 fen), positive")


class BeneficiaryIn(ProtoModel, proto=pb.Beneficiary):
    household_id: str = Field(min_length=1, max_length=64, description="a registry household")
    mechanism: Mechanism = Field(description="带贫益贫机制: dividend, job, land rent, other")
    note: str = Field(default="", max_length=500)


class ProjectIn(ProtoModel, proto=pb.CreateProjectRequest):
    region_code: str = Field(
        default="", pattern=REGION_CODE_OR_EMPTY, description="a village or town; default: yours"
    )
    name: str = Field(min_length=1, max_length=100)
    type: ProjectType
    place: str = Field(default="", max_length=200)
    year: int = Field(ge=2014, le=2100, description="the plan's year")
    budgets: list[BudgetIn] = Field(min_length=1, max_length=6, description="one per source")
    beneficiaries: list[BeneficiaryIn] = Field(default_factory=list, max_length=5000)
    expected_results: str = Field(default="", max_length=2000)


class ProposalEditIn(ProtoModel, proto=pb.EditProjectRequest):
    """A returned proposal as its proposer rewrites it: every field but where it is."""

    name: str = Field(min_length=1, max_length=100)
    type: ProjectType
    place: str = Field(default="", max_length=200)
    year: int = Field(ge=2014, le=2100, description="the plan's year")
    budgets: list[BudgetIn] = Field(min_length=1, max_length=6, description="one per source")
    beneficiaries: list[BeneficiaryIn] = Field(default_factory=list, max_length=5000)
    expected_results: str = Field(default="", max_length=2000)
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class BudgetOut(BaseModel):
    source: FundSource
    amount_fen: int


class BeneficiaryOut(BaseModel):
    household_id: str
    mechanism: Mechanism
    note: str


class StepOut(BaseModel):
    seq: int
    action: str
    status: ProjectStatus
    actor_id: str
    note: str
    at: Instant


class ObjectionOut(BaseModel):
    id: str
    text: str
    contact_masked: str
    status: Literal["open", "resolved"]
    upheld: bool
    resolution: str
    resolved_by: str
    lodged_at: Instant
    resolved_at: Instant | None


class NoticeOut(BaseModel):
    id: str
    kind: Literal["project_approval", "project_completion"]
    state: Literal["running", "ended", "decided"]
    starts_at: Instant
    ends_at: Instant
    open_objections: int
    objections: list[ObjectionOut]


class ProjectOut(BaseModel):
    id: str
    region_code: str
    region_name: str
    proposer_level: Literal["village", "town"]
    name: str
    type: ProjectType
    place: str
    year: int
    budgets: list[BudgetOut]
    budget_total_fen: int
    beneficiaries: list[BeneficiaryOut]
    beneficiary_count: int
    expected_results: str
    status: ProjectStatus
    owner_level: Literal["village", "town", "county", ""] = Field(
        description="the level whose turn it is; empty when nobody must act"
    )
    due_at: Instant | None = Field(description="when that level must have acted")
    overdue: bool
    version: int
    created_by: str
    created_at: Instant
    updated_at: Instant
    steps: list[StepOut] = Field(description="only on a single project's read")
    notices: list[NoticeOut] = Field(description="only on a single project's read")


project_out = from_message(pb.Project, ProjectOut)
create_message = to_message(ProjectIn, pb.CreateProjectRequest)
edit_message = to_message(ProposalEditIn, pb.EditProjectRequest, given=("id",))


@router.post(
    "/projects",
    status_code=201,
    response_model=ProjectOut,
    responses=problem_responses(),
    summary="Propose a project for a village or town of your territory",
)
async def create_project(
    body: ProjectIn,
    request: Request,
    caller: Annotated[Caller, caller_for("projects", "propose")],
) -> JSONResponse:
    async def produce() -> ProjectOut:
        return project_out(await caller.call(caller.projects.CreateProject, create_message(body)))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/projects",
    response_model=Page[ProjectOut],
    responses=problem_responses(),
    summary="The projects of a region in your territory, by year, type, status or overdue",
)
async def list_projects(
    caller: Annotated[Caller, caller_for("projects", "read")],
    region_code: RegionCode = "",
    year: Annotated[int, Query(ge=0, le=2100, description="0: every year")] = 0,
    type: Annotated[ProjectType | None, Query()] = None,
    status: Annotated[ProjectStatus | None, Query()] = None,
    overdue: Annotated[bool, Query(description="only those past their deadline")] = False,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListProjectsRequest(
        region_code=region_code,
        year=year,
        type=type or "",
        status=status or "",
        overdue_only=overdue,
        page_size=page_size,
        page_token=page_token,
    )
    reply = await caller.call(caller.projects.ListProjects, message)
    return ModelResponse(
        Page[ProjectOut](
            items=[project_out(p) for p in reply.projects],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/projects/{project_id}",
    response_model=ProjectOut,
    responses=problem_responses(),
    summary="A project, its steps and its public notices",
)
async def get_project(
    project_id: ProjectId, caller: Annotated[Caller, caller_for("projects", "read")]
) -> ModelResponse:
    found = await caller.call(caller.projects.GetProject, pb.GetProjectRequest(id=project_id))
    return ModelResponse(project_out(found))


@router.put(
    "/projects/{project_id}",
    response_model=ProjectOut,
    responses=problem_responses(),
    summary="Edit a proposal the town returned, before resubmitting it (its proposer's level)",
)
async def edit_project(
    project_id: ProjectId,
    body: ProposalEditIn,
    request: Request,
    caller: Annotated[Caller, caller_for("projects", "propose")],
) -> JSONResponse:
    async def produce() -> ProjectOut:
        message = edit_message(body, id=project_id)
        return project_out(await caller.call(caller.projects.EditProject, message))

    return await respond_once(request, caller, 200, produce)


class ActionIn(ProtoModel, proto=pb.ActOnProjectRequest):
    action: Literal["forward", "return", "resubmit", "approve", "reject"] = Field(
        description="forward or return (the town), resubmit (the proposer, after a return), "
        "approve or reject (the county, after the public notice)"
    )
    note: str = Field(default="", max_length=2000, description="required to return or reject")
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class ResolutionIn(RequestModel):
    upheld: bool
    resolution: str = Field(min_length=1, max_length=2000)


action_message = to_message(ActionIn, pb.ActOnProjectRequest, given=("id",))


@router.post(
    "/projects/{project_id}/actions",
    response_model=ProjectOut,
    responses=problem_responses(),
    summary="Move a project on: the town forwards or returns it, the county approves or rejects it",
)
async def act_on_project(
    project_id: ProjectId,
    body: ActionIn,
    request: Request,
    caller: Annotated[Caller, caller_for("projects", "propose")],
) -> JSONResponse:
    async def produce() -> ProjectOut:
        message = action_message(body, id=project_id)
        return project_out(await caller.call(caller.projects.ActOnProject, message))

    return await respond_once(request, caller, 200, produce)


@router.post(
    "/projects/{project_id}/objections/{objection_id}/resolution",
    response_model=ProjectOut,
    responses=problem_responses(),
    summary="The town's finding on an objection to the project's public notice",
)
async def resolve_objection(
    project_id: ProjectId,
    objection_id: ProjectId,
    body: ResolutionIn,
    request: Request,
    caller: Annotated[Caller, caller_for("projects", "review")],
) -> JSONResponse:
    async def produce() -> ProjectOut:
        message = pb.ResolveProjectObjectionRequest(
            project_id=project_id, objection_id=objection_id, **body.model_dump()
        )
        return project_out(await caller.call(caller.projects.ResolveProjectObjection, message))

    return await respond_once(request, caller, 200, produce)
