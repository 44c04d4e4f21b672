"""Tasks: an upper level assigns work (visit, verify data, spot-check a household) to cadres —
some users, or every holder of a role in a subtree — with a due date; each cadre is texted and
accepts or completes it here or by replying to the text; the assigner sees who is late."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import REGION_CODE_OR_EMPTY, Instant, RequestModel
from gateway.idempotency import respond_once
from gateway.pagination import Page, PageSize, PageToken
from gateway.params import HexId
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.assistance.v1 import assistance_pb2 as pb
from kit.paging import stamp

router = APIRouter(prefix="/api/v1", tags=["tasks"])

TaskId = HexId


class TaskIn(RequestModel):
    kind: Literal["visit", "verify_data", "spot_check"]
    title: str = Field(min_length=1, max_length=200)
    due_at: Instant = Field(description="with its time zone")
    household_id: str = Field(default="", pattern=r"^([0-9a-f]{1,64})?$")
    assignee_ids: list[str] = Field(default_factory=list, max_length=200)
    role: str = Field(default="", max_length=40, description="or every holder of this role ...")
    region_code: str = Field(
        default="", pattern=REGION_CODE_OR_EMPTY, description="... in this subtree"
    )


class TaskAnswerIn(RequestModel):
    action: Literal["accept", "complete"]


class AssignmentOut(BaseModel):
    assignee_id: str
    assignee_region: str
    status: str = Field(description="assigned | accepted | completed")
    accepted_at: Instant | None
    completed_at: Instant | None
    via: str = Field(description="api | sms: how the last answer came")
    overdue: bool


class TaskOut(BaseModel):
    id: str
    kind: str
    title: str
    household_id: str | None
    region_code: str
    assigned_by: str
    due_at: Instant
    created_at: Instant
    assignments: list[AssignmentOut] = Field(description="the assigner sees all; you yours")


def task_out(t: pb.Task) -> TaskOut:
    return TaskOut(
        id=t.id,
        kind=t.kind,
        title=t.title,
        household_id=t.household_id or None,
        region_code=t.region_code,
        assigned_by=t.assigned_by,
        due_at=t.due_at.ToDatetime(),
        created_at=t.created_at.ToDatetime(),
        assignments=[
            AssignmentOut(
                assignee_id=a.assignee_id,
                assignee_region=a.assignee_region,
                status=a.status,
                accepted_at=a.accepted_at.ToDatetime() if a.HasField("accepted_at") else None,
                completed_at=a.completed_at.ToDatetime() if a.HasField("completed_at") else None,
                via=a.via,
                overdue=a.overdue,
            )
            for a in t.assignments
        ],
    )


@router.post(
    "/tasks",
    status_code=201,
    response_model=TaskOut,
    responses=problem_responses(),
    summary="Assign a task to cadres (texted to each of them)",
)
async def assign_task(
    body: TaskIn, request: Request, caller: Annotated[Caller, caller_for("tasks", "assign")]
) -> JSONResponse:
    async def produce() -> TaskOut:
        message = pb.AssignTaskRequest(
            kind=body.kind,
            title=body.title,
            household_id=body.household_id,
            assignee_ids=body.assignee_ids,
            role=body.role,
            region_code=body.region_code,
            due_at=stamp(body.due_at),
        )
        return task_out(await caller.call(caller.assistance.AssignTask, message))

    return await respond_once(request, caller, 201, produce)


@router.get(
    "/tasks",
    response_model=Page[TaskOut],
    responses=problem_responses(),
    summary="Tasks assigned to you, or by you (overdue ones only, if asked)",
)
async def list_tasks(
    caller: Annotated[Caller, caller_for("tasks", "read")],
    scope: Annotated[Literal["assigned_to_me", "assigned_by_me"], Query()] = "assigned_to_me",
    overdue: bool = False,
    page_size: PageSize = 50,
    page_token: PageToken = "",
) -> ModelResponse:
    message = pb.ListTasksRequest(
        scope=scope, overdue_only=overdue, page_size=page_size, page_token=page_token
    )
    reply = await caller.call(caller.assistance.ListTasks, message)
    return ModelResponse(
        Page[TaskOut](
            items=[task_out(t) for t in reply.tasks],
            next_page_token=reply.next_page_token or None,
        )
    )


@router.get(
    "/tasks/{task_id}",
    response_model=TaskOut,
    responses=problem_responses(),
    summary="A task and its assignments",
)
async def get_task(
    task_id: TaskId, caller: Annotated[Caller, caller_for("tasks", "read")]
) -> ModelResponse:
    return ModelResponse(
        task_out(await caller.call(caller.assistance.GetTask, pb.GetTaskRequest(id=task_id)))
    )


@router.post(
    "/tasks/{task_id}/answers",
    response_model=TaskOut,
    responses=problem_responses(),
    summary="Accept or complete a task assigned to you",
)
async def answer_task(
    task_id: TaskId,
    body: TaskAnswerIn,
    caller: Annotated[Caller, caller_for("tasks", "respond")],
) -> ModelResponse:
    message = pb.RespondToTaskRequest(id=task_id, action=body.action)
    return ModelResponse(task_out(await caller.call(caller.assistance.RespondToTask, message)))
