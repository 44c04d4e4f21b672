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
from kit.mapping import from_message, to_message

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
    result: str = Field(
        default="",
        pattern=r"^([0-9a-f]{1,64})?$",
        description="completing a spot_check task: the id of your spot check that answers it",
    )


class AssignmentOut(BaseModel):
    assignee_id: str
    assignee_region: str
    status: str = Field(description="assigned | accepted | completed")
    accepted_at: Instant | None
    completed_at: Instant | None
    via: str = Field(description="api | sms: how the last answer came")
    overdue: bool
    result: str = Field(description="what completed it: a spot_check task's spot check id")


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


task_out = from_message(pb.Task, TaskOut)


assign_task_message = to_message(TaskIn, pb.AssignTaskRequest)
respond_to_task_message = to_message(TaskAnswerIn, pb.RespondToTaskRequest, given=("id",))


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
        message = assign_task_message(body)
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
    message = respond_to_task_message(body, id=task_id)
    return ModelResponse(task_out(await caller.call(caller.assistance.RespondToTask, message)))
